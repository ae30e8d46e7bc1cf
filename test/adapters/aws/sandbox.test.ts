/**
 * The AWS adapter round trip on the sandbox EC2: estate → read → computeReach →
 * compileAws → planAws → apply every step through the adapter → read back → verify. Asserts on
 * state read back and judged by the native evaluator, not on calls.
 *
 * Make-before-break is checked after EVERY step: with E the state so far, O the state before the
 * apply and N the new intent, verify(N, E) may only disagree where verify(N, O) did (E ⊆ O ∪ N
 * and O ∩ N ⊆ E, flow by flow).
 */
import { describe, expect, it } from 'vitest';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import { applySteps, type Clouds } from '../../../adapters/reconcile.ts';
import { SandboxAws } from '../../../adapters/sandbox/aws.ts';
import type { Estate } from '../../../adapters/sandbox/estate-types.ts';
import type { FaultPlan } from '../../../adapters/sandbox/faults.ts';
import { compileAws } from '../../../core/compile/aws.ts';
import { planAws } from '../../../core/plan/aws.ts';
import type { Policy } from '../../../core/policy/types.ts';
import { awsInstance } from '../../helpers/estates.ts';
import { sandboxShop } from '../../helpers/policies.ts';
import { kinds, roundTrip } from '../../helpers/sandbox-round-trip.ts';

const A = { account: '111111111111', region: 'eu-west-1' };
const B = { account: '222222222222', region: 'eu-west-1' };

/** `secondNic`: app1 gets a second ENI (10.0.2.20) in its VPC. */
const estate = (o: { secondNic?: boolean } = {}): Estate => ({
  aws: [
    awsInstance('i-web1', '10.0.1.10', { Tier: 'Web', Name: 'web-1' }),
    awsInstance('i-web2', '10.0.1.11', { tier: 'web' }),
    awsInstance('i-app1', '10.0.2.10', { tier: 'app' }, o.secondNic ? { nics: [{ ip: '10.0.2.20' }] } : {}),
    awsInstance('i-app2', '10.0.2.21', { tier: 'app' }),
    awsInstance('i-bastion', '10.0.0.5', { Name: 'bastion' }, { securityGroups: ['sg-legacy-ssh'] }),
    awsInstance('i-old', '10.0.0.99', { tier: 'web' }, { state: 'terminated' }),
    awsInstance('i-db1', '10.1.3.10', { tier: 'db' }, { ...B, vpc: 'vpc-b', ipv6: 'fd00:b::10' }),
    awsInstance('i-db2', '10.1.3.11', { tier: 'db' }, { ...B, vpc: 'vpc-b', ipv6: 'fd00:b::11' }),
  ],
  azure: [],
  gcp: [],
  awsSecurityGroups: [
    {
      id: 'sg-legacy-ssh',
      ...A,
      vpc: 'vpc-a',
      name: 'legacy-ssh',
      ingress: [{ protocol: 'tcp', ports: '22', cidr: '192.0.2.0/24' }],
    },
  ],
  gcpFirewalls: [],
});

const policyOf = (exclusive: boolean): Policy => sandboxShop(exclusive);

// Inline address sets off: these tests exercise prefix lists on a small estate.
const ctx = { deploymentId: 'test', limits: { aws: { inlineCidrsMax: 0 } } };

function world(options: { faults?: FaultPlan; secondNic?: boolean } = {}) {
  const sandbox = SandboxAws.fromEstate(
    estate({ secondNic: options.secondNic ?? false }),
    options.faults ? { faults: options.faults } : {},
  );
  const adapter = awsAdapter(sandbox.scopes().map((s) => sandbox.api(s)));
  return { sandbox, adapter };
}

type World = ReturnType<typeof world>;

/** applySteps (the retrying apply loop) over AWS alone: every step here is an AWS step. */
const onlyAws = (w: World): Clouds => ({ aws: w.adapter }) as unknown as Clouds;

const { planNow, judge, applyEachChecked, expectConverged, disagreementsAfterRetries } = roundTrip(
  { cloud: 'aws', compile: compileAws, plan: planAws },
  ctx,
);

