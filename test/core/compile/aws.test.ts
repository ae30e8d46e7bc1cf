/**
 * compileAws: reach → security groups, prefix lists and ENI memberships. Small estates, exact
 * expectations; determinism; budgets and quota refusals.
 */
import { describe, expect, it } from 'vitest';
import { compileAws, type AwsDesired, type AwsDesiredGroup, type AwsRuleUnit } from '../../../core/compile/aws.ts';
import { prefixListSize } from '../../../core/compile/aws-pack.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { DEFAULT_BUDGETS, type CompileContext } from '../../../core/model/budgets.ts';
import { policyOf, threeTierShop as shop } from '../../helpers/policies.ts';
import { awsWorkload } from '../../helpers/workloads.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const ctx: CompileContext = { deploymentId: 'prod' };

const web1 = awsWorkload('web1', 'vpc-a', '10.0.1.10', { tier: 'web' });
const web2 = awsWorkload('web2', 'vpc-a', '10.0.1.11', { tier: 'web' });
const app1 = awsWorkload('app1', 'vpc-a', '10.0.2.10', { tier: 'app' });
const db1 = awsWorkload('db1', 'vpc-b', '10.1.3.10', { tier: 'db' });

const compile = (workloads: Workload[], policy = shop, c: CompileContext = ctx) =>
  compileAws(computeReach(policy, workloads), c);
const groupOf = (d: AwsDesired, eni: string): AwsDesiredGroup =>
  d.groups.find((g) => g.name === d.memberships.find((m) => m.interfaceId === eni)!.groups[0])!;
const strip = (units: AwsRuleUnit[]) => units.map((u) => ({ ...u, peer: { ...u.peer } }));

describe('compileAws: what the groups say', () => {
  const { desired, findings } = compile([web1, web2, app1, db1]);
  const web = groupOf(desired, 'eni-web1');
  const app = groupOf(desired, 'eni-app1');
  const db = groupOf(desired, 'eni-db1');

  it("GIVEN web → app in one VPC WHEN compiled THEN app admits tcp 8080 and ICMP from web's identity group, and web may send them to app's", () => {
    expect(strip(app.ingress)).toEqual([
      { protocol: 'icmp', fromPort: -1, toPort: -1, peer: { kind: 'group', name: web.name } },
      { protocol: 'tcp', fromPort: 8080, toPort: 8080, peer: { kind: 'group', name: web.name } },
    ]);
    expect(web.egress).toEqual([
      { protocol: 'icmp', fromPort: -1, toPort: -1, peer: { kind: 'group', name: app.name } },
      { protocol: 'tcp', fromPort: 8080, toPort: 8080, peer: { kind: 'group', name: app.name } },
    ]);
  });

  it('GIVEN app → db across VPCs WHEN compiled THEN each side names the other through a prefix list of its members, sized to a power of two', () => {
    const dbIn = db.ingress[0]!;
    expect(db.ingress).toEqual([
      {
        protocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        peer: { kind: 'prefix-list', name: expect.stringMatching(/^segsync-prod-app-.*-v4-vpc-b$/) },
      },
    ]);
    const pl = desired.prefixLists.find((p) => dbIn.peer.kind === 'prefix-list' && p.name === dbIn.peer.name)!;
    expect(pl).toMatchObject({
      family: 'ipv4',
      entries: ['10.0.2.10/32'],
      maxEntries: 4,
      vpcId: 'vpc-b',
      scope: `${ACCOUNT}/${REGION}`,
    });
    expect(app.egress.map((u) => u.peer.kind)).toContain('prefix-list');
  });

  it('GIVEN an external WHEN compiled THEN it is inline CIDRs (a stable set needs no prefix list)', () => {
    expect(web.ingress).toEqual([
      { protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'cidr', cidr: '192.168.10.0/24' } },
    ]);
  });

  it("GIVEN every member WHEN compiled THEN each ENI carries exactly its class's identity group, and groups are owned and placed", () => {
    expect(desired.memberships.map((m) => [m.interfaceId, m.groups])).toEqual([
      ['eni-app1', [app.name]],
      ['eni-web1', [web.name]],
      ['eni-web2', [web.name]],
      ['eni-db1', [db.name]],
    ]);
    expect(web.tags).toEqual([
      { Key: 'segsync:owner', Value: 'prod' },
      { Key: 'segsync:class', Value: web.classId },
      { Key: 'segsync:location', Value: `${ACCOUNT}/${REGION}` },
    ]);
    expect(web.name).toBe(`segsync-prod-web-${web.classId}`);
    expect(findings).toEqual([]);
  });

  it("GIVEN db has no egress rule WHEN compiled THEN its group has no egress at all (default egress is the create step's to revoke)", () => {
    expect(db.egress).toEqual([]);
  });
});

