/**
 * The Azure SDK tests' world: a local ARM server (test/azure-arm) seeded with an estate in two
 * subscriptions, and the real adapter built by connectAzure over @azure/arm-network and
 * @azure/arm-compute, every subscription's API paced by the apply engine's Pacer (which retries
 * 429 / 409 AnotherOperationInProgress honouring Retry-After). The certificate made at start is
 * trusted by handing NODE_EXTRA_CA_CERTS to connectAzure in `env` (the test process started
 * before the file existed). The credential is a fixed token: the server only checks that one is sent.
 */
import type { TokenCredential } from '@azure/core-auth';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import type { AzureNetworkApi } from '../../../adapters/azure/api.ts';
import { connectAzure } from '../../../adapters/azure/connect.ts';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import { realClock } from '../../../adapters/engine/clock.ts';
import { Pacer, RATE_TABLES } from '../../../adapters/engine/paced-api.ts';
import { AZURE_RATES } from '../../../adapters/engine/rates-azure.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import type { Clouds } from '../../../adapters/reconcile.ts';
import type { Estate } from '../../../adapters/sandbox/estate-types.ts';
import type { AzureSubscriptionTarget } from '../../../core/config/types.ts';
import type { AzureSecurityRule } from '../../../core/model/native/azure.ts';
import { LocalArmServer, type ArmServerOptions } from '../../azure-arm/server.ts';
import { azureVmIn, VNET_B } from '../../helpers/estates.ts';

export const SUB_A = '11111111-1111-4111-8111-111111111111';
export const SUB_B = '22222222-2222-4222-8222-222222222222';
export const DEPLOYMENT = 'test';

export const TOKEN: TokenCredential = {
  getToken: async () => ({ token: 'local-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

const vm = azureVmIn(SUB_A);

/**
 * The shop in two subscriptions: web and app in vnet-a, db in vnet-b (same subscription) and in
 * vnet-c of the second; an unmanaged bastion with a foreign NSG; web-1 dual-stack, app-1 with two NICs.
 */
export const shopEstate = (): Estate => ({
  aws: [],
  azure: [
    vm('web-1', '10.0.1.10', { Tier: 'Web', Name: 'web-1' }, { ipv6: 'fd00:a::10' }),
    vm('web-2', '10.0.1.11', { tier: 'web' }),
    vm('app-1', '10.0.2.10', { tier: 'app' }, { nics: [{ ip: '10.0.2.20' }] }),
    vm('app-2', '10.0.2.11', { tier: 'app' }),
    vm('bastion', '10.0.0.5', { Name: 'bastion' }, { nsg: 'legacy-ssh' }),
    vm('db-1', '10.1.3.10', { tier: 'db' }, { ...VNET_B, nsg: 'legacy-db' }),
    vm('db-2', '10.1.3.11', { tier: 'db' }, VNET_B),
    {
      id: 'db-3',
      subscription: SUB_B,
      region: 'northeurope',
      vnet: 'vnet-c',
      resourceGroup: 'rg-c',
      ip: '10.2.3.10',
      tags: { tier: 'db' },
    },
  ],
  gcp: [],
  awsSecurityGroups: [],
  gcpFirewalls: [],
});

/** An inbound Allow rule for tcp/443 from 192.0.2.0/24 at `priority`, unless `over` says otherwise. */
export const rule = (
  name: string,
  priority: number,
  over: Partial<AzureSecurityRule['properties']> = {},
): AzureSecurityRule => ({
  name,
  properties: {
    protocol: 'Tcp',
    sourcePortRange: '*',
    destinationPortRange: '443',
    sourceAddressPrefix: '192.0.2.0/24',
    destinationAddressPrefix: '*',
    access: 'Allow',
    priority,
    direction: 'Inbound',
    ...over,
  },
});

export const nicId = (sub: string, rg: string, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/${name}`;
export const vmId = (sub: string, rg: string, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

export interface SdkWorld {
  server: LocalArmServer;
  apis: AzureNetworkApi[];
  pacer: Pacer;
  clouds: Clouds;
  env: NodeJS.ProcessEnv;
}

export async function startServer(options: Partial<ArmServerOptions> = {}): Promise<LocalArmServer> {
  return LocalArmServer.start({ estate: shopEstate(), ...options });
}

/**
 * Azure's rate table with every refill ×100: after a throttle the Pacer halves the refill rate and
 * empties the bucket, which at ARM's real 3 writes/s would make a throttling test wait many seconds
 * for the writes after it. Retry-After pauses are unchanged.
 */
const FAST_AZURE = {
  ...AZURE_RATES,
  categories: Object.fromEntries(
    Object.entries(AZURE_RATES.categories).map(([k, c]) => [k, { ...c, refillPerSecond: c.refillPerSecond * 100 }]),
  ),
};

/** The real adapter against `server`, through connectAzure and the Pacer (ARM's rates, or `fast`). */
export async function connect(
  server: LocalArmServer,
  targets: AzureSubscriptionTarget[] = [{ id: SUB_A }, { id: SUB_B }],
  rates: 'arm' | 'fast' = 'arm',
): Promise<SdkWorld> {
  const env = { SEGSYNC_AZURE_ENDPOINT: server.endpoint, NODE_EXTRA_CA_CERTS: server.certificate.certFile };
  const apis = await connectAzure(
    { subscriptions: targets },
    {
      deploymentId: DEPLOYMENT,
      env,
      credential: TOKEN,
      pollIntervalMs: 10,
    },
  );
  const pacer = new Pacer({
    clock: realClock,
    ...(rates === 'fast' ? { tables: { ...RATE_TABLES, azure: FAST_AZURE } } : {}),
  });
  const paced = apis.map((a) => pacer.wrap('azure', a.scope.subscription, a));
  return { server, apis, pacer, env, clouds: { aws: awsAdapter([]), azure: azureAdapter(paced), gcp: gcpAdapter([]) } };
}

/** `METHOD path-kind` counts of the requests a client made (LRO polls excluded). */
export function countRequests(server: LocalArmServer, from = 0): { total: number; writes: number; reads: number } {
  const calls = server.requests().slice(from);
  const writes = calls.filter((c) => c.method !== 'GET').length;
  return { total: calls.length, writes, reads: calls.length - writes };
}
