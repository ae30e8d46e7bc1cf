/**
 * End to end with the real Azure SDKs over real HTTPS against the local ARM server
 * (test/azure-arm): seed an estate in two subscriptions → reconcile (read → compile → plan →
 * apply through the engine and the Pacer) → read back → the Azure native evaluator agrees with
 * the intent oracle on every flow → a second plan is empty → a re-tag inside one VNet is one NIC
 * (IP-configuration ASG) write. ARM calls are counted from the server's log (LRO polls apart) and
 * printed; the re-tag count is asserted.
 *
 * Known differences between the local server and ARM: docs/azure.md ("The local ARM server").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWorld, reconcile } from '../../../adapters/reconcile.ts';
import { verify } from '../../../core/verify/index.ts';
import { sandboxShop } from '../../helpers/policies.ts';
import { loadEstate } from '../../../adapters/sandbox/estate.ts';
import { loadPolicy } from '../../../core/policy/load.ts';
import { LocalArmServer } from '../../azure-arm/server.ts';
import { connect, countRequests, DEPLOYMENT, nicId, startServer, SUB_A, SUB_B, type SdkWorld } from './helpers.ts';

const ctx = { deploymentId: DEPLOYMENT };
const PUBLIC_IP = `/subscriptions/${SUB_A}/resourceGroups/rg-a/providers/Microsoft.Network/publicIPAddresses/web-2-pip`;
const policy = sandboxShop(true, 'tcp/1414, udp/500-510');

let server: LocalArmServer;
let w: SdkWorld;
beforeAll(async () => {
  server = await startServer();
  w = await connect(server);
});
afterAll(() => server.stop());

describe('Azure over the real SDKs: seed → reconcile → verify → re-tag', () => {
  it('GIVEN the shop in two subscriptions WHEN reconciled THEN verify agrees with intent on every flow, the plan is then empty, and nothing else on the NICs changed', async () => {
    server.setNicFields(
      nicId(SUB_A, 'rg-a', 'web-2-nic0'),
      {
        enableAcceleratedNetworking: true,
        dnsSettings: { dnsServers: ['10.0.0.4'] },
      },
      { name: 'ipconfig1', fields: { publicIPAddress: { id: PUBLIC_IP } } },
    );
    const before = server.nic(nicId(SUB_A, 'rg-a', 'web-2-nic0'));
    const start = server.requests().length;
    const result = await reconcile(policy, w.clouds, ctx);
    const applyCalls = countRequests(server, start);
    console.log(
      `full apply: ${result.applied} steps in ${result.rounds} round(s); ARM requests ${JSON.stringify(applyCalls)}`,
    );

    const after = await planWorld(policy, w.clouds, ctx);
    expect(after.plan.steps).toEqual([]);
    const judged = verify(policy, after.inventory, after.state);
    expect(judged.checked).toBeGreaterThan(1000);
    expect(judged.disagreements).toEqual([]);
    // Both subscriptions were written: db-3 in SUB_B is a member of its segment's ASG.
    const db3 = after.state.azure.networkInterfaces.find((n) => n.name === 'db-3-nic0')!;
    expect(db3.id).toContain(SUB_B);
    expect(db3.properties.ipConfigurations[0]!.properties.applicationSecurityGroups?.length).toBe(1);
    expect(db3.properties.networkSecurityGroup?.id).toContain(SUB_B);
    // What segsync does not model went back unchanged with the membership write.
    const nic = server.nic(nicId(SUB_A, 'rg-a', 'web-2-nic0')) as { properties: Record<string, unknown> };
    const was = before as { properties: Record<string, unknown> };
    expect(nic.properties.dnsSettings).toEqual({ dnsServers: ['10.0.0.4'] });
    expect(nic.properties.enableAcceleratedNetworking).toBe(true);
    expect(nic.properties.macAddress).toEqual(was.properties.macAddress);
    const ipc = (nic.properties.ipConfigurations as { properties: Record<string, unknown> }[])[0]!;
    expect(ipc.properties.publicIPAddress).toEqual({ id: PUBLIC_IP });
    expect(ipc.properties.applicationSecurityGroups).toHaveLength(1);
    expect(server.schemaProblems).toEqual([]);
  });

  it('GIVEN the applied shop WHEN app-2 is re-tagged web THEN the re-plan moves it with one NIC write, verify agrees, and the plan is empty again', async () => {
    server.sandbox.tagVm(SUB_A, 'app-2', { tier: 'web' });
    const planned = await planWorld(policy, w.clouds, ctx);
    const nicWrites = planned.plan.steps.filter((s) => s.phase === 'membership');
    expect(nicWrites.map((s) => [s.kind, s.target.split('/').at(-1)])).toEqual([['set-nic', 'app-2-nic0']]);
    const start = server.requests().length;
    const nicPuts = () =>
      server.requests().filter((c) => c.method === 'PUT' && /networkInterfaces/i.test(c.path)).length;
    const putsBefore = nicPuts();
    const result = await reconcile(policy, w.clouds, ctx);
    const calls = countRequests(server, start);
    console.log(
      `re-tag: ${result.applied} steps; ARM requests ${JSON.stringify(calls)} (NIC PUTs ${nicPuts() - putsBefore})`,
    );
    expect(nicPuts() - putsBefore).toBe(1);
    const after = await planWorld(policy, w.clouds, ctx);
    expect(after.plan.steps).toEqual([]);
    expect(verify(policy, after.inventory, after.state).disagreements).toEqual([]);
    expect(server.schemaProblems).toEqual([]);
  });
});

describe('the demo estate (examples/hybrid-estate.yaml, Azure part) with examples/three-tier.yaml', () => {
  it('GIVEN the demo estate WHEN reconciled and one VM re-tagged THEN verify agrees, and the re-tag is one NIC write (call counts printed for docs/azure.md)', async () => {
    const estate = loadEstate('examples/hybrid-estate.yaml');
    const demo = await LocalArmServer.start({ estate: { ...estate, aws: [], gcp: [] } });
    try {
      const world = await connect(
        demo,
        demo.sandbox.subscriptions().map((id) => ({ id })),
      );
      const shop = loadPolicy('examples/three-tier.yaml');
      const full = await reconcile(shop, world.clouds, ctx);
      const fullCalls = countRequests(demo);
      const after = await planWorld(shop, world.clouds, ctx);
      expect(after.plan.steps).toEqual([]);
      expect(verify(shop, after.inventory, after.state).disagreements).toEqual([]);
      demo.sandbox.tagVm('sub-shop', 'vm-prod-app2', { tier: 'web' });
      const start = demo.requests().length;
      const retag = await reconcile(shop, world.clouds, ctx);
      const retagCalls = countRequests(demo, start);
      const nicPuts = demo
        .requests()
        .slice(start)
        .filter((c) => c.method === 'PUT' && /networkInterfaces/i.test(c.path));
      console.log(
        `demo estate: full apply ${full.applied} steps, ARM requests ${JSON.stringify(fullCalls)}; re-tag ${retag.applied} steps, ARM requests ${JSON.stringify(retagCalls)}, NIC PUTs ${nicPuts.length}`,
      );
      expect(nicPuts).toHaveLength(1);
      const again = await planWorld(shop, world.clouds, ctx);
      expect(again.plan.steps).toEqual([]);
      expect(verify(shop, again.inventory, again.state).disagreements).toEqual([]);
      expect(demo.schemaProblems).toEqual([]);
    } finally {
      await demo.stop();
    }
  });
});
