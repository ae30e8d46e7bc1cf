/**
 * spec.endToEnd (docs/end-to-end.md): a destination's ingress set is written wider over sources
 * whose own enforced egress denies the flow (checked against the policy's egress default and
 * every rule, not "no allow rule") and over unallocated addresses of the declared ranges; every
 * widening is a finding; without the option nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { compile, recompile, type Desired } from '../../../core/compile/index.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { parsePolicy, validatePolicy } from '../../../core/policy/parse.ts';
import { dnsSources } from '../../helpers/desired.ts';
import { awsWorkload, azureWorkload, gcpWorkload } from '../../helpers/workloads.ts';

const policyText = (extra: string, egress = 'deny') => `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: t }
spec:
${extra}  defaults: { egress: ${egress}, unlabeled: ignore }
  segments:
    - { name: dns, selector: "tier == 'dns'" }
    - { name: web, selector: "tier == 'web'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: web-dns, from: web, to: dns, ports: [udp/53] }
    - { name: web-db, from: web, to: db, ports: [tcp/5432] }
`;
const E2E = '  endToEnd: { ranges: [10.1.0.0/16, 10.20.0.0/16, 10.30.0.0/16] }\n';

const range = (n: number, make: (i: number) => Workload) => Array.from({ length: n }, (_, i) => make(i));
/** dns in one VPC; in each other network web and db interleaved, so web alone is never one CIDR. */
const workloads: Workload[] = [
  awsWorkload('dns', 'vpc-shared', '10.9.0.53', { tier: 'dns' }),
  ...range(6, (i) => awsWorkload(`h${i}`, 'vpc-apps', `10.1.0.${10 + i}`, { tier: i % 2 ? 'db' : 'web' })),
  ...range(6, (i) => azureWorkload(`h${i}`, `10.20.0.${10 + i}`, { tier: i % 2 ? 'db' : 'web' })),
  ...range(6, (i) => gcpWorkload(`h${i}`, `10.30.0.${10 + i}`, { tier: i % 2 ? 'db' : 'web' })),
];

/** Every CIDR dns's AWS groups let in (rule CIDRs and prefix list entries). */
const awsDnsSources = (d: Desired): string[] => dnsSources(d).aws;

const ctx = { deploymentId: 'prod' };

