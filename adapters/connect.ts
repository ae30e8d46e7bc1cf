/**
 * The real clouds of a deployment configuration (DESIGN.md §7) as one Clouds object: one API object
 * per managed location (AWS account+Region, Azure subscription, GCP project), each passed through
 * the same wrappers the sandbox's are (pacing, fault injection), so the engine paces real calls by
 * each cloud's documented budgets. A cloud the configuration does not name gets an adapter with no
 * locations: it reads nothing and is given no steps.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { AuthClient } from 'google-auth-library';
import type { DeploymentConfig } from '../core/config/types.ts';
import { awsScope } from '../core/model/ids.ts';
import { awsAdapter } from './aws/index.ts';
import { azureAdapter } from './azure/index.ts';
import { gcpAdapter } from './gcp/index.ts';
import { wrapWith, type ApiWrapper } from './engine/clouds.ts';
import type { Clouds } from './reconcile.ts';

export interface ConnectOptions {
  /** Instead of each cloud's default chain (the functions' Secrets Manager credentials). */
  credentials?: { azure?: TokenCredential; gcp?: AuthClient };
  /** Where SEGSYNC_<CLOUD>_ENDPOINT and the SDKs' credential variables are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** First = innermost, as in sandboxClouds. */
  wrappers?: ApiWrapper[];
}

/** @example const clouds = await cloudsFromConfig(config, { wrappers: [pacer.wrap] }); */
export async function cloudsFromConfig(config: DeploymentConfig, options: ConnectOptions = {}): Promise<Clouds> {
  const opts = { deploymentId: config.deploymentId, env: options.env ?? process.env };
  const { credentials } = options;
  const wrap = wrapWith(options.wrappers ?? []);
  // Each SDK is loaded only when the configuration names its cloud: they are large, and a bundled
  // function (infra/) evaluates only the modules it reaches.
  const [aws, azure, gcp] = await Promise.all([
    config.aws ? import('./aws/connect.ts').then((m) => m.connectAws(config.aws, opts)) : [],
    config.azure
      ? import('./azure/connect.ts').then((m) =>
          m.connectAzure(config.azure, { ...opts, ...(credentials?.azure ? { credential: credentials.azure } : {}) }),
        )
      : [],
    config.gcp
      ? import('./gcp/connect.ts').then((m) =>
          m.connectGcp(config.gcp, { ...opts, ...(credentials?.gcp ? { authClient: credentials.gcp } : {}) }),
        )
      : [],
  ]);
  return {
    aws: awsAdapter(aws.map((api) => wrap('aws', awsScope(api.scope), api))),
    azure: azureAdapter(azure.map((api) => wrap('azure', api.scope.subscription, api))),
    gcp: gcpAdapter(gcp.map((api) => wrap('gcp', api.scope.project, api))),
  };
}
