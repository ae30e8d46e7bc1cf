/**
 * The Azure adapter round trip on the sandbox Microsoft.Network: estate → read →
 * computeReach → compileAzure → planAzure → apply every step through the adapter → read back →
 * verify. Asserts on state read back and judged by the native evaluator, not on calls.
 *
 * Make-before-break is checked after EVERY step: with E the state so far, O the state before the
 * apply and N the new intent, verify(N, E) may only disagree where verify(N, O) did — flow by
 * flow that is old ∩ new ⊆ E ⊆ old ∪ new when O enforced the old intent (a re-tag), and "never
 * cut a flow the new intent allows" when O had no segsync objects (a first rollout).
 */
import { describe, expect, it } from 'vitest';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import { applySteps, reconcile, type Clouds } from '../../../adapters/reconcile.ts';
import { SandboxAzure } from '../../../adapters/sandbox/azure.ts';
import type { Estate } from '../../../adapters/sandbox/estate-types.ts';
import { FaultInjector, type FaultPlan } from '../../../adapters/sandbox/faults.ts';
import { compileAzure } from '../../../core/compile/azure.ts';
import { ConflictError, StepFailedError } from '../../../core/errors.ts';
import { planAzure } from '../../../core/plan/azure.ts';
import type { Policy } from '../../../core/policy/types.ts';
import { azureVmIn, VNET_B } from '../../helpers/estates.ts';
import { emptyNative } from '../../helpers/native.ts';
import { sandboxShop } from '../../helpers/policies.ts';
import { kinds, roundTrip } from '../../helpers/sandbox-round-trip.ts';

const SUB_A = 'sub-a';
const SUB_B = 'sub-b';
const vm = azureVmIn(SUB_A);

const estate = (o: { dbNsg?: boolean } = {}): Estate => ({
  aws: [],
  azure: [
    vm('web-1', '10.0.1.10', { Tier: 'Web', Name: 'web-1' }, { ipv6: 'fd00:a::10' }),
    vm('web-2', '10.0.1.11', { tier: 'web' }, { nics: [{ ip: '10.0.1.21' }] }),
    vm('app-1', '10.0.2.10', { tier: 'app' }, { nics: [{ ip: '10.0.2.20' }] }),
    vm('app-2', '10.0.2.11', { tier: 'app' }),
    vm('bastion', '10.0.0.5', { Name: 'bastion' }, { nsg: 'legacy-ssh' }),
    vm('db-1', '10.1.3.10', { tier: 'db' }, { ...VNET_B, ...(o.dbNsg ? { nsg: 'legacy-db' } : {}) }),
    vm('db-2', '10.1.3.11', { tier: 'db' }, VNET_B),
    { id: 'db-3', subscription: SUB_B, region: 'northeurope', vnet: 'vnet-c', ip: '10.2.3.10', tags: { tier: 'db' } },
  ],
  gcp: [],
  awsSecurityGroups: [],
  gcpFirewalls: [],
});

const policyOf = (exclusive: boolean): Policy => sandboxShop(exclusive, 'tcp/1414, udp/500-510');

const ctx = { deploymentId: 'test' };

function world(options: { faults?: FaultPlan; dbNsg?: boolean } = {}) {
  const faults = options.faults ? new FaultInjector(options.faults) : undefined;
  const sandbox = SandboxAzure.fromEstate(estate(options), faults ? { faults } : {});
  const adapter = azureAdapter(sandbox.subscriptions().map((s) => sandbox.api(s)));
  return { sandbox, adapter, faults, clouds: { azure: adapter } as unknown as Clouds };
}

const { planNow, judge, applyEachChecked, expectConverged, disagreementsAfterRetries } = roundTrip(
  { cloud: 'azure', compile: compileAzure, plan: planAzure },
  ctx,
);
const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});

