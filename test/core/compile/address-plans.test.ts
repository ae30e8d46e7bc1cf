/**
 * spec.addressPlans (docs/address-plans.md): with a declared segment-aligned plan, every cloud
 * writes a peer segment's block instead of its members where no other known workload sits in it,
 * lists each compression as a finding, and without a plan compiles exactly as before.
 */
import { describe, expect, it } from 'vitest';
import { compile, recompile, type Desired } from '../../../core/compile/index.ts';
import { compressionFix, endToEndFix } from '../../../core/compile/aws.ts';
import { dnsSources } from '../../helpers/desired.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { parsePolicy, validatePolicy } from '../../../core/policy/parse.ts';
import { awsWorkload, azureWorkload, gcpWorkload } from '../../helpers/workloads.ts';

const policyText = (plans: string) => `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: t }
spec:
${plans}  defaults: { egress: allow, unlabeled: ignore }
  segments:
    - { name: dns, selector: "tier == 'dns'" }
    - { name: web, selector: "tier == 'web'" }
  rules:
    - { name: web-dns, from: web, to: dns, ports: [udp/53] }
`;
const PLAN = '  addressPlans: [{ cidrs: [10.0.0.0/8], blockPrefix: 24 }]\n';

const range = (n: number, make: (i: number) => Workload) => Array.from({ length: n }, (_, i) => make(i));
/** dns in each cloud; web blocks of 5 in Azure, GCP and another VPC; one block shared by web and db. */
const workloads: Workload[] = [
  awsWorkload('dns', 'vpc-shared', '10.9.0.53', { tier: 'dns' }),
  azureWorkload('dns', '10.20.9.53', { tier: 'dns' }),
  gcpWorkload('dns', '10.30.9.53', { tier: 'dns' }),
  ...range(5, (i) => awsWorkload(`web${i}`, 'vpc-apps', `10.0.1.${10 + i}`, { tier: 'web' })),
  ...range(5, (i) => azureWorkload(`web${i}`, `10.20.1.${10 + i}`, { tier: 'web' })),
  ...range(5, (i) => gcpWorkload(`web${i}`, `10.30.1.${10 + i}`, { tier: 'web' })),
  awsWorkload('mixed-web0', 'vpc-apps', '10.0.3.10', { tier: 'web' }),
  awsWorkload('mixed-web1', 'vpc-apps', '10.0.3.11', { tier: 'web' }),
  awsWorkload('mixed-db', 'vpc-apps', '10.0.3.12', { tier: 'db' }),
];

describe('address plans: compression in every cloud', () => {
  it('GIVEN a /24 plan WHEN compiled THEN each cloud writes the web blocks, keeps the mixed block exact, and lists every compression', () => {
    const d = compile(parsePolicy(policyText(PLAN), 'p.yaml'), { workloads }, { deploymentId: 'prod' });
    const sources = dnsSources(d);
    // Peers in the same network are referenced by identity (SG, ASG, tag); the others by block.
    const blocks = { aws: ['10.0.1.0/24', '10.20.1.0/24', '10.30.1.0/24'], azure: ['10.0.1.0/24', '10.30.1.0/24'] };
    const expected = { ...blocks, gcp: ['10.0.1.0/24', '10.20.1.0/24'] };
    for (const cloud of ['aws', 'azure', 'gcp'] as const) {
      expect(sources[cloud], cloud).toEqual(expect.arrayContaining([...expected[cloud], '10.0.3.10/31']));
      expect(
        sources[cloud].some((c) => c.startsWith('10.0.3.0/') || c === '10.0.3.12/32'),
        cloud,
      ).toBe(false);
    }
    const findings = d.findings.filter((f) => f.code === 'address-compressed');
    expect(new Set(findings.map((f) => f.cloud))).toEqual(new Set(['aws', 'azure', 'gcp']));
    const gcp = findings.find((f) => f.cloud === 'gcp' && f.target === '10.20.1.0/24')!;
    expect(gcp.message).toMatch(/instead of its 5 member address\(es\) \(web\)/);
    expect(gcp.message).toMatch(/admits 251 address\(es\)/);
  });

  it('GIVEN no plan WHEN compiled THEN member sets stay exact and nothing is reported as compressed', () => {
    const d = compile(parsePolicy(policyText(''), 'p.yaml'), { workloads }, { deploymentId: 'prod' });
    for (const list of Object.values(dnsSources(d))) expect(list.some((c) => c.endsWith('/24'))).toBe(false);
    expect(d.findings.some((f) => f.code === 'address-compressed')).toBe(false);
  });

  it('GIVEN a workload of another segment joins a block WHEN recompiled THEN that block is listed by members again', () => {
    const intruder = azureWorkload('db9', '10.20.1.200', { tier: 'db' });
    const d = compile(
      parsePolicy(policyText(PLAN), 'p.yaml'),
      { workloads: [...workloads, intruder] },
      { deploymentId: 'prod' },
    );
    expect(dnsSources(d).aws).not.toContain('10.20.1.0/24');
    expect(dnsSources(d).aws).toEqual(expect.arrayContaining(['10.20.1.10/31', '10.20.1.12/31', '10.20.1.14/32']));
  });
});

