/**
 * From the deployment configuration's `azure:` targets to one AzureNetworkApi per subscription
 * (DESIGN.md §7). Credentials come from @azure/identity's DefaultAzureCredential (environment,
 * workload identity, managed identity, Azure CLI...) unless the caller passes one; nothing is
 * stored. `SEGSYNC_AZURE_ENDPOINT` sends every ARM call to that base URL (a local ARM server);
 * its certificate is trusted through NODE_EXTRA_CA_CERTS, read at process start by Node and,
 * when given in `env`, handed to the SDK as well, so a caller that cannot restart the process
 * (a test) can still trust a certificate made at run time.
 */
import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import type { AzureTargets } from '../../core/config/types.ts';
import { ConnectError, endpointFromEnv } from '../endpoint.ts';
import type { AzureNetworkApi } from './api.ts';
import { sdkAzureNetworkApi } from './client.ts';

export interface ConnectAzureOptions {
  deploymentId: string;
  env?: NodeJS.ProcessEnv;
  credential?: TokenCredential;
  /** LRO poll interval when ARM sends no Retry-After (default: the SDK's). */
  pollIntervalMs?: number;
}

const ARM_SCOPE = 'https://management.azure.com/.default';

function endpointOf(env: NodeJS.ProcessEnv): string | undefined {
  const url = endpointFromEnv('azure', env, {
    protocols: ['https:'],
    example: '127.0.0.1:8443',
    why: 'the Azure SDK refuses to send a bearer token over http (start the local ARM server with its test certificate and set NODE_EXTRA_CA_CERTS)',
  });
  return url && url.href.replace(/\/+$/, '');
}

function caOf(env: NodeJS.ProcessEnv, endpoint: string | undefined): string | undefined {
  const file = env.NODE_EXTRA_CA_CERTS?.trim();
  if (endpoint === undefined || !file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConnectError(
      'azure',
      `NODE_EXTRA_CA_CERTS "${file}" cannot be read (${(e as Error).message}): point it at the local ARM server's certificate`,
    );
  }
}

/** One token up front, so missing credentials are one clear error instead of a failure per call. */
async function checkCredential(credential: TokenCredential): Promise<void> {
  try {
    const token = await credential.getToken(ARM_SCOPE);
    if (!token) throw new Error('no token');
  } catch (e) {
    throw new ConnectError(
      'azure',
      `Azure credentials: no token for Azure Resource Manager (${(e as Error).message.split('\n')[0]}). Sign in with "az login", or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_FEDERATED_TOKEN_FILE for workload identity), or run where a managed identity is assigned.`,
      { cause: e },
    );
  }
}

/**
 * @example
 * const apis = await connectAzure(config.azure, { deploymentId: config.deploymentId });
 * const azure = azureAdapter(apis);
 */
export async function connectAzure(
  targets: AzureTargets | undefined,
  opts: ConnectAzureOptions,
): Promise<AzureNetworkApi[]> {
  if (!targets || targets.subscriptions.length === 0) return [];
  const env = opts.env ?? process.env;
  const endpoint = endpointOf(env);
  const ca = caOf(env, endpoint);
  const credential = opts.credential ?? new DefaultAzureCredential();
  await checkCredential(credential);
  return targets.subscriptions.map((t) =>
    sdkAzureNetworkApi({
      subscription: t.id,
      credential,
      userAgent: `segsync/${opts.deploymentId}`,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(ca === undefined ? {} : { ca }),
      ...(t.resourceGroups === undefined ? {} : { resourceGroups: t.resourceGroups }),
      ...(t.vnets === undefined ? {} : { vnets: t.vnets }),
      ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
    }),
  );
}
