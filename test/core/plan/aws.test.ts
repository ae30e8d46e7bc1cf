/**
 * planAws: desired vs actual → ordered steps. The actual state is built by hand in EC2 shapes
 * (materialize: what a perfect apply of a desired state would leave), so these tests need no
 * sandbox; the round trip through the sandbox is test/adapters/aws/sandbox.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compileAws, type AwsDesired, type AwsRuleUnit } from '../../../core/compile/aws.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import type {
  AwsIpPermission,
  AwsNetworkInterface,
  AwsPrefixList,
  AwsSecurityGroup,
  AwsState,
} from '../../../core/model/native/aws.ts';
import { planAws, type AwsStep } from '../../../core/plan/aws.ts';
import { PHASES } from '../../../core/plan/step-base.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import { normalizeLabels } from '../../../core/policy/labels.ts';
import type { Policy } from '../../../core/policy/types.ts';
import { policyOf, threeTierShop as shop } from '../../helpers/policies.ts';
import { awsWorkload } from '../../helpers/workloads.ts';

const ctx: CompileContext = { deploymentId: 'prod' };

const web1 = awsWorkload('web1', 'vpc-a', '10.0.1.10', { tier: 'web' });
const web2 = awsWorkload('web2', 'vpc-a', '10.0.1.11', { tier: 'web' });
const app1 = awsWorkload('app1', 'vpc-a', '10.0.2.10', { tier: 'app' });
const db1 = awsWorkload('db1', 'vpc-b', '10.1.3.10', { tier: 'db' });
const retag = (w: Workload, tags: Record<string, string>): Workload => ({
  ...w,
  labels: normalizeLabels('aws', tags).labels,
});
const desiredOf = (workloads: Workload[], policy: Policy = shop, c = ctx): AwsDesired =>
  compileAws(computeReach(policy, workloads), c).desired;

const perm = (u: AwsRuleUnit, peerId: (u: AwsRuleUnit) => string): AwsIpPermission => ({
  IpProtocol: u.protocol,
  ...(u.fromPort !== undefined ? { FromPort: u.fromPort, ToPort: u.toPort } : {}),
  IpRanges: u.peer.kind === 'cidr' && !u.peer.cidr.includes(':') ? [{ CidrIp: u.peer.cidr }] : [],
  Ipv6Ranges: u.peer.kind === 'cidr' && u.peer.cidr.includes(':') ? [{ CidrIpv6: u.peer.cidr }] : [],
  PrefixListIds: u.peer.kind === 'prefix-list' ? [{ PrefixListId: peerId(u) }] : [],
  UserIdGroupPairs: u.peer.kind === 'group' ? [{ GroupId: peerId(u) }] : [],
});

const defaultGroup = (vpc: string): AwsSecurityGroup => ({
  GroupId: `sg-default-${vpc}`,
  GroupName: 'default',
  Description: 'default',
  VpcId: vpc,
  OwnerId: '111111111111',
  Tags: [],
  IpPermissions: [],
  IpPermissionsEgress: [],
});

const eni = (id: string, vpc: string, ip: string, groups: string[]): AwsNetworkInterface => ({
  NetworkInterfaceId: id,
  VpcId: vpc,
  SubnetId: 's',
  AvailabilityZone: 'eu-west-1a',
  OwnerId: '111111111111',
  PrivateIpAddress: ip,
  PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
  Ipv6Addresses: [],
  Groups: groups.map((GroupId) => ({ GroupId, GroupName: GroupId })),
  TagSet: [],
});

/** ENIs of the workloads before segsync: each with its VPC's default group. */
function before(workloads: Workload[]): AwsState {
  const vpcs = [...new Set(workloads.map((w) => w.network.split(':')[3]!))];
  return {
    SecurityGroups: vpcs.map(defaultGroup),
    NetworkInterfaces: workloads.flatMap((w) =>
      w.attachments.map((a) =>
        eni(a.id, w.network.split(':')[3]!, w.addresses[0]!, [`sg-default-${w.network.split(':')[3]}`]),
      ),
    ),
    PrefixLists: [],
  };
}