describe('end-to-end mode: ingress widened over sources whose egress denies', () => {
  it('GIVEN egress deny and db never reaching dns WHEN compiled THEN dns admits each network as one CIDR over web and db, and says so', () => {
    const d = compile(parsePolicy(policyText(E2E), 'p.yaml'), { workloads }, ctx);
    // 10.x.0.10-15: web at even, db at odd offsets; db's egress denies udp/53 to dns.
    expect(awsDnsSources(d)).toEqual(['10.1.0.8/29', '10.20.0.8/29', '10.30.0.8/29']);
    // One finding per AWS network compiled: dns's VPC, and the apps VPC where db admits remote web the same way.
    const findings = d.findings.filter((f) => f.code === 'end-to-end-widened' && f.cloud === 'aws');
    const onDns = findings.filter((f) => f.message.includes('ingress of dns '));
    expect(onDns.map((f) => f.target).sort()).toEqual(['10.1.0.8/29', '10.20.0.8/29', '10.30.0.8/29']);
    expect(findings.filter((f) => f.message.includes('ingress of db ')).map((f) => f.target)).toEqual([
      '10.20.0.8/29',
      '10.30.0.8/29',
    ]);
    expect(onDns.find((f) => f.target === '10.1.0.8/29')!.message).toMatch(
      /on the ingress of dns .* instead of up to 3 member address\(es\)/,
    );
    expect(onDns.find((f) => f.target === '10.1.0.8/29')!.message).toMatch(
      /up to 3 address\(es\) of enforced workloads whose own egress denies/,
    );
    expect(onDns.find((f) => f.target === '10.1.0.8/29')!.message).toMatch(
      /up to 2 address\(es\) no workload segsync sees holds, inside .* 10\.1\.0\.0\/16/,
    );
  });

  it('GIVEN one range over every network WHEN compiled THEN dns admits one CIDR: the smallest around its peers, inside the range', () => {
    const d = compile(parsePolicy(policyText('  endToEnd: { ranges: [10.0.0.0/8] }\n'), 'p.yaml'), { workloads }, ctx);
    // Every known address in 10.0.0.0/11 is web, db or dns itself, and none of db and dns may send to dns.
    expect(awsDnsSources(d)).toEqual(['10.0.0.0/11']);
  });

  it('GIVEN egress allow (db may send anything) WHEN compiled THEN dns lists web exactly: "no allow rule" is not a deny', () => {
    const d = compile(parsePolicy(policyText(E2E, 'allow'), 'p.yaml'), { workloads }, ctx);
    const sources = awsDnsSources(d);
    expect(sources).toContain('10.1.0.10/32');
    expect(sources).not.toContain('10.1.0.8/29');
    expect(d.findings.some((f) => f.code === 'end-to-end-widened')).toBe(false);
  });

  it('GIVEN egress allow and a deny rule db → dns WHEN compiled THEN db counts as denied again and dns is widened', () => {
    const text = policyText(E2E, 'allow').replace(
      '  rules:\n',
      '  rules:\n    - { name: no-db-dns, action: deny, from: db, to: dns, ports: [udp/53] }\n',
    );
    const d = compile(parsePolicy(text, 'p.yaml'), { workloads }, ctx);
    expect(awsDnsSources(d)).toEqual(['10.1.0.8/29', '10.20.0.8/29', '10.30.0.8/29']);
  });

  it('GIVEN a db reaching dns on another port of the unit WHEN compiled THEN it is not admitted on that unit', () => {
    // db → dns on udp/53-54 overlaps web's unit udp/53: db's egress allows udp/53, so db blocks.
    const text = policyText(E2E).replace(
      '  rules:\n',
      "  rules:\n    - { name: db-dns, from: { selector: \"tier == 'db' && app == 'x'\" }, to: dns, ports: [udp/53-54] }\n",
    );
    const tagged = workloads.map((w) =>
      w.id.endsWith('h1') && w.cloud === 'aws'
        ? awsWorkload('h1', 'vpc-apps', '10.1.0.11', { tier: 'db', app: 'x' })
        : w,
    );
    const sources = awsDnsSources(compile(parsePolicy(text, 'p.yaml'), { workloads: tagged }, ctx));
    expect(sources.filter((c) => c.startsWith('10.1.'))).not.toContain('10.1.0.8/29');
    expect(sources.filter((c) => c.startsWith('10.20.'))).toEqual(['10.20.0.8/29']);
  });

  it('GIVEN an unmanaged host or a monitored workload inside the network WHEN compiled THEN its block is not widened', () => {
    const unmanaged = { ...azureWorkload('nat', '10.20.0.11', { tier: 'db' }), managed: false };
    const text = policyText(E2E).replace(
      '    - { name: db, selector',
      '    - { name: mon, selector: "tier == \'mon\'", mode: monitor }\n    - { name: db, selector',
    );
    const ws = workloads.map((w) =>
      w.cloud === 'azure' && w.addresses[0] === '10.20.0.11'
        ? unmanaged
        : w.cloud === 'gcp' && w.addresses[0] === '10.30.0.13'
          ? gcpWorkload('h3', '10.30.0.13', { tier: 'mon' })
          : w,
    );
    const sources = awsDnsSources(compile(parsePolicy(text, 'p.yaml'), { workloads: ws }, ctx));
    expect(sources).toContain('10.1.0.8/29');
    expect(sources.some((c) => c.startsWith('10.20.0.8/'))).toBe(false);
    expect(sources.some((c) => c.startsWith('10.30.0.8/'))).toBe(false);
  });

  it('GIVEN no spec.endToEnd, or a range not covering the sources WHEN compiled THEN every set is exact', () => {
    for (const extra of ['', '  endToEnd: { ranges: [192.168.0.0/16] }\n']) {
      const d = compile(parsePolicy(policyText(extra), 'p.yaml'), { workloads }, ctx);
      expect(awsDnsSources(d).every((c) => c.endsWith('/32') || c.endsWith('/31'))).toBe(true);
      expect(d.findings.some((f) => f.code === 'end-to-end-widened')).toBe(false);
    }
  });

  it('GIVEN egress sets WHEN compiled THEN they are never widened (web → dns stays the exact address)', () => {
    const d = compile(parsePolicy(policyText(E2E), 'p.yaml'), { workloads }, ctx);
    const egress = d.aws.groups
      .filter((g) => g.className === 'web')
      .flatMap((g) => g.egress.flatMap((u) => (u.peer.kind === 'cidr' ? [u.peer.cidr] : [])));
    expect(egress).toContain('10.9.0.53/32');
  });

  it('GIVEN a widened set WHEN a host that is not enforced joins it THEN recompile narrows it, as a full compile does', () => {
    const policy = parsePolicy(policyText(E2E), 'p.yaml');
    const before = compile(policy, { workloads }, ctx);
    const joined = [...workloads, azureWorkload('late', '10.20.0.9', { tier: 'other' })];
    const full = compile(policy, { workloads: joined }, ctx);
    expect(awsDnsSources(full)).not.toContain('10.20.0.8/29');
    const incremental = recompile(before, policy, { workloads: joined }, [joined.at(-1)!.id], ctx);
    const clouds = (x: Desired) => JSON.stringify([x.aws, x.azure, x.gcp, x.findings]);
    expect(clouds(incremental)).toEqual(clouds(full));
  });
});

describe('end-to-end mode: the policy option', () => {
  it('GIVEN a malformed range WHEN validated THEN the error is positioned at it', () => {
    const { policy, diagnostics } = validatePolicy(
      policyText('  endToEnd:\n    ranges: [10.0.0.0/8, 10.1.0.0/33]\n'),
      'p.yaml',
    );
    expect(policy).toBeUndefined();
    const d = diagnostics.find((x) => x.severity === 'error')!;
    expect(d.path).toEqual(['spec', 'endToEnd', 'ranges', 1]);
    expect(d.code).toBe('invalid-cidr');
    expect(d.source?.line).toBe(6);
  });

  it('GIVEN ranges WHEN parsed THEN the policy holds them; absent THEN the mode is off', () => {
    expect(parsePolicy(policyText(E2E), 'p.yaml').endToEnd?.ranges[0]).toEqual({
      family: 'ipv4',
      base: 0x0a010000n,
      prefix: 16,
    });
    expect(parsePolicy(policyText(''), 'p.yaml').endToEnd).toBeUndefined();
  });
});
