/**
 * A prefix list that must grow while a group naming it is full (core/plan/aws-transition.ts
 * ListGrowth): AWS refuses a resize that would put a referencing group over its rule limit
 * (the sandbox does too), so the plan grows the list inside the group's transition, once early
 * revokes made room, or right after the late revokes when members leave the group. Either way
 * the apply must succeed on the sandbox, converge, and verify must agree.
 *
 * The estate: web in vpc-a; five app instances and one ops instance in vpc-b, so web's ingress
 * names the apps by a prefix list (5 addresses that merge into no CIDR: MaxEntries 6) and the ops host inline (one unit):
 * 7 of 8 rules. Tagging the ops host `app` makes the list 6 entries (MaxEntries 8) and drops the
 * ops rule: 8 of 8 at the end, but 9 if the list grew before the ops rule went.
 */
import { describe, expect, it } from 'vitest';
import { readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { compile } from '../../../core/compile/index.ts';
import { plan } from '../../../core/plan/index.ts';
import { verify } from '../../../core/verify/index.ts';
import { policyOf } from '../../helpers/policies.ts';

const limits = { aws: { rulesPerGroupPerDirectionPerFamily: 8, groupsPerInterface: 1 } };
const ctx = { deploymentId: 'prod', limits };
const scope = { account: '111111111111', region: 'eu-west-1' };
const policy = policyOf(`  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: app, selector: "tier == 'app'" }
    - { name: ops, selector: "tier == 'ops'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: app-to-web, from: app, to: web, ports: [tcp/8080] }
    - { name: ops-to-web, from: ops, to: web, ports: [tcp/22] }
`);

function estate(): Sandbox {
  const instance = (id: string, vpc: string, ip: string, tier: string) => ({ id, ...scope, vpc, ip, tags: { tier } });
  return Sandbox.fromEstate(
    {
      aws: [
        instance('i-web1', 'vpc-a', '10.0.1.10', 'web'),
        instance('i-web2', 'vpc-a', '10.0.1.11', 'web'),
        ...[1, 2, 3, 4, 5].map((n) => instance(`i-app${n}`, 'vpc-b', `10.1.1.${2 * n + 1}`, 'app')),
        instance('i-ops1', 'vpc-b', '10.1.2.1', 'ops'),
      ],
      azure: [],
      gcp: [],
      awsSecurityGroups: [],
      gcpFirewalls: [],
    },
    { limits },
  );
}

async function converges(sandbox: Sandbox): Promise<string[]> {
  const clouds = sandbox.clouds();
  const result = await reconcile(policy, clouds, ctx, { sleep: async () => {} });
  expect(result.last.plan.steps).toEqual([]);
  const world = await readWorld(clouds);
  expect(verify(policy, world.inventory, world.state).disagreements).toEqual([]);
  return world.state.aws.PrefixLists.map((p) => `${p.Entries.length}/${p.MaxEntries}`).sort();
}

describe('engine: a prefix list grows only when the groups naming it have room', () => {
  it('GIVEN a full web group WHEN the ops host becomes an app THEN the ops rule goes first, the list grows, and verify agrees', async () => {
    const sandbox = estate();
    expect(await converges(sandbox)).toContain('5/6');
    sandbox.aws.tagInstance(scope, 'i-ops1', { tier: 'app' });
    expect(await converges(sandbox)).toContain('6/8');
  });

  it('GIVEN a web member leaving at the same time WHEN the ops rule must wait for the revoke phase THEN the list grows right after it, with a warning', async () => {
    const sandbox = estate();
    await converges(sandbox);
    sandbox.aws.tagInstance(scope, 'i-ops1', { tier: 'app' });
    sandbox.aws.tagInstance(scope, 'i-web2', { tier: 'db' });
    const world = await readWorld(sandbox.clouds());
    const planned = plan(compile(policy, world.inventory, ctx), world.state, ctx, { exclusive: policy.exclusive });
    expect(planned.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(planned.findings.map((f) => f.code)).toContain('prefix-list-growth-deferred');
    expect(await converges(sandbox)).toContain('6/8');
  });
});

/**
 * Two lists in one full group (rules 14 = app list MaxEntries 6 + ops list 8): an ops host
 * becoming an app grows the app list to 8 and shrinks the ops list to 6. Growing first would need
 * 16, so the growth waits until the ops list has lost the host and shrunk.
 */
describe('engine: one list grows while another in its group shrinks', () => {
  const limits = { aws: { rulesPerGroupPerDirectionPerFamily: 14, groupsPerInterface: 1 } };
  const ctx = { deploymentId: 'prod', limits };
  const odd = (n: number) => 2 * n + 1;
  const instance = (id: string, vpc: string, ip: string, tier: string) => ({ id, ...scope, vpc, ip, tags: { tier } });
  const sandbox = () =>
    Sandbox.fromEstate(
      {
        aws: [
          instance('i-web1', 'vpc-a', '10.0.1.10', 'web'),
          ...[1, 2, 3, 4, 5].map((n) => instance(`i-app${n}`, 'vpc-b', `10.1.1.${odd(n)}`, 'app')),
          ...[0, 1, 2, 3, 4, 5].map((n) => instance(`i-ops${n}`, 'vpc-b', `10.1.2.${odd(n)}`, 'ops')),
        ],
        azure: [],
        gcp: [],
        awsSecurityGroups: [],
        gcpFirewalls: [],
      },
      { limits },
    );

  it('GIVEN app 5/6 and ops 6/8 filling the group WHEN an ops host becomes an app THEN the plan is accepted and converges to 6/8 and 5/6', async () => {
    const sb = sandbox();
    const clouds = sb.clouds();
    const first = await reconcile(policy, clouds, ctx, { sleep: async () => {} });
    expect(first.last.plan.steps).toEqual([]);
    sb.aws.tagInstance(scope, 'i-ops0', { tier: 'app' });
    const world = await readWorld(clouds);
    const planned = plan(compile(policy, world.inventory, ctx), world.state, ctx, { exclusive: policy.exclusive });
    expect(planned.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const result = await reconcile(policy, clouds, ctx, { sleep: async () => {} });
    expect(result.last.plan.steps).toEqual([]);
    const after = await readWorld(clouds);
    expect(verify(policy, after.inventory, after.state).disagreements).toEqual([]);
    expect(after.state.aws.PrefixLists.map((p) => `${p.Entries.length}/${p.MaxEntries}`).sort()).toEqual([
      '5/6',
      '6/8',
    ]);
  });
});

/**
 * A list at the group's whole budget (8 entries, MaxEntries 8 = rules per group): a host joining
 * next to a member merges two addresses into one CIDR (10.1.1.2/32 → 10.1.1.2/31), so the list
 * swaps one entry for another. Adding before removing would need 9; the add call carries the
 * remove, which the new entry covers, so nothing is cut and the list never holds 9.
 */
describe('engine: a full list swaps a re-aggregated entry in one call', () => {
  const limits = { aws: { rulesPerGroupPerDirectionPerFamily: 8, groupsPerInterface: 1 } };
  const ctx = { deploymentId: 'prod', limits };
  const instance = (id: string, vpc: string, ip: string, tier: string) => ({ id, ...scope, vpc, ip, tags: { tier } });
  const sandbox = () =>
    Sandbox.fromEstate(
      {
        aws: [
          instance('i-web1', 'vpc-a', '10.0.1.10', 'web'),
          ...[2, 5, 9, 13, 17, 21, 25, 29].map((n) => instance(`i-app${n}`, 'vpc-b', `10.1.1.${n}`, 'app')),
          instance('i-db1', 'vpc-b', '10.1.1.3', 'db'),
        ],
        azure: [],
        gcp: [],
        awsSecurityGroups: [],
        gcpFirewalls: [],
      },
      { limits },
    );

  it('GIVEN app 8/8 WHEN the host next to 10.1.1.2 becomes an app THEN the plan is accepted and converges to 8/8 with 10.1.1.2/31', async () => {
    const sb = sandbox();
    const clouds = sb.clouds();
    const first = await reconcile(policy, clouds, ctx, { sleep: async () => {} });
    expect(first.last.plan.steps).toEqual([]);
    expect((await readWorld(clouds)).state.aws.PrefixLists.map((p) => `${p.Entries.length}/${p.MaxEntries}`)).toEqual([
      '8/8',
    ]);
    sb.aws.tagInstance(scope, 'i-db1', { tier: 'app' });
    const world = await readWorld(clouds);
    const planned = plan(compile(policy, world.inventory, ctx), world.state, ctx, { exclusive: policy.exclusive });
    expect(planned.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const result = await reconcile(policy, clouds, ctx, { sleep: async () => {} });
    expect(result.last.plan.steps).toEqual([]);
    const after = await readWorld(clouds);
    expect(verify(policy, after.inventory, after.state).disagreements).toEqual([]);
    const [list] = after.state.aws.PrefixLists;
    expect(`${list!.Entries.length}/${list!.MaxEntries}`).toBe('8/8');
    expect(list!.Entries.map((e) => e.Cidr)).toContain('10.1.1.2/31');
  });
});

/**
 * The list-part flip (issue 9, class a000-app at 1k realistic): 9 app addresses exceed one
 * group's 8 rules, so web's ingress names two list parts, 4/6 (with the two inline ops rules)
 * and 5/6, one per group. When an app of part 1 leaves, the 8 left fit one list: part 1 takes
 * part 2's entries and part 2 goes. Part 1 cannot hold old ∪ new (9), so it changes after the
 * late revokes, removes first (8/8), and part 2's rule is revoked only once part 1 holds its
 * entries: no flow both old and new allow is cut.
 */
describe('engine: two list parts merge into one', () => {
  const limits = { aws: { rulesPerGroupPerDirectionPerFamily: 8, groupsPerInterface: 2 } };
  const ctx = { deploymentId: 'prod', limits };
  const instance = (id: string, vpc: string, ip: string, tier: string) => ({ id, ...scope, vpc, ip, tags: { tier } });
  const sandbox = () =>
    Sandbox.fromEstate(
      {
        aws: [
          instance('i-web1', 'vpc-a', '10.0.1.10', 'web'),
          ...[3, 5, 7, 9, 11, 13, 15, 17, 19].map((n) => instance(`i-app${n}`, 'vpc-b', `10.1.1.${n}`, 'app')),
          instance('i-ops1', 'vpc-b', '10.1.2.1', 'ops'),
          instance('i-ops2', 'vpc-b', '10.1.2.5', 'ops'),
        ],
        azure: [],
        gcp: [],
        awsSecurityGroups: [],
        gcpFirewalls: [],
      },
      { limits },
    );

  it('GIVEN parts 5/6 and 4/6 WHEN an app of part 1 leaves THEN the plan is accepted and converges to one list 8/8', async () => {
    const sb = sandbox();
    const clouds = sb.clouds();
    const first = await reconcile(policy, clouds, ctx, { sleep: async () => {} });
    expect(first.last.plan.steps).toEqual([]);
    const lists = async () =>
      (await readWorld(clouds)).state.aws.PrefixLists.map((p) => `${p.Entries.length}/${p.MaxEntries}`).sort();
    expect(await lists()).toEqual(['4/6', '5/6']);
    sb.aws.tagInstance(scope, 'i-app3', { tier: 'db' });
    const world = await readWorld(clouds);
    const planned = plan(compile(policy, world.inventory, ctx), world.state, ctx, { exclusive: policy.exclusive });
    expect(planned.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const result = await reconcile(policy, clouds, ctx, { sleep: async () => {} });
    expect(result.last.plan.steps).toEqual([]);
    const after = await readWorld(clouds);
    expect(verify(policy, after.inventory, after.state).disagreements).toEqual([]);
    expect(await lists()).toEqual(['8/8']);
  });
});