describe('AWS adapter on the sandbox: estate → plan → apply → verify', () => {
  it('GIVEN the estate WHEN the plan is applied step by step THEN every intermediate state is make-before-break, verify finds nothing, and a second plan is empty', async () => {
    const w = world();
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    expect(first.findings).toEqual([]);
    const { after, checked } = await expectConverged(w, policy, first);
    expect(checked).toBeGreaterThan(1000);
    // Unmanaged instances keep what they had.
    const bastion = after.NetworkInterfaces.find((e) => e.Attachment?.InstanceId === 'i-bastion')!;
    expect(bastion.Groups.map((g) => g.GroupId)).toEqual(['sg-legacy-ssh']);
  });

  it('GIVEN an applied estate WHEN one instance is re-tagged into another existing class in its VPC THEN the plan is one membership write plus prefix-list entry and size writes elsewhere, and verify finds nothing', async () => {
    const w = world();
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    await applySteps(first.plan.steps, onlyAws(w));
    w.sandbox.tagInstance(A, 'i-app2', { tier: 'web' });
    const second = await planNow(w, policy);
    // app2's address leaves the lists merged per rule unit where app was a peer and joins web's:
    // each list grows before its adds and shrinks after its removes (MaxEntries = entries + headroom).
    expect(kinds(second.plan.steps)).toEqual([
      'authorize:resize-prefix-list',
      'authorize:add-prefix-list-entries',
      'membership:set-membership',
      'revoke:remove-prefix-list-entries',
      'revoke:remove-prefix-list-entries',
      'revoke:resize-prefix-list',
      'revoke:resize-prefix-list',
    ]);
    expect(second.plan.steps.flatMap((s) => ('cidrs' in s ? s.cidrs : []))).toEqual([
      '10.0.2.21/32',
      '10.0.2.21/32',
      '10.0.2.21/32',
    ]);
    await expectConverged(w, policy, second);
  });

  it('GIVEN a fully applied plan WHEN every step is applied again THEN each is a no-op (already done is success) and the state is unchanged', async () => {
    const w = world();
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    for (const s of first.plan.steps) await w.adapter.apply(s);
    const once = JSON.stringify(w.sandbox.snapshot());
    for (const s of first.plan.steps) await w.adapter.apply(s);
    expect(JSON.stringify(w.sandbox.snapshot())).toBe(once);
    expect((await planNow(w, policy)).plan.steps).toEqual([]);
  });

  it('GIVEN throttling and server errors on writes WHEN applied with retries THEN the same verified state is reached', async () => {
    const operations = [
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupEgress',
      'ModifyNetworkInterfaceAttribute',
      'CreateManagedPrefixList',
    ];
    const w = world({ faults: { throttleEvery: 3, failEvery: 5, operations, maxFaults: 12 } });
    expect(await disagreementsAfterRetries(w, policyOf(true))).toEqual([]);
    expect(w.sandbox.faults.injected).toBe(12);
  });

  it('GIVEN exclusive: false WHEN applied THEN default groups stay, are reported, and verify shows exactly the access they add', async () => {
    const w = world();
    const policy = policyOf(false);
    const first = await planNow(w, policy);
    expect(
      first.findings
        .filter((f) => f.code === 'foreign-group')
        .map((f) => [f.severity, f.message.match(/\(default\)/)?.[0]]),
    ).toEqual([
      ['warning', '(default)'],
      ['warning', '(default)'],
    ]);
    for (const s of first.plan.steps) await w.adapter.apply(s);
    const state = (await w.adapter.read()).state;
    const defaults = state.SecurityGroups.filter((g) => g.GroupName === 'default').map((g) => g.GroupId);
    const { disagreements } = judge(policy, first.workloads, state);
    expect(disagreements.length).toBeGreaterThan(0);
    expect(
      disagreements.every((d) => !d.intended && d.actual && defaults.some((id) => d.nativeRule.startsWith(id))),
    ).toBe(true);
  });
});

describe('AWS adapter: a member with two ENIs', () => {
  // Reach puts every address of a member (all ENIs) in its class's address sets; group references
  // match every private address of every member ENI.
  it('GIVEN app1 with a second ENI WHEN applied THEN both ENIs carry its group and db in another VPC admits app1 from both addresses', async () => {
    const w = world({ secondNic: true });
    const policy = policyOf(true);
    const first = await planNow(w, policy);
    expect(await applyEachChecked(w, policy, first.workloads, first.state, first.plan.steps)).toEqual([]);
    const state = (await w.adapter.read()).state;
    expect(
      state.NetworkInterfaces.filter((e) => e.Attachment?.InstanceId === 'i-app1').map((e) => e.Groups.length),
    ).toEqual([1, 1]);
    // 10.0.2.20 (app1's second ENI) and 10.0.2.21 (app2) merge into one exact entry.
    expect(state.PrefixLists.flatMap((p) => p.Entries.map((e) => e.Cidr))).toContain('10.0.2.20/31');
    expect(judge(policy, first.workloads, state).disagreements).toEqual([]);
  });
});

describe('AWS adapter: inventory', () => {
  it('GIVEN instances with mixed-case tags, a second ENI and a terminated one WHEN read THEN workloads follow the ID formats, addresses primary first, one attachment per ENI', async () => {
    const { adapter } = world({ secondNic: true });
    const workloads = (await adapter.read()).workloads;
    expect(workloads.map((x) => x.id)).toEqual([
      'aws:111111111111:eu-west-1:i-app1',
      'aws:111111111111:eu-west-1:i-app2',
      'aws:111111111111:eu-west-1:i-bastion',
      'aws:111111111111:eu-west-1:i-web1',
      'aws:111111111111:eu-west-1:i-web2',
      'aws:222222222222:eu-west-1:i-db1',
      'aws:222222222222:eu-west-1:i-db2',
    ]);
    const app1 = workloads[0]!;
    expect(app1).toMatchObject({
      network: 'aws:111111111111:eu-west-1:vpc-a',
      addresses: ['10.0.2.10', '10.0.2.20'],
      managed: true,
      labels: { tier: 'app' },
    });
    expect(app1.attachments.map((a) => [a.network, a.addresses])).toEqual([
      ['aws:111111111111:eu-west-1:vpc-a', ['10.0.2.10']],
      ['aws:111111111111:eu-west-1:vpc-a', ['10.0.2.20']],
    ]);
    expect(workloads[3]!.labels).toEqual({ name: 'web-1', tier: 'web' });
    expect(workloads[5]!.addresses).toEqual(['10.1.3.10', 'fd00:b::10']);
  });
});