describe('address plans: the policy option', () => {
  it('GIVEN a block larger than its plan CIDR WHEN validated THEN the error is positioned at that CIDR', () => {
    const { policy, diagnostics } = validatePolicy(
      policyText('  addressPlans:\n    - { cidrs: [10.1.0.0/16, 10.2.0.0/24], blockPrefix: 20 }\n'),
      'p.yaml',
    );
    expect(policy).toBeUndefined();
    const d = diagnostics.find((x) => x.severity === 'error')!;
    expect(d.path).toEqual(['spec', 'addressPlans', 0, 'cidrs', 1]);
    expect(d.source?.line).toBe(6);
    expect(d.message).toMatch(/blockPrefix 20 does not cut 10.2.0.0\/24 into blocks/);
  });

  it('GIVEN a refusal with peers no identity reaches THEN the fix names segment-aligned subnets + compression', () => {
    expect(compressionFix(12, false)).toMatch(
      /^segment-aligned subnets \+ compression \(spec\.addressPlans\): 12 of these CIDRs/,
    );
    expect(compressionFix(12, true)).toMatch(/cover their networks in spec\.addressPlans/);
  });

  it('GIVEN an ingress overflow THEN end-to-end mode is offered; an egress overflow, which it cannot widen, never', () => {
    expect(endToEndFix('ingress', false)).toMatch(/^end-to-end mode \(spec\.endToEnd, docs\/end-to-end\.md\)/);
    expect(endToEndFix('ingress', true)).toMatch(/declare more of the ranges/);
    expect(endToEndFix('egress', false)).toBeUndefined();
  });
});

describe('address plans: recompile', () => {
  it('GIVEN a compressed block WHEN a host of another segment joins it THEN recompile splits it in every network, as a full compile does', () => {
    const policy = parsePolicy(policyText(PLAN), 'p.yaml');
    const ctx = { deploymentId: 'prod' };
    const before = compile(policy, { workloads }, ctx);
    expect(dnsSources(before).azure).toContain('10.0.1.0/24');
    // The newcomer changes no member set of web, so the Azure and GCP networks' reach is the same:
    // only the compression, which reads every known address, tells them apart.
    const joined = [...workloads, awsWorkload('late-dns', 'vpc-apps', '10.0.1.99', { tier: 'dns' })];
    const full = compile(policy, { workloads: joined }, ctx);
    expect(dnsSources(full).azure).not.toContain('10.0.1.0/24');
    const incremental = recompile(before, policy, { workloads: joined }, [joined.at(-1)!.id], ctx);
    const clouds = (d: Desired) => JSON.stringify([d.aws, d.azure, d.gcp, d.findings]);
    expect(clouds(incremental)).toEqual(clouds(full));
  });
});