describe('Azure adapter on the sandbox: estate → plan → apply → verify', () => {
  it('GIVEN the estate WHEN the plan is applied step by step THEN every intermediate state is make-before-break, verify finds nothing, and a second plan is empty', async () => {
    const w = world();
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    expect(first.findings).toEqual([]);
    expect(count(kinds(first.plan.steps))).toEqual({
      'create:create-asg': 5,
      'create:create-nsg': 3,
      'membership:join-asgs': 9,
      'membership:set-nic': 9,
    });
    const { after, checked } = await expectConverged(w, policy, first);
    expect(checked).toBeGreaterThan(1000);
    // Second NICs are members too, and cross-VNet peers admit their addresses (verify above).
    const app1Nics = after.networkInterfaces.filter((n) => n.name.startsWith('app-1-'));
    expect(app1Nics.map((n) => n.properties.ipConfigurations[0]!.properties.applicationSecurityGroups?.length)).toEqual(
      [1, 1],
    );
    // The unmanaged bastion keeps its foreign NSG and joins nothing.
    const bastion = after.networkInterfaces.find((n) => n.name === 'bastion-nic0')!;
    expect(bastion.properties.networkSecurityGroup?.id).toMatch(/\/legacy-ssh$/);
    expect(bastion.properties.ipConfigurations[0]!.properties.applicationSecurityGroups).toBeUndefined();
  });

  it('GIVEN an applied estate WHEN one VM is re-tagged into another existing class of its VNet THEN the plan is one NIC write plus prefix-rule rewrites in the other VNets, and verify finds nothing', async () => {
    const w = world();
    const policy = policyOf(true);
    await applySteps((await planNow(w, policy)).plan.steps, w.clouds);
    w.sandbox.tagVm(SUB_A, 'app-2', { tier: 'web' });
    const second = await planNow(w, policy);
    const nicWrites = second.plan.steps.filter((s) => s.phase === 'membership');
    expect(nicWrites.map((s) => [s.kind, s.target.split('/').at(-1)])).toEqual([['set-nic', 'app-2-nic0']]);
    // app's members moved, so db's address rules in vnet-b and vnet-c change: put new, then revoke old.
    expect(
      second.plan.steps
        .filter((s) => s.phase !== 'membership')
        .every((s) => s.kind === 'put-rule' || s.kind === 'delete-rule'),
    ).toBe(true);
    expect(second.plan.steps.filter((s) => s.phase !== 'membership').every((s) => !s.network.endsWith('/vnet-a'))).toBe(
      true,
    );
    expect(count(kinds(second.plan.steps))).toEqual({
      'authorize:put-rule': 6,
      'membership:set-nic': 1,
      'revoke:delete-rule': 6,
    });
    await expectConverged(w, policy, second);
  });

  it('GIVEN a fully applied plan WHEN every step is applied again THEN each is a no-op (already done is success) and the plan stays empty', async () => {
    const w = world();
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    for (const s of first.plan.steps) await w.adapter.apply(s);
    const membership = JSON.stringify(
      (await w.adapter.read()).state.networkInterfaces.map((n) => [
        n.properties.networkSecurityGroup,
        n.properties.ipConfigurations.map((c) => c.properties.applicationSecurityGroups),
      ]),
    );
    const fresh = azureAdapter(w.sandbox.subscriptions().map((s) => w.sandbox.api(s))); // a restarted process: no remembered etags
    for (const s of first.plan.steps) await fresh.apply(s);
    const again = JSON.stringify(
      (await w.adapter.read()).state.networkInterfaces.map((n) => [
        n.properties.networkSecurityGroup,
        n.properties.ipConfigurations.map((c) => c.properties.applicationSecurityGroups),
      ]),
    );
    expect(again).toBe(membership);
    expect((await planNow(w, policy)).plan.steps).toEqual([]);
  });

  it('GIVEN throttling and server errors on writes WHEN applied with retries THEN the same verified state is reached', async () => {
    const operations = [
      'createOrUpdateApplicationSecurityGroup',
      'createOrUpdateNetworkSecurityGroup',
      'createOrUpdateSecurityRule',
      'createOrUpdateNetworkInterface',
    ];
    const w = world({ faults: { throttleEvery: 3, failEvery: 5, operations, maxFaults: 10 } });
    expect(await disagreementsAfterRetries(w, policyOf(true))).toEqual([]);
    expect(w.faults!.injected).toBe(10);
  });

  it('GIVEN a NIC changed by someone else after planning WHEN its step is applied THEN ConflictError, and reconcile re-plans and converges', async () => {
    const w = world();
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    const api = w.sandbox.api(SUB_A);
    const nic = (await api.listNetworkInterfaces()).find((n) => n.name === 'app-1-nic0')!;
    await api.createOrUpdateNetworkInterface('rg-a', nic.name, { ...nic, tags: { touched: 'yes' } });
    const join = first.plan.steps.find((s) => s.kind === 'join-asgs' && s.target === nic.id)!;
    for (const s of first.plan.steps.filter((x) => x.phase === 'create')) await w.adapter.apply(s);
    await expect(w.adapter.apply(join)).rejects.toBeInstanceOf(ConflictError);
    const result = await reconcile(
      policy,
      { azure: w.adapter, aws: emptyAdapter('aws'), gcp: emptyAdapter('gcp') } as unknown as Clouds,
      ctx,
      { sleep: async () => {} },
    );
    expect(result.last.plan.steps).toEqual([]);
    expect(judge(policy, first.workloads, (await w.adapter.read()).state).disagreements).toEqual([]);
    expect((await api.listNetworkInterfaces()).find((n) => n.name === 'app-1-nic0')!.tags).toEqual({ touched: 'yes' });
  });
});

