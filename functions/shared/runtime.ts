/**
 * What every handler needs, built once per Lambda container from the environment the CDK app sets
 * (docs/events.md): the deployment configuration (SEGSYNC_CONFIG), its policy, the clouds, and the
 * snapshot store (SEGSYNC_SNAPSHOT_BUCKET). Tests and the CLI inject their own with `useRuntime`.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../core/config/load.ts';
import type { DeploymentConfig } from '../../core/config/types.ts';
import { renderDiagnostic } from '../../core/diagnostics.ts';
import { SegsyncError } from '../../core/errors.ts';
import { loadAndValidatePolicy } from '../../core/policy/load.ts';
import type { UseCaseDeps } from '../../adapters/events/converge.ts';
import { S3SnapshotStore } from '../../adapters/events/snapshot-s3.ts';
import { cloudsFromConfig } from './connect.ts';

export interface Runtime {
  config: Pick<DeploymentConfig, 'deploymentId' | 'drift' | 'aws' | 'azure' | 'gcp'>;
  deps: UseCaseDeps;
}

/** The deployment cannot start: a missing variable or a bad configuration file. Terminal. */
export class RuntimeConfigError extends SegsyncError {
  readonly retryable = false;
}

let current: Promise<Runtime> | undefined;

/** The runtime of this container (built on first use). */
export function runtime(): Promise<Runtime> {
  current ??= loadRuntime(process.env).catch((e: unknown) => {
    current = undefined; // a transient failure (credentials) must not stick to the container
    throw e;
  });
  return current;
}

/** Replaces the runtime (tests, the CLI); `undefined` goes back to building it from the environment. */
export function useRuntime(r: Runtime | undefined): void {
  current = r ? Promise.resolve(r) : undefined;
}

export async function loadRuntime(env: NodeJS.ProcessEnv): Promise<Runtime> {
  const path = need(env, 'SEGSYNC_CONFIG');
  const bucket = need(env, 'SEGSYNC_SNAPSHOT_BUCKET');
  const { config, diagnostics } = loadConfig(path);
  if (!config) throw new RuntimeConfigError(`${path}:\n${diagnostics.map(renderDiagnostic).join('\n')}`);
  const { policy, diagnostics: policyProblems } = loadAndValidatePolicy(config.policy);
  if (!policy)
    throw new RuntimeConfigError(
      `${config.policy}:\n${policyProblems
        .filter((d) => d.severity === 'error')
        .map(renderDiagnostic)
        .join('\n')}`,
    );
  const endpoint = env.SEGSYNC_AWS_ENDPOINT;
  const s3 = new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {});
  return {
    config,
    deps: {
      policy,
      clouds: await cloudsFromConfig(config),
      ctx: { deploymentId: config.deploymentId, ...(config.limits ? { limits: config.limits } : {}) },
      store: new S3SnapshotStore(s3, bucket),
    },
  };
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new RuntimeConfigError(`environment variable ${name} is not set (the CDK app sets it; see docs/events.md)`);
  return value;
}
