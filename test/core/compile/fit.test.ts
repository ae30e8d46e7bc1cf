/**
 * The AWS fit (issue 9): member sets merged per (class, direction, family, rule unit), sets of at
 * most 3 CIDRs inline, MaxEntries sized to entries + headroom, and refusals that name every
 * violation with what brings it and how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { SandboxAws } from '../../../adapters/sandbox/aws.ts';
import { SandboxAzure } from '../../../adapters/sandbox/azure.ts';
import { SandboxGcp } from '../../../adapters/sandbox/gcp.ts';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import { readWorld } from '../../../adapters/reconcile.ts';
import { generateEstate, generatePolicy } from '../../../bench/generate.ts';
import { compileAws, quotaFix } from '../../../core/compile/aws.ts';
import { totalWeight } from '../../../core/compile/aws-units.ts';
import { compile } from '../../../core/compile/index.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { DEFAULT_BUDGETS, type CompileContext } from '../../../core/model/budgets.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { policyOf, tierSegments } from '../../helpers/policies.ts';
import { AWS_ACCOUNT, awsWorkload } from '../../helpers/workloads.ts';

/** Workloads as adapters/aws/read.ts builds them, in eu-west-1 unless another Region is named. */
const aws = (name: string, vpc: string, ip: string, tags: Record<string, string>, region?: string) =>
  awsWorkload(name, vpc, ip, tags, region ? { region } : {});

/** dns is reached on tcp/53 + udp/53 by every app tier; apps live in another VPC. */
const policy = policyOf(
  `  defaults: { egress: allow, unlabeled: ignore }
${tierSegments('dns', 'web', 'app', 'db')}  rules:
    - { name: web-dns, from: web, to: dns, ports: [tcp/53, udp/53] }
    - { name: app-dns, from: app, to: dns, ports: [tcp/53, udp/53] }
    - { name: db-dns, from: db, to: dns, ports: [udp/53] }
`,
  'dns',
);

const dns = aws('dns', 'vpc-shared', '10.9.0.53', { tier: 'dns' });
const peers = (n: number, tier: string, third: number) =>
  Array.from({ length: n }, (_, i) => aws(`${tier}${i}`, 'vpc-apps', `10.0.${third}.${10 + i}`, { tier }));

const ctx: CompileContext = { deploymentId: 'prod' };
const dnsGroup = (workloads: Workload[], c = ctx) =>
  compileAws(computeReach(policy, workloads), c).desired.groups.find((g) => g.className === 'dns')!;