/** What a perfect apply of `desired` leaves (ids sg-1…, pl-1…), on top of `base`. */
function materialize(desired: AwsDesired, base: AwsState): AwsState {
  const groupId = new Map(desired.groups.map((g, i) => [`${g.vpcId}/${g.name}`, `sg-${i + 1}`]));
  const plId = new Map(desired.prefixLists.map((p, i) => [p.name, `pl-${i + 1}`]));
  const prefixLists: AwsPrefixList[] = desired.prefixLists.map((p) => ({
    PrefixListId: plId.get(p.name)!,
    PrefixListName: p.name,
    AddressFamily: p.family === 'ipv4' ? 'IPv4' : 'IPv6',
    MaxEntries: p.maxEntries,
    Version: 3,
    OwnerId: '111111111111',
    Tags: p.tags,
    Entries: p.entries.map((Cidr) => ({ Cidr })),
  }));
  const groups: AwsSecurityGroup[] = desired.groups.map((g) => {
    const peerId = (u: AwsRuleUnit) =>
      u.peer.kind === 'group'
        ? groupId.get(`${g.vpcId}/${u.peer.name}`)!
        : plId.get((u.peer as { name: string }).name)!;
    return {
      GroupId: groupId.get(`${g.vpcId}/${g.name}`)!,
      GroupName: g.name,
      Description: g.description,
      VpcId: g.vpcId,
      OwnerId: '111111111111',
      Tags: g.tags,
      IpPermissions: g.ingress.map((u) => perm(u, peerId)),
      IpPermissionsEgress: g.egress.map((u) => perm(u, peerId)),
    };
  });
  const members = new Map(
    desired.memberships.map((m) => [m.interfaceId, m.groups.map((n) => groupId.get(`${m.vpcId}/${n}`)!)]),
  );
  const enis = base.NetworkInterfaces.map((e) => ({
    ...e,
    Groups: (members.get(e.NetworkInterfaceId) ?? e.Groups.map((g) => g.GroupId)).map((GroupId) => ({
      GroupId,
      GroupName: GroupId,
    })),
  }));
  return {
    SecurityGroups: [...base.SecurityGroups, ...groups],
    NetworkInterfaces: enis,
    PrefixLists: [...base.PrefixLists, ...prefixLists],
  };
}

const kinds = (steps: AwsStep[]) => steps.map((s) => `${s.phase}:${s.kind}`);
const exclusive = { exclusive: true };

describe('planAws: a plan against an up-to-date state is empty', () => {
  it.each([true, false])(
    'GIVEN actual == desired (exclusive: %s) WHEN planned THEN there are no steps and no findings',
    (ex) => {
      const workloads = [web1, web2, app1, db1];
      const desired = desiredOf(workloads);
      const actual = materialize(desired, before(workloads));
      if (!ex)
        for (const e of actual.NetworkInterfaces)
          e.Groups = e.Groups.filter((g) => !g.GroupId.startsWith('sg-default'));
      expect(planAws(desired, actual, ctx, { exclusive: ex })).toEqual({ steps: [], findings: [] });
    },
  );

  it('GIVEN an owned rule differing only in Description and protocol spelling WHEN planned THEN nothing changes (units compare by meaning)', () => {
    const desired = desiredOf([web1, app1]);
    const actual = materialize(desired, before([web1, app1]));
    const app = actual.SecurityGroups.find((g) =>
      g.IpPermissions.some((p) => p.FromPort === 8080 && p.IpProtocol === 'tcp'),
    )!;
    for (const p of app.IpPermissions) {
      if (p.IpProtocol === 'tcp') p.IpProtocol = '6';
      for (const pair of p.UserIdGroupPairs) pair.Description = 'edited by hand';
    }
    expect(planAws(desired, actual, ctx, exclusive).steps).toEqual([]);
  });
});

