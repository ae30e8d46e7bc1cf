/**
 * THE plug point for the real clouds: the functions build their Clouds object here. The three
 * cloud connectors (adapters/<cloud>/connect.ts) and adapters/connect.ts `cloudsFromConfig` are
 * written in parallel; when they land, this file becomes
 *
 *   export { cloudsFromConfig } from '../../adapters/connect.ts';
 *
 * Until then the functions run only with injected clouds (tests, `segsync handle-event --state`).
 */
import type { DeploymentConfig } from '../../core/config/types.ts';
import { SegsyncError } from '../../core/errors.ts';
import type { Clouds } from '../../adapters/reconcile.ts';

export class CloudsNotWiredError extends SegsyncError {
  readonly retryable = false;
}

export async function cloudsFromConfig(config: DeploymentConfig): Promise<Clouds> {
  throw new CloudsNotWiredError(
    `no cloud connectors in this build for deployment "${config.deploymentId}" (functions/shared/connect.ts)`,
  );
}