describe('fit: member sets merged per rule unit', () => {
  it('GIVEN web, app and db reach dns on 53 WHEN compiled THEN each rule unit has ONE address set, whatever class the peers come from', () => {
    const workloads = [dns, ...peers(3, 'web', 1), ...peers(3, 'app', 2), ...peers(2, 'db', 3)];
    const { desired } = compileAws(computeReach(policy, workloads), ctx);
    const group = desired.groups.find((g) => g.className === 'dns')!;
    // tcp/53 from web ∪ app (6 addresses), udp/53 from web ∪ app ∪ db (8): one list each.
    expect(group.ingress.map((u) => [u.protocol, u.fromPort, u.peer.kind])).toEqual([
      ['tcp', 53, 'prefix-list'],
      ['udp', 53, 'prefix-list'],
    ]);
    const list = (proto: string) =>
      desired.prefixLists.find((p) =>
        group.ingress.some((u) => u.protocol === proto && 'name' in u.peer && u.peer.name === p.name),
      )!;
    // Adjacent addresses merge exactly: 10.0.1.10-12 = /31 + /32, never a wider block.
    expect(list('tcp').entries).toEqual(['10.0.1.10/31', '10.0.1.12/32', '10.0.2.10/31', '10.0.2.12/32']);
    expect(list('udp').entries).toEqual([
      '10.0.1.10/31',
      '10.0.1.12/32',
      '10.0.2.10/31',
      '10.0.2.12/32',
      '10.0.3.10/31',
    ]);
    expect(list('udp').name).toMatch(/^segsync-prod-dns-\w+-in-v4-udp53-vpc-shared$/);
    // entries + headroom (5 → 6), not the next power of two.
    expect(list('udp').maxEntries).toBe(6);
  });

  it('GIVEN a merged set of at most 3 CIDRs WHEN compiled THEN it is written inline; 4 or more make a prefix list', () => {
    const three = dnsGroup([
      dns,
      aws('w', 'vpc-apps', '10.0.1.1', { tier: 'web' }),
      aws('a', 'vpc-apps', '10.0.2.1', { tier: 'app' }),
      aws('d', 'vpc-apps', '10.0.3.1', { tier: 'db' }),
    ]);
    expect(three.ingress.every((u) => u.peer.kind === 'cidr')).toBe(true);
    expect(three.ingress.filter((u) => u.protocol === 'udp').map((u) => 'cidr' in u.peer && u.peer.cidr)).toEqual([
      '10.0.1.1/32',
      '10.0.2.1/32',
      '10.0.3.1/32',
    ]);
    const four = dnsGroup([
      dns,
      ...peers(2, 'web', 1).map((w, i) => ({
        ...w,
        addresses: [`10.0.1.${i * 4}`],
        attachments: [{ ...w.attachments[0]!, addresses: [`10.0.1.${i * 4}`] }],
      })),
      aws('a', 'vpc-apps', '10.0.2.1', { tier: 'app' }),
      aws('d', 'vpc-apps', '10.0.3.1', { tier: 'db' }),
    ]);
    expect(four.ingress.find((u) => u.protocol === 'udp')!.peer.kind).toBe('prefix-list');
    expect(four.ingress.find((u) => u.protocol === 'tcp')!.peer.kind).toBe('cidr');
  });

  it('GIVEN the same peers WHEN compiled THEN the merged translation weighs less than one list per peer class', () => {
    const workloads = [dns, ...peers(5, 'web', 1), ...peers(5, 'app', 2), ...peers(5, 'db', 3)];
    const { desired } = compileAws(computeReach(policy, workloads), ctx);
    const group = desired.groups.find((g) => g.className === 'dns')!;
    const size = new Map(desired.prefixLists.map((p) => [p.name, p.maxEntries]));
    const w = totalWeight(group.ingress, (p) => (p.kind === 'prefix-list' ? (size.get(p.name!) ?? 0) : 0));
    // Per class (before): 5 lists of 8 (web tcp, web udp, app tcp, app udp, db udp) = 40.
    expect(w.ipv4).toBeLessThan(40);
  });
});