describe('compileAws: IPv6 and protocols', () => {
  it('GIVEN peers with IPv4 and IPv6 WHEN icmp is allowed THEN a group reference gets both icmp and icmpv6', () => {
    const a = awsWorkload('a', 'vpc-a', '10.0.0.1', { tier: 'web' }, { ipv6: 'fd00::1' });
    const b = awsWorkload('b', 'vpc-a', '10.0.0.2', { tier: 'app' }, { ipv6: 'fd00::2' });
    const { desired } = compile([a, b]);
    expect(groupOf(desired, 'eni-b').ingress.map((u) => u.protocol)).toEqual(['icmp', 'icmpv6', 'tcp']);
  });

  it('GIVEN "any" minus tcp/22 WHEN compiled THEN protocols beyond tcp/udp/icmp are left out (narrower) and reported', () => {
    const p = policyOf(`  defaults: { egress: allow, unlabeled: ignore }
  segments: [{ name: web, selector: "tier == 'web'" }]
  rules:
    - { name: all, from: { cidrs: [10.9.0.0/16] }, to: web, ports: [any] }
    - { name: no-ssh, action: deny, from: { cidrs: [10.9.0.0/16] }, to: web, ports: [tcp/22] }
`);
    const { desired, findings } = compile([web1], p);
    const ingress = groupOf(desired, 'eni-web1').ingress;
    expect(ingress.map((u) => [u.protocol, u.fromPort, u.toPort])).toEqual([
      ['icmp', -1, -1],
      ['tcp', 0, 21],
      ['tcp', 23, 65535],
      ['udp', 0, 65535],
    ]);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['other-protocols-narrowed', 'warning']]);
  });

  it('GIVEN "any" WHEN compiled THEN it is one rule with IpProtocol -1', () => {
    const p = policyOf(`  segments: [{ name: web, selector: "tier == 'web'" }]
  rules: [{ name: all, from: { cidrs: [10.9.0.0/16] }, to: web, ports: [any] }]
`);
    expect(groupOf(compile([web1], p).desired, 'eni-web1').ingress).toEqual([
      { protocol: '-1', peer: { kind: 'cidr', cidr: '10.9.0.0/16' } },
    ]);
  });
});

describe('compileAws: deterministic output', () => {
  it('GIVEN the same estate in any order WHEN compiled THEN the JSON is byte-identical', () => {
    const estate = [web1, web2, app1, db1, awsWorkload('db2', 'vpc-b', '10.1.3.11', { tier: 'db' })];
    const once = JSON.stringify(compile(estate));
    for (const order of [[...estate].reverse(), [estate[2]!, estate[4]!, estate[0]!, estate[3]!, estate[1]!]]) {
      expect(JSON.stringify(compile(order))).toBe(once);
    }
  });
});

describe('compileAws: budgets', () => {
  const many = policyOf(`  segments:
    - { name: web, selector: "tier == 'web'" }
  rules:
    - { name: wide, from: { cidrs: [10.9.0.0/16] }, to: web, ports: [tcp/1, tcp/3, tcp/5, tcp/7, tcp/9] }
`);

  it('GIVEN more rules than one group holds WHEN the budget is 2 THEN the overflow goes to rule holders -2, -3 attached to the same ENIs', () => {
    const { desired } = compile([web1], many, {
      deploymentId: 'prod',
      limits: { aws: { rulesPerGroupPerDirectionPerFamily: 2 } },
    });
    const names = desired.memberships[0]!.groups;
    expect(names).toHaveLength(3);
    expect(names[1]).toBe(`${names[0]}-2`);
    expect(names[2]).toBe(`${names[0]}-3`);
    expect(desired.groups.map((g) => g.ingress.length)).toEqual([2, 2, 1]);
  });

  it('GIVEN the same WHEN an interface may hold only 2 groups THEN QuotaExceededError names the segment and the limit', () => {
    const run = () =>
      compile([web1], many, {
        deploymentId: 'prod',
        limits: { aws: { rulesPerGroupPerDirectionPerFamily: 2, groupsPerInterface: 2 } },
      });
    expect(run).toThrow(QuotaExceededError);
    expect(run).toThrow(/segment "web" needs 3 security groups per network interface .* the limit is 2/);
  });

  const apps = [1, 3, 5].map((i) => awsWorkload(`app${i}`, 'vpc-a', `10.0.2.${i}`, { tier: 'app' }));

  it('GIVEN a prefix list heavier than the rule budget WHEN compiled THEN QuotaExceededError names the segment and the per-group rule limit', () => {
    const run = () =>
      compile([...apps, db1], shop, {
        deploymentId: 'prod',
        limits: { aws: { rulesPerGroupPerDirectionPerFamily: 2, groupsPerInterface: 9 } },
      });
    expect(run).toThrow(
      /segment "db" needs 4 rules per security group per direction per family on security group segsync-prod-db-.*, the limit is 2 \(a reference to prefix list/,
    );
  });

  it('GIVEN more members elsewhere than a prefix list holds WHEN compiled THEN QuotaExceededError names "prefix list entries"', () => {
    const run = () =>
      compile([...apps, db1], shop, { deploymentId: 'prod', limits: { aws: { prefixListMaxEntries: 2 } } });
    expect(run).toThrow(/segment "app" needs 3 prefix list entries on prefix list segsync-prod-app-.*, the limit is 2/);
  });

  it.each([
    [1, 4],
    [4, 4],
    [5, 8],
    [33, 60],
    [60, 60],
    [61, 64],
    [600, 1000],
    [1000, 1000],
  ])(
    'GIVEN %i entries WHEN sizing a prefix list THEN MaxEntries is %i (power of two, capped by the rule budget while it fits, then by 1000)',
    (n, size) => expect(prefixListSize(n, DEFAULT_BUDGETS.aws)).toBe(size),
  );
});
