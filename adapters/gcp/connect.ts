/**
 * From the deployment configuration's `gcp:` targets to one GcpComputeApi per project (DESIGN.md
 * §7): credentials from google-auth-library, nothing stored.
 *
 * - Credentials: `opts.authClient` when given; else SEGSYNC_GCP_ACCESS_TOKEN (a bearer token as
 *   `gcloud auth print-access-token` prints it, or a local server's test token); else application
 *   default credentials (GOOGLE_APPLICATION_CREDENTIALS, including a workload identity federation
 *   config such as AWS → GCP, gcloud's ADC file, or the metadata server). They are resolved here,
 *   once, so a missing credential is a clear error now rather than an uncatchable rejection
 *   inside the SDK later (CLOUD-FACTS §7.1).
 * - SEGSYNC_GCP_ENDPOINT (a base URL, `http://127.0.0.1:8123`) sends every Compute call there.
 * - One set of SDK clients serves every project; each project gets its own GcpComputeClient
 *   with that project's networks filter.
 */
import { GoogleAuth, OAuth2Client, type AuthClient } from 'google-auth-library';
import { ConnectError, endpointFromEnv } from '../endpoint.ts';
import type { GcpTargets } from '../../core/config/types.ts';
import type { GcpComputeApi } from './api.ts';
import { computeClients, GcpComputeClient, type ComputeClientOptions } from './client.ts';

/** The narrowest scope Compute accepts for reads and firewall / tag writes. */
export const COMPUTE_SCOPE = 'https://www.googleapis.com/auth/compute';

export interface ConnectGcpOptions {
  deploymentId: string;
  /** Where SEGSYNC_GCP_ENDPOINT and SEGSYNC_GCP_ACCESS_TOKEN are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides the credential chain (tests: an OAuth2Client holding a fixed token). */
  authClient?: AuthClient;
  /** Wraps each project's API (the engine's pacer: `(p, api) => pacer.wrap('gcp', p, api)`). */
  wrap?: (project: string, api: GcpComputeApi) => GcpComputeApi;
  /** Backoff of the client's own transient retries (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * @example
 * const apis = await connectGcp(config.gcp, { deploymentId: config.deploymentId });
 * const gcp = gcpAdapter(apis);
 */
export async function connectGcp(targets: GcpTargets | undefined, opts: ConnectGcpOptions): Promise<GcpComputeApi[]> {
  const projects = targets?.projects ?? [];
  if (projects.length === 0) return [];
  const env = opts.env ?? process.env;
  const authClient = opts.authClient ?? (await credentials(env, opts.deploymentId));
  // google-gax bundles its own google-auth-library typings; the client object is the same at run time.
  const sdkAuth = authClient as unknown as NonNullable<ComputeClientOptions>['authClient'];
  const sdk = computeClients({ ...endpointOptions(env), authClient: sdkAuth });
  return projects.map((p) => {
    const api = new GcpComputeClient(sdk, {
      project: p.id,
      ...(p.networks ? { networks: p.networks } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    });
    return opts.wrap ? opts.wrap(p.id, api) : api;
  });
}

/** `http://127.0.0.1:8123` → `{ apiEndpoint, port, protocol }`; unset → the SDK's default (compute.googleapis.com). */
export function endpointOptions(env: NodeJS.ProcessEnv): ComputeClientOptions {
  const url = endpointFromEnv('gcp', env, {
    protocols: ['http:', 'https:'],
    example: '127.0.0.1:8123',
    pathless: true,
  });
  if (!url) return {};
  const protocol = url.protocol.slice(0, -1);
  const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
  return { apiEndpoint: url.hostname, port, protocol };
}

async function credentials(env: NodeJS.ProcessEnv, deploymentId: string): Promise<AuthClient> {
  const token = env.SEGSYNC_GCP_ACCESS_TOKEN;
  if (token !== undefined && token !== '') {
    const client = new OAuth2Client();
    client.setCredentials({ access_token: token });
    return client;
  }
  try {
    const client = await new GoogleAuth({ scopes: [COMPUTE_SCOPE] }).getClient();
    await client.getAccessToken();
    return client;
  } catch (e) {
    throw new ConnectError(
      'gcp',
      `deployment ${deploymentId}: no Google credentials for the GCP projects (${e instanceof Error ? e.message : String(e)}). ` +
        'Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key or ' +
        'a workload identity federation config (see docs/gcp.md).',
      { cause: e },
    );
  }
}