describe('planAws: make-before-break order', () => {
  const workloads = [web1, web2, app1, db1];
  const { steps } = planAws(desiredOf(workloads), before(workloads), ctx, exclusive);

  it('GIVEN nothing exists WHEN planned THEN phases never go backwards', () => {
    const ranks = steps.map((s) => PHASES.indexOf(s.phase));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('GIVEN nothing exists WHEN planned THEN lists, then groups, then their rules are created, all before any ENI moves', () => {
    expect([...new Set(kinds(steps))]).toEqual([
      'create:create-prefix-list',
      'create:create-group',
      'create:authorize',
      'membership:set-membership',
      'revoke:set-membership',
    ]);
  });

  it('GIVEN ENIs with the default group WHEN exclusive THEN ours join it first and the default group leaves in the revoke phase', () => {
    const forWeb1 = steps.filter((s) => s.kind === 'set-membership' && s.interfaceId === 'eni-web1');
    expect(forWeb1.map((s) => s.kind === 'set-membership' && [s.phase, s.groups.map((g) => g.id ?? g.name)])).toEqual([
      ['membership', [expect.stringMatching(/^segsync-prod-web-/), 'sg-default-vpc-a']],
      ['revoke', [expect.stringMatching(/^segsync-prod-web-/)]],
    ]);
  });

  it('GIVEN a peer referenced by name WHEN planned THEN the group or list was created by an earlier step', () => {
    const created = new Set<string>();
    for (const s of steps) {
      if (s.kind === 'create-group') created.add(s.group.name);
      if (s.kind === 'create-prefix-list') created.add(s.prefixList.name);
      if (s.kind === 'authorize')
        for (const u of s.units) if (u.peer.kind !== 'cidr') expect(created).toContain(u.peer.name);
    }
  });
});

describe('planAws: foreign objects are never targeted', () => {
  const workloads = [web1, app1, db1];
  const desired = desiredOf(workloads);
  const web = desired.groups.find((g) => g.className === 'web')!;
  const pl = desired.prefixLists[0]!;
  const lookalike: AwsSecurityGroup = {
    ...defaultGroup('vpc-a'),
    GroupId: 'sg-lookalike',
    GroupName: web.name,
    Tags: [{ Key: 'segsync:owner', Value: 'staging' }, ...web.tags.slice(1)],
    IpPermissions: [perm({ protocol: '-1', peer: { kind: 'cidr', cidr: '0.0.0.0/0' } }, () => '')],
  };
  const legacy: AwsSecurityGroup = {
    ...defaultGroup('vpc-a'),
    GroupId: 'sg-legacy',
    GroupName: 'legacy-ssh',
    IpPermissions: [
      perm({ protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'cidr', cidr: '192.0.2.0/24' } }, () => ''),
    ],
  };
  const foreignPl: AwsPrefixList = {
    PrefixListId: 'pl-foreign',
    PrefixListName: pl.name,
    AddressFamily: 'IPv4',
    MaxEntries: 4,
    Version: 1,
    OwnerId: '1',
    Tags: [],
    Entries: [],
  };
  const base = before(workloads);
  const actual: AwsState = {
    SecurityGroups: [...base.SecurityGroups, lookalike, legacy],
    NetworkInterfaces: base.NetworkInterfaces,
    PrefixLists: [foreignPl],
  };
  actual.NetworkInterfaces.find((e) => e.NetworkInterfaceId === 'eni-web1')!.Groups = [
    { GroupId: 'sg-legacy', GroupName: 'legacy-ssh' },
  ];
  const foreignIds = ['sg-lookalike', 'sg-legacy', 'pl-foreign', 'sg-default-vpc-a', 'sg-default-vpc-b'];

  const ids = (s: AwsStep): string[] => {
    switch (s.kind) {
      case 'create-group':
      case 'delete-group':
      case 'authorize':
      case 'revoke':
        return [
          s.group.id ?? '',
          ...(s.kind === 'authorize' || s.kind === 'revoke'
            ? s.units.map((u) => (u.peer.kind === 'cidr' ? '' : (u.peer.id ?? '')))
            : []),
        ];
      case 'set-membership':
        return [];
      default:
        return [s.prefixList.id ?? ''];
    }
  };

  it.each([true, false])(
    'GIVEN lookalike and foreign groups and lists (exclusive: %s) WHEN planned THEN no step writes one; ours are created beside them',
    (ex) => {
      const { steps } = planAws(desired, actual, ctx, { exclusive: ex });
      expect(steps.flatMap(ids).filter((id) => foreignIds.includes(id))).toEqual([]);
      expect(steps.filter((s) => s.kind === 'create-group').map((s) => s.target)).toContain(web.name);
      expect(steps.filter((s) => s.kind === 'create-prefix-list').map((s) => s.target)).toContain(pl.name);
    },
  );

  it('GIVEN a foreign group on a managed ENI WHEN not exclusive THEN it stays on the ENI and a finding says what it adds and how to remove it', () => {
    const { steps, findings } = planAws(desired, actual, ctx, { exclusive: false });
    const move = steps.find((s) => s.kind === 'set-membership' && s.interfaceId === 'eni-web1');
    expect(move?.kind === 'set-membership' && move.groups.map((g) => g.id ?? g.name)).toEqual([web.name, 'sg-legacy']);
    const finding = findings.find((f) => f.code === 'foreign-group' && f.target === 'sg-legacy')!;
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('ingress tcp 22 from 192.0.2.0/24');
    expect(finding.hint).toContain('exclusive: true');
  });

  it('GIVEN foreign groups that leave no room for ours WHEN not exclusive THEN QuotaExceededError counts them', () => {
    const run = () =>
      planAws(
        desired,
        actual,
        { deploymentId: 'prod', limits: { aws: { groupsPerInterface: 1 } } },
        { exclusive: false },
      );
    expect(run).toThrow(QuotaExceededError);
    expect(run).toThrow(
      /needs 2 security groups per network interface on network interface eni-\w+ .*the limit is 1 \(1 foreign group/,
    );
  });
});

describe('planAws: changes', () => {
  it('GIVEN a workload re-tagged into another existing class in its VPC WHEN planned THEN the plan is one membership write', () => {
    const old = [web1, web2, app1];
    const actual = materialize(desiredOf(old), before(old));
    const { steps } = planAws(desiredOf([web1, retag(web2, { tier: 'app' }), app1]), actual, ctx, exclusive);
    expect(kinds(steps)).toEqual(['membership:set-membership']);
    expect(steps[0]!.target).toBe('eni-web2');
  });

  it('GIVEN the re-tagged class is referenced by address from another VPC WHEN planned THEN entries are added before the move and removed after', () => {
    const old = [web1, web2, app1, awsWorkload('app2', 'vpc-a', '10.0.2.11', { tier: 'app' }), db1];
    const actual = materialize(desiredOf(old), before(old));
    const next = desiredOf([web1, retag(web2, { tier: 'app' }), app1, old[3]!, db1]);
    const { steps } = planAws(next, actual, ctx, exclusive);
    expect(kinds(steps)).toEqual(['authorize:add-prefix-list-entries', 'membership:set-membership']);
    expect(steps[0]).toMatchObject({ cidrs: ['10.0.1.11/32'], readVersion: 3, currentVersion: 3 });
  });

  it('GIVEN a list growing past its size and losing entries WHEN planned THEN it grows before adds, shrinks after removes, ≤ 100 per call, versions chained', () => {
    const apps = Array.from({ length: 150 }, (_, i) =>
      awsWorkload(`a${i}`, 'vpc-a', `10.0.${4 + Math.floor(i / 100)}.${(i % 100) * 2}`, { tier: 'app' }),
    );
    const c = {
      deploymentId: 'prod',
      limits: { aws: { rulesPerGroupPerDirectionPerFamily: 300, groupsPerInterface: 3 } },
    };
    const actual = materialize(desiredOf([...apps.slice(0, 30), db1], shop, c), before([...apps, db1]));
    const { steps, findings } = planAws(desiredOf([...apps.slice(30), db1], shop, c), actual, c, exclusive);
    const pl = steps.filter((s) => s.kind.includes('prefix-list'));
    expect(pl.map((s) => [s.phase, s.kind, 'currentVersion' in s ? s.currentVersion : 0])).toEqual([
      ['authorize', 'resize-prefix-list', 3],
      ['authorize', 'add-prefix-list-entries', 4],
      ['authorize', 'add-prefix-list-entries', 5],
      ['revoke', 'remove-prefix-list-entries', 6],
      ['revoke', 'resize-prefix-list', 7],
    ]);
    // 30 + 120 entries at the peak: 32 → 256 before the adds, 256 → 128 after the removes.
    expect(
      pl.map((s) =>
        s.kind === 'resize-prefix-list'
          ? s.maxEntries
          : s.kind.endsWith('entries') && 'cidrs' in s
            ? s.cidrs.length
            : 0,
      ),
    ).toEqual([256, 100, 20, 30, 128]);
    expect(findings).toEqual([]);
  });

  it('GIVEN a hand-added rule in an owned group WHEN planned THEN it is revoked, and only that', () => {
    const desired = desiredOf([web1, app1]);
    const actual = materialize(desired, before([web1, app1]));
    actual.SecurityGroups.find((g) => g.GroupName.includes('-web-'))!.IpPermissions.push(
      perm({ protocol: 'tcp', fromPort: 3389, toPort: 3389, peer: { kind: 'cidr', cidr: '0.0.0.0/0' } }, () => ''),
    );
    const { steps } = planAws(desired, actual, ctx, exclusive);
    expect(steps.map((s) => s.kind === 'revoke' && [s.direction, s.units])).toEqual([
      ['ingress', [{ protocol: 'tcp', fromPort: 3389, toPort: 3389, peer: { kind: 'cidr', cidr: '0.0.0.0/0' } }]],
    ]);
  });

  it("GIVEN a class whose last member left segsync's segments WHEN planned THEN its ENI is released, references revoked, then groups deleted", () => {
    const old = [web1, app1];
    const actual = materialize(desiredOf(old), before(old));
    const { steps } = planAws(desiredOf([web1, retag(app1, { tier: 'none' })]), actual, ctx, exclusive);
    expect(kinds(steps)).toEqual(['revoke:set-membership', 'revoke:revoke', 'revoke:revoke', 'delete:delete-group']);
    const release = steps[0]!;
    expect(release.kind === 'set-membership' && release.groups).toEqual([
      { vpcId: 'vpc-a', name: 'default', id: 'sg-default-vpc-a' },
    ]);
  });

  describe('a group whose old and new rules do not fit together', () => {
    const p = (from: string, ports: string) =>
      policyOf(`  segments: [{ name: web, selector: "tier == 'web'" }]
  rules: [{ name: r, from: { cidrs: [${from}] }, to: web, ports: [${ports}] }]
`);
    const c = {
      deploymentId: 'prod',
      limits: { aws: { rulesPerGroupPerDirectionPerFamily: 2, groupsPerInterface: 1 } },
    };
    const plan = (old: Policy, after: Policy, workloads = [web1]) =>
      planAws(
        desiredOf(workloads, after, c),
        materialize(desiredOf(workloads, old, c), before(workloads)),
        c,
        exclusive,
      );

    it('GIVEN old rules the new policy drops entirely WHEN planned THEN they go first (they allow nothing the new rules keep), then the new ones come', () => {
      const { steps, findings } = plan(p('10.9.0.0/16', 'tcp/1, tcp/3'), p('10.9.0.0/16', 'tcp/5, tcp/7'));
      expect(
        steps.map(
          (s) => (s.kind === 'authorize' || s.kind === 'revoke') && [s.phase, s.kind, s.units.map((u) => u.fromPort)],
        ),
      ).toEqual([
        ['authorize', 'revoke', [1, 3]],
        ['authorize', 'authorize', [5, 7]],
      ]);
      expect(findings).toEqual([]);
    });

    it('GIVEN a narrowed range and a dropped one WHEN all of old ∪ new does not fit THEN the dropped one goes first, the pieces come, the narrowed one goes last', () => {
      const c3 = { ...c, limits: { aws: { rulesPerGroupPerDirectionPerFamily: 3, groupsPerInterface: 1 } } };
      const actual = materialize(desiredOf([web1], p('10.9.0.0/16, 192.0.2.0/24', 'tcp/22'), c3), before([web1]));
      const { steps, findings } = planAws(
        desiredOf([web1], p('10.9.0.0/17, 10.9.192.0/18', 'tcp/22'), c3),
        actual,
        c3,
        exclusive,
      );
      expect(
        steps.map(
          (s) =>
            (s.kind === 'authorize' || s.kind === 'revoke') && [
              s.phase,
              s.kind,
              s.units.map((u) => u.peer.kind === 'cidr' && u.peer.cidr),
            ],
        ),
      ).toEqual([
        ['authorize', 'revoke', ['192.0.2.0/24']],
        ['authorize', 'authorize', ['10.9.0.0/17', '10.9.192.0/18']],
        ['revoke', 'revoke', ['10.9.0.0/16']],
      ]);
      expect(findings).toEqual([]);
    });

    it('GIVEN a class spread over two groups WHEN one rule is added THEN units stay where they are and only the new one is authorized, where there is room', () => {
      const c3 = { ...c, limits: { aws: { rulesPerGroupPerDirectionPerFamily: 2, groupsPerInterface: 2 } } };
      const actual = materialize(desiredOf([web1], p('10.9.0.0/16', 'tcp/3, tcp/5, tcp/7'), c3), before([web1]));
      const { steps, findings } = planAws(
        desiredOf([web1], p('10.9.0.0/16', 'tcp/1, tcp/3, tcp/5, tcp/7'), c3),
        actual,
        c3,
        exclusive,
      );
      expect(
        steps.map(
          (s) => s.kind === 'authorize' && [s.phase, s.group.name.endsWith('-2'), s.units.map((u) => u.fromPort)],
        ),
      ).toEqual([['authorize', true, [1]]]);
      expect(findings).toEqual([]);
    });

    it('GIVEN an old rule that must stay until both of its new pieces are in WHEN only two fit THEN a blocking finding refuses revoke-first', () => {
      const { findings } = plan(p('10.9.0.0/16', 'tcp/22'), p('10.9.0.0/17, 10.9.192.0/18', 'tcp/22'));
      expect(findings).toEqual([
        expect.objectContaining({
          severity: 'error',
          code: 'transition-exceeds-quota',
          message: expect.stringContaining('would hold 3 ingress rules'),
        }),
      ]);
    });
  });
});
