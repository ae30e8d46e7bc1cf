/**
 * The GCP adapter (STYLE G3): one CloudAdapter over the Compute APIs of every managed project,
 * real (client.ts) or sandbox. Reads merge the projects in project order; a step goes to the API
 * of its `scope` (the project).
 *
 * What GCP supports, as segsync uses it (CLOUD-FACTS.md §3): VPC firewall rules (allow/deny,
 * priorities, target and source network tags, IPv4 or IPv6 ranges per rule) and instance network
 * tags as membership. Not used: firewall policies, secure tags, service-account targets.
 */
import type { Workload } from '../../core/model/inventory.ts';
import type { GcpState } from '../../core/model/native/gcp.ts';
import { StepFailedError } from '../../core/errors.ts';
import type { GcpStep } from '../../core/plan/gcp-steps.ts';
import type { CloudAdapter } from '../adapter.ts';
import type { GcpComputeApi } from './api.ts';
import { applyGcpStep } from './apply.ts';
import { readGcpInventory, readGcpState } from './read.ts';

export { applyGcpStep } from './apply.ts';
export { classifyGcpError, GcpQuotaExceededError } from './errors.ts';
export { readGcpInventory, readGcpState } from './read.ts';

/**
 * @example
 * const gcp = gcpAdapter([sandbox.api('shop-prod')]);
 * const workloads = await gcp.readInventory();
 */
export function gcpAdapter(apis: GcpComputeApi[]): CloudAdapter<'gcp'> {
  const byProject = new Map(apis.map((a) => [a.scope.project, a] as const));
  const ordered = [...byProject.keys()].sort().map((p) => byProject.get(p)!);
  return {
    cloud: 'gcp',
    async readInventory(): Promise<Workload[]> {
      return (await Promise.all(ordered.map(readGcpInventory))).flat();
    },
    async readState(): Promise<GcpState> {
      const states = await Promise.all(ordered.map(readGcpState));
      return { firewalls: states.flatMap((s) => s.firewalls), instances: states.flatMap((s) => s.instances) };
    },
    async apply(step: GcpStep): Promise<void> {
      const api = byProject.get(step.scope);
      if (api === undefined)
        throw new StepFailedError(
          step,
          new Error(`no GCP API for project "${step.scope}" (managed: ${[...byProject.keys()].join(', ') || 'none'})`),
        );
      await applyGcpStep(api, step);
    },
  };
}
