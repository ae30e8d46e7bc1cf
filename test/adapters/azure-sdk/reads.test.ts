/**
 * Reads with the real Azure SDKs over HTTPS against the local ARM server: VMs with their tags as
 * labels, NICs and IP configurations, foreign NIC and subnet NSGs, ASG memberships, scoped reads
 * by VM / NSG id (the event path), the resource-group and VNet filters of the configuration, and
 * connectAzure's errors. Known differences from ARM: docs/azure.md ("The local ARM server").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAzure } from '../../../adapters/azure/connect.ts';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import { reconcile } from '../../../adapters/reconcile.ts';
import { sandboxShop } from '../../helpers/policies.ts';
import type { LocalArmServer } from '../../azure-arm/server.ts';
import { startTokenEndpoint } from '../../azure-arm/token-endpoint.ts';
import {
  connect,
  countRequests,
  DEPLOYMENT,
  nicId,
  startServer,
  SUB_A,
  SUB_B,
  TOKEN,
  vmId,
  type SdkWorld,
} from './helpers.ts';

let server: LocalArmServer;
let w: SdkWorld;
const vnetA = `/subscriptions/${SUB_A}/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks/vnet-a`;
const legacySsh = `/subscriptions/${SUB_A}/resourceGroups/rg-a/providers/Microsoft.Network/networkSecurityGroups/legacy-ssh`;
const legacyDb = `/subscriptions/${SUB_A}/resourceGroups/rg-b/providers/Microsoft.Network/networkSecurityGroups/legacy-db`;

beforeAll(async () => {
  server = await startServer();
  server.setSubnetNsg(`${vnetA}/subnets/default`, legacySsh);
  w = await connect(server);
});
afterAll(() => server.stop());

describe('Azure reads over the real SDKs', () => {
  it('GIVEN two subscriptions WHEN read in full THEN every VM is a workload with normalised labels, every address and one attachment per IP configuration, in five list calls per subscription', async () => {
    const start = server.requests().length;
    const { workloads, state } = await w.clouds.azure.read();
    expect(countRequests(server, start)).toEqual({ total: 10, writes: 0, reads: 10 });
    expect(workloads.map((x) => x.nativeId).sort()).toEqual(
      ['app-1', 'app-2', 'bastion', 'db-1', 'db-2', 'db-3', 'web-1', 'web-2'].sort(),
    );
    const web1 = workloads.find((x) => x.nativeId === 'web-1')!;
    expect(web1.labels).toEqual({ tier: 'web', name: 'web-1' });
    expect(web1.addresses).toEqual(['10.0.1.10', 'fd00:a::10']);
    expect(web1.network).toBe(`azure:${vnetA}`);
    const app1 = workloads.find((x) => x.nativeId === 'app-1')!;
    expect(app1.addresses).toEqual(['10.0.2.10', '10.0.2.20']);
    expect(app1.attachments.map((a) => a.id.split('/').slice(-3).join('/'))).toEqual([
      'app-1-nic0/ipConfigurations/ipconfig1',
      'app-1-nic1/ipConfigurations/ipconfig1',
    ]);
    const db3 = workloads.find((x) => x.nativeId === 'db-3')!;
    expect(db3.location).toEqual({ cloud: 'azure', account: SUB_B, region: 'northeurope' });
    // Foreign NSGs: on the bastion's NIC, on db-1's NIC, and on vnet-a's subnet.
    expect(state.networkSecurityGroups.map((n) => n.name).sort()).toEqual(['legacy-db', 'legacy-ssh']);
    const bastion = state.networkInterfaces.find((n) => n.name === 'bastion-nic0')!;
    expect(bastion.properties.networkSecurityGroup?.id).toBe(legacySsh);
    expect(state.networkInterfaces.find((n) => n.name === 'db-1-nic0')!.properties.networkSecurityGroup?.id).toBe(
      legacyDb,
    );
    expect(state.subnetNetworkSecurityGroups).toEqual({ [`${vnetA}/subnets/default`]: legacySsh });
    expect(
      state.networkSecurityGroups.find((n) => n.name === 'legacy-ssh')!.properties.defaultSecurityRules,
    ).toHaveLength(6);
    expect(server.schemaProblems).toEqual([]);
  });

  it('GIVEN an applied policy WHEN read THEN IP-configuration ASG memberships and owned NSGs come back as written', async () => {
    const policy = sandboxShop(true, 'tcp/1414');
    await reconcile(policy, w.clouds, { deploymentId: DEPLOYMENT });
    const { state } = await w.clouds.azure.read();
    const web2 = state.networkInterfaces.find((n) => n.name === 'web-2-nic0')!;
    const asgs = web2.properties.ipConfigurations[0]!.properties.applicationSecurityGroups ?? [];
    expect(asgs).toHaveLength(1);
    expect(state.applicationSecurityGroups.map((a) => a.id.toLowerCase())).toContain(asgs[0]!.id.toLowerCase());
    expect(state.networkSecurityGroups.filter((n) => n.tags && Object.keys(n.tags).length > 0).length).toBeGreaterThan(
      0,
    );
  });

  it('GIVEN a VM id and an NSG id WHEN read scoped THEN only that VM (with its NICs and subnet NSG) and that NSG are read; a deleted one is absent', async () => {
    const start = server.requests().length;
    const { workloads, state } = await w.clouds.azure.read({
      location: SUB_A,
      workloads: [vmId(SUB_A, 'rg-a', 'web-1'), vmId(SUB_A, 'rg-a', 'gone')],
      objects: [legacyDb],
    });
    expect(workloads.map((x) => x.nativeId)).toEqual(['web-1']);
    expect(state.networkInterfaces.map((n) => n.id)).toEqual([nicId(SUB_A, 'rg-a', 'web-1-nic0')]);
    expect(state.networkSecurityGroups.map((n) => n.id)).toEqual([legacyDb]);
    expect(state.subnetNetworkSecurityGroups).toEqual({ [`${vnetA}/subnets/default`]: legacySsh });
    // 2 VM GETs, 1 NSG GET, 1 NIC GET, 1 VNet list.
    expect(countRequests(server, start).total).toBe(5);
  });

  it('GIVEN a NIC id (an event on a NIC) WHEN read scoped THEN the VM it is attached to is read with all its NICs', async () => {
    const { workloads, state } = await w.clouds.azure.read({
      location: SUB_A,
      objects: [nicId(SUB_A, 'rg-a', 'app-1-nic1')],
    });
    expect(workloads.map((x) => x.nativeId)).toEqual(['app-1']);
    expect(state.networkInterfaces.map((n) => n.name)).toEqual(['app-1-nic0', 'app-1-nic1']);
  });

  it('GIVEN resource-group and VNet filters WHEN read THEN only what is in them is read, with per-group list calls', async () => {
    const byGroup = await connect(server, [{ id: SUB_A, resourceGroups: ['rg-b'] }]);
    const start = server.requests().length;
    const { workloads } = await byGroup.clouds.azure.read();
    expect(workloads.map((x) => x.nativeId).sort()).toEqual(['db-1', 'db-2']);
    expect(
      server
        .requests()
        .slice(start)
        .every((c) => /\/resourceGroups\/rg-b\//i.test(c.path)),
    ).toBe(true);
    const byVnet = await connect(server, [{ id: SUB_A, vnets: [vnetA] }]);
    expect((await byVnet.clouds.azure.read()).workloads.map((x) => x.nativeId).sort()).toEqual([
      'app-1',
      'app-2',
      'bastion',
      'web-1',
      'web-2',
    ]);
  });

  it('GIVEN a bad endpoint, an unreadable certificate or no credentials WHEN connecting THEN one clear error says what to fix', async () => {
    const targets = { subscriptions: [{ id: SUB_A }] };
    await expect(
      connectAzure(targets, {
        deploymentId: DEPLOYMENT,
        env: { SEGSYNC_AZURE_ENDPOINT: 'http://127.0.0.1:1' },
        credential: TOKEN,
      }),
    ).rejects.toThrow(/must be an https:\/\/ URL/);
    await expect(
      connectAzure(targets, {
        deploymentId: DEPLOYMENT,
        env: { SEGSYNC_AZURE_ENDPOINT: server.endpoint, NODE_EXTRA_CA_CERTS: '/nonexistent/cert.pem' },
        credential: TOKEN,
      }),
    ).rejects.toThrow(/NODE_EXTRA_CA_CERTS "\/nonexistent\/cert.pem" cannot be read/);
    const none = { getToken: () => Promise.reject(new Error('CredentialUnavailableError: no login')) };
    await expect(connectAzure(targets, { deploymentId: DEPLOYMENT, env: {}, credential: none })).rejects.toThrow(
      /az login/,
    );
    expect(await connectAzure(undefined, { deploymentId: DEPLOYMENT })).toEqual([]);
  });

  it('GIVEN no credential passed WHEN connecting THEN DefaultAzureCredential gets a token through its managed-identity path from the local token endpoint and reads work', async () => {
    const token = await startTokenEndpoint();
    const saved = { ...process.env };
    try {
      for (const k of ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_FEDERATED_TOKEN_FILE'])
        delete process.env[k];
      process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = token.url;
      const apis = await connectAzure({ subscriptions: [{ id: SUB_B }] }, { deploymentId: DEPLOYMENT, env: w.env });
      expect((await azureAdapter(apis).read()).workloads.map((x) => x.nativeId)).toEqual(['db-3']);
    } finally {
      process.env = saved;
      token.close();
    }
  });

  it('GIVEN a subscription the server does not know WHEN read THEN the read fails naming the subscription', async () => {
    const apis = await connectAzure(
      { subscriptions: [{ id: '33333333-3333-4333-8333-333333333333' }] },
      { deploymentId: DEPLOYMENT, env: w.env, credential: TOKEN },
    );
    await expect(azureAdapter(apis).read()).rejects.toThrow(/SubscriptionNotFound/);
  });
});
