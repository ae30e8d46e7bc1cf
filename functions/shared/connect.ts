/**
 * The clouds a deployed function (and `segsync handle-event|drift --config`) works on: the real
 * ones its configuration names (adapters/connect.ts), every call paced by each cloud's documented
 * request budget like the CLI's, so one busy location slows down instead of being throttled.
 * Azure and GCP credentials come from Secrets Manager when the deployment names secrets
 * (cloud-credentials.ts), else from each cloud's default chain.
 */
import type { DeploymentConfig } from '../../core/config/types.ts';
import type { Clouds } from '../../adapters/reconcile.ts';
import { cloudsFromConfig as connect } from '../../adapters/connect.ts';
import { realClock } from '../../adapters/engine/clock.ts';
import { Pacer } from '../../adapters/engine/paced-api.ts';
import { cloudCredentials } from './cloud-credentials.ts';

export async function cloudsFromConfig(config: DeploymentConfig): Promise<Clouds> {
  const pacer = new Pacer({ clock: realClock });
  return connect(config, { wrappers: [pacer.wrap], credentials: await cloudCredentials(process.env) });
}