describe('Azure adapter: foreign NSGs on managed NICs', () => {
  it('GIVEN a foreign NSG on a managed NIC and exclusive: false WHEN planned THEN a blocking finding, and reconcile applies nothing', async () => {
    const w = world({ dbNsg: true });
    const policy = policyOf(false);
    const first = await planNow(w, policy);
    expect(
      first.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.target.split('/').at(-1)]),
    ).toEqual([['foreign-nsg-blocks', 'db-1-nic0']]);
    const before = JSON.stringify(w.sandbox.snapshot());
    await expect(
      reconcile(
        policy,
        { azure: w.adapter, aws: emptyAdapter('aws'), gcp: emptyAdapter('gcp') } as unknown as Clouds,
        ctx,
      ),
    ).rejects.toThrow(/blocking/);
    expect(JSON.stringify(w.sandbox.snapshot())).toBe(before);
  });

  it("GIVEN the same with exclusive: true WHEN applied THEN segsync's NSG replaces it (reported), the foreign NSG still exists, and verify finds nothing", async () => {
    const w = world({ dbNsg: true });
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    expect(first.findings.map((f) => [f.severity, f.code])).toEqual([['warning', 'foreign-nsg-replaced']]);
    expect(await applyEachChecked(w, policy, first.workloads, first.state, first.plan.steps)).toEqual([]);
    const after = (await w.adapter.read()).state;
    expect(after.networkSecurityGroups.map((n) => n.name)).toContain('legacy-db');
    expect(judge(policy, first.workloads, after).disagreements).toEqual([]);
  });
});

describe('Azure adapter: inventory', () => {
  it('GIVEN VMs with mixed-case tags, a second NIC and an IPv6 configuration WHEN read THEN workloads follow the ID formats, addresses primary first, one attachment per IP configuration', async () => {
    const { adapter } = world();
    const workloads = (await adapter.read()).workloads;
    const web1 = workloads.find((x) => x.nativeId === 'web-1')!;
    const vnetA = `azure:/subscriptions/${SUB_A}/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks/vnet-a`;
    expect(web1).toMatchObject({
      id: `azure:/subscriptions/${SUB_A}/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/web-1`,
      location: { cloud: 'azure', account: SUB_A, region: 'westeurope' },
      network: vnetA,
      labels: { name: 'web-1', tier: 'web' },
      addresses: ['10.0.1.10', 'fd00:a::10'],
      managed: true,
    });
    expect(web1.attachments.map((a) => [a.id.split('/').slice(-3).join('/'), a.addresses])).toEqual([
      ['web-1-nic0/ipConfigurations/ipconfig1', ['10.0.1.10']],
      ['web-1-nic0/ipConfigurations/ipconfig-v6', ['fd00:a::10']],
    ]);
    const app1 = workloads.find((x) => x.nativeId === 'app-1')!;
    expect(app1.addresses).toEqual(['10.0.2.10', '10.0.2.20']);
    expect(app1.attachments.map((a) => a.id.split('/').at(-3))).toEqual(['app-1-nic0', 'app-1-nic1']);
    expect(workloads.find((x) => x.nativeId === 'db-3')!.location).toEqual({
      cloud: 'azure',
      account: SUB_B,
      region: 'northeurope',
    });
    expect(workloads.map((x) => x.id)).toEqual(
      [...workloads.map((x) => x.id)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
    );
  });
});

describe('Azure adapter: a step no API serves', () => {
  it('GIVEN a step for a subscription no API serves WHEN applied THEN StepFailedError', async () => {
    const { adapter } = world();
    const step = {
      cloud: 'azure',
      scope: 'sub-zzz',
      network: 'azure:x',
      resourceGroup: 'rg',
      target: 'x',
      summary: 'x',
      kind: 'delete-asg',
      phase: 'delete',
      name: 'x',
    } as const;
    await expect(adapter.apply(step)).rejects.toBeInstanceOf(StepFailedError);
  });
});

function emptyAdapter(cloud: 'aws' | 'gcp') {
  const state = cloud === 'aws' ? emptyNative().aws : emptyNative().gcp;
  return {
    cloud,
    locations: () => [],
    read: async () => ({ workloads: [], state }),
    apply: async () => {
      throw new Error(`no ${cloud} steps expected`);
    },
  };
}