describe('fit: refusals name every violation, what brings it and the fixes', () => {
  it('GIVEN two classes that do not fit WHEN compiled THEN one QuotaExceededError lists both, with network, units, unreachable peers, rules and quota codes', () => {
    const far = [
      aws('fw0', 'vpc-far', '10.5.0.1', { tier: 'web' }, 'us-east-1'),
      aws('fw1', 'vpc-far', '10.5.0.9', { tier: 'web' }, 'us-east-1'),
    ];
    const workloads = [
      dns,
      aws('dns2', 'vpc-other', '10.8.0.53', { tier: 'dns' }),
      ...peers(3, 'web', 1).map((w, i) => ({
        ...w,
        addresses: [`10.0.1.${i * 4}`],
        attachments: [{ ...w.attachments[0]!, addresses: [`10.0.1.${i * 4}`] }],
      })),
      ...far,
    ];
    const run = () =>
      compileAws(
        computeReach(policy, workloads),
        { deploymentId: 'prod', limits: { aws: { rulesPerGroupPerDirectionPerFamily: 2, groupsPerInterface: 1 } } },
        policy,
      );
    expect(run).toThrow(QuotaExceededError);
    let error: QuotaExceededError | undefined;
    try {
      run();
    } catch (e) {
      error = e as QuotaExceededError;
    }
    expect(error!.violations).toHaveLength(2);
    expect(error!.violations.map((v) => v.network)).toEqual([
      `aws:${AWS_ACCOUNT}:eu-west-1:vpc-other`,
      `aws:${AWS_ACCOUNT}:eu-west-1:vpc-shared`,
    ]);
    for (const v of error!.violations) {
      expect(v).toMatchObject({
        segment: 'dns',
        cloud: 'aws',
        limit: 'security groups per network interface',
        allowed: 1,
      });
      expect(v.hint).toMatch(/rule units per network interface \(ingress, ipv4\) against 2 rules × 1 groups = 2/);
      // The two web members in us-east-1: no security-group reference reaches them.
      expect(v.unreachable).toBeGreaterThanOrEqual(2);
      // file:line of the rule in the policy, then its name and how many peers it brings.
      expect(v.rules![0]).toBe('dns.yaml:12 web-dns (5 peer members)');
      expect(v.fixes![0]).toBe(
        'narrow the rules that bring the most peers (dns.yaml:12 web-dns): fewer peer segments or ports',
      );
      expect(v.fixes!.join('\n')).toMatch(/L-0EA8095F/);
      expect(v.fixes!.join('\n')).toMatch(/segment-aligned subnets/);
    }
    expect(error!.message).toMatch(/^2 quota violations, nothing written:/);
    expect(error!.message).toMatch(/brought by policy rules: dns.yaml:12 web-dns/);
  });

  it('GIVEN a cloud over budget WHEN compile() runs THEN the other clouds still compile and the error lists its violations', () => {
    const error = (() => {
      try {
        compile(
          policy,
          { workloads: [dns, ...peers(3, 'web', 1)] },
          {
            deploymentId: 'prod',
            limits: { aws: { rulesPerGroupPerDirectionPerFamily: 1, groupsPerInterface: 1 } },
          },
        );
      } catch (e) {
        return e as QuotaExceededError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error!.violations.map((v) => v.cloud)).toContain('aws');
  });

  it.each([
    [250, '(L-0EA8095F) to 63,'],
    [301, '(L-0EA8095F) to 61'],
    [999, '(L-0EA8095F) to 200'],
    [1001, 'no quota increase is enough'],
  ])('GIVEN %i units per ENI WHEN the fix is named THEN it is the smallest quota change (%s)', (needed, text) => {
    const budget = needed === 250 ? { ...DEFAULT_BUDGETS.aws, groupsPerInterface: 4 } : DEFAULT_BUDGETS.aws;
    expect(quotaFix(needed, budget)).toContain(text);
  });
});

describe('fit: a small realistic estate refused before now fits the default AWS quotas', () => {
  it('GIVEN the bench realistic shape at 200 workloads, 60 segments, 300 rules, seed 3 WHEN compiled with AWS defaults THEN it fits (it needed 6 groups per ENI before)', async () => {
    const estate = generateEstate({ seed: 3, workloads: 200, segments: 60 }).estate;
    const text = generatePolicy({ seed: 3, segments: 60, rules: 300, shape: 'realistic', monitorShare: 0.05 });
    const p = parsePolicy(text, 'bench.yaml');
    const sa = SandboxAws.fromEstate(estate, {});
    const sz = SandboxAzure.fromEstate(estate, {});
    const sg = SandboxGcp.fromEstate(estate, {});
    const world = await readWorld({
      aws: awsAdapter(sa.scopes().map((s) => sa.api(s))),
      azure: azureAdapter(sz.subscriptions().map((s) => sz.api(s))),
      gcp: gcpAdapter(sg.projects().map((s) => sg.api(s))),
    });
    const desired = compile(p, world.inventory, { deploymentId: 'bench' });
    const perClass = new Map<string, number>();
    for (const g of desired.aws.groups)
      perClass.set(`${g.vpcId}|${g.classId}`, (perClass.get(`${g.vpcId}|${g.classId}`) ?? 0) + 1);
    expect(Math.max(...perClass.values())).toBeLessThanOrEqual(5);
  }, 60_000);
});
