/**
 * First state of the drift schedule (Step Functions): every managed location of the deployment
 * configuration, for the Map state to fan out over (one `functions/drift.ts` run each).
 */
import type { DeploymentConfig } from '../core/config/types.ts';
import { runtimeConfig } from './shared/runtime-config.ts';

export interface DriftTarget {
  cloud: 'aws' | 'azure' | 'gcp';
  location: string;
}

export function driftTargets(config: Pick<DeploymentConfig, 'aws' | 'azure' | 'gcp'>): DriftTarget[] {
  return [
    ...(config.aws?.accounts ?? []).flatMap((a) =>
      a.regions.map((r) => ({ cloud: 'aws' as const, location: `${a.id}/${r}` })),
    ),
    ...(config.azure?.subscriptions ?? []).map((s) => ({ cloud: 'azure' as const, location: s.id })),
    ...(config.gcp?.projects ?? []).map((p) => ({ cloud: 'gcp' as const, location: p.id })),
  ];
}

export const handler = async (): Promise<{ locations: DriftTarget[] }> => ({
  locations: driftTargets(runtimeConfig(process.env)),
});
