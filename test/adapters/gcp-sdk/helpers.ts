/**
 * The GCP SDK tests' world: a local Compute server (test/gcp-compute) seeded with an estate, and
 * the real @google-cloud/compute clients reaching it through connectGcp and SEGSYNC_GCP_ENDPOINT,
 * with an OAuth2Client holding the server's test token (CLOUD-FACTS §7.1).
 */
import { OAuth2Client } from 'google-auth-library';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import type { GcpComputeApi } from '../../../adapters/gcp/api.ts';
import { computeClients, type ComputeClients } from '../../../adapters/gcp/client.ts';
import { connectGcp, endpointOptions, type ConnectGcpOptions } from '../../../adapters/gcp/connect.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import type { Clouds } from '../../../adapters/reconcile.ts';
import type { Estate, EstateGcpInstance } from '../../../adapters/sandbox/estate-types.ts';
import type { GcpLimits } from '../../../adapters/sandbox/gcp.ts';
import type { GcpProjectTarget } from '../../../core/config/types.ts';
import { LocalCompute, TEST_TOKEN } from '../../gcp-compute/server.ts';

export const DEPLOYMENT = 'prod';
export const noSleep = async (): Promise<void> => {};

export function testAuth(token = TEST_TOKEN): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return client;
}

export function gcpEstate(gcp: EstateGcpInstance[], gcpFirewalls: Estate['gcpFirewalls'] = []): Estate {
  return { aws: [], azure: [], awsSecurityGroups: [], gcp, gcpFirewalls };
}

export interface World {
  server: LocalCompute;
  apis: GcpComputeApi[];
  api: (project: string) => GcpComputeApi;
  clouds: Clouds;
  /** The raw SDK clients against the same server: "someone else" changing things by hand. */
  sdk: ComputeClients;
  close: () => Promise<void>;
}

export async function startWorld(
  estate: Estate,
  options: {
    projects?: GcpProjectTarget[];
    limits?: Partial<GcpLimits>;
    wrap?: ConnectGcpOptions['wrap'];
  } = {},
): Promise<World> {
  const server = await LocalCompute.start(estate, { limits: options.limits });
  const projects = options.projects ?? [...new Set(estate.gcp.map((i) => i.project))].sort().map((id) => ({ id }));
  const apis = await connectGcp(
    { projects },
    {
      deploymentId: DEPLOYMENT,
      env: { SEGSYNC_GCP_ENDPOINT: server.url },
      authClient: testAuth(),
      sleep: noSleep,
      ...(options.wrap ? { wrap: options.wrap } : {}),
    },
  );
  const sdk = computeClients({
    ...endpointOptions({ SEGSYNC_GCP_ENDPOINT: server.url }),
    authClient: testAuth() as never,
  });
  return {
    server,
    apis,
    api: (project) => apis.find((a) => a.scope.project === project)!,
    clouds: { aws: awsAdapter([]), azure: azureAdapter([]), gcp: gcpAdapter(apis) },
    sdk,
    close: () => server.close(),
  };
}

/** Another writer sets an instance's labels through the API (fresh labelFingerprint, as gcloud does). */
export async function relabel(
  sdk: ComputeClients,
  project: string,
  zone: string,
  instance: string,
  change: Record<string, string | null>,
): Promise<void> {
  const [current] = await sdk.instances.get({ project, zone, instance });
  const labels: Record<string, string> = { ...(current.labels ?? {}) };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete labels[k];
    else labels[k] = v;
  }
  await zonalWrite(
    sdk,
    { project, zone },
    sdk.instances.setLabels({
      project,
      zone,
      instance,
      instancesSetLabelsRequestResource: { labels, labelFingerprint: current.labelFingerprint ?? '' },
    }),
  );
}

/** Waits for the Operation of a zonal write sent through the raw SDK (setTags, setLabels), as gcloud does. */
export async function zonalWrite(
  sdk: ComputeClients,
  where: { project: string; zone: string },
  sent: Promise<readonly [{ latestResponse: { name?: string | null } }, ...unknown[]]>,
): Promise<void> {
  const [op] = await sent;
  await sdk.zoneOperations.wait({ ...where, operation: op.latestResponse.name ?? '' });
}
