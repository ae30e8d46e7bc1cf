import { describe, expect, it } from 'vitest';
import { compile } from '../../../core/compile/index.ts';
import { policyWarnings } from '../../../core/policy/coverage.ts';
import { validatePolicy } from '../../../core/policy/parse.ts';
import { policyOf } from '../../helpers/policies.ts';
import { awsWorkload, azureWorkload, gcpWorkload } from '../../helpers/workloads.ts';

const spec = (internet: string) => `  externals:
    - { name: internet, cidrs: [0.0.0.0/0]${internet} }
    - { name: mainframe, labels: { app: mainframe }, cidrs: [10.50.0.0/16] }
  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: ghost, selector: "tier == 'gohst'" }
  rules:
    - { name: internet-to-web, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: web-to-mainframe, from: web, to: { selector: "app == 'mainframe'" }, ports: [tcp/1414] }
    - { name: typo, from: web, to: { selector: "app == 'mianframe'" }, ports: [tcp/1] }
    - { name: office, from: { cidrs: [10.0.1.0/24] }, to: web, ports: [tcp/22] }
`;
const workloads = [
  awsWorkload('web1', 'vpc-a', '10.0.1.10', { tier: 'web' }),
  azureWorkload('web2', '10.1.1.10', { tier: 'web' }),
  gcpWorkload('other', '10.2.1.10', { tier: 'batch' }),
];

describe('policyWarnings: what a policy means for one estate', () => {
  it('GIVEN a segment and a rule selector no workload or external carries THEN each gets selector-matches-nothing at its path; the external-matching selector does not', () => {
    const nothing = policyWarnings(policyOf(spec('')), workloads).filter((w) => w.code === 'selector-matches-nothing');
    expect(nothing.map((w) => [w.path.join('.'), w.target, w.message])).toEqual([
      ['spec.segments.1.selector', 'segment ghost', "the selector tier == 'gohst' matches no workload and no external"],
      [
        'spec.rules.2.to.selector',
        'rule typo to',
        "the selector app == 'mianframe' matches no workload and no external",
      ],
    ]);
  });

  it('GIVEN 0.0.0.0/0 and a /24 as sources THEN each names the managed workloads it covers (not the unmanaged one)', () => {
    const covers = policyWarnings(policyOf(spec('')), workloads).filter(
      (w) => w.code === 'address-peer-covers-workloads',
    );
    expect(covers.map((w) => [w.path.join('.'), w.workloads])).toEqual([
      ['spec.rules.0.from', [workloads[0]!.id, workloads[1]!.id]],
      ['spec.rules.3.from', [workloads[0]!.id]],
    ]);
    expect(covers[0]!.message).toMatch(
      /^0\.0\.0\.0\/0 \(external internet\) in internet-to-web also covers 2 managed workloads \(/,
    );
  });

  it('GIVEN except: [10.0.0.0/8] on the internet THEN it no longer covers the workloads', () => {
    const covers = policyWarnings(policyOf(spec(', except: [10.0.0.0/8]')), workloads).filter(
      (w) => w.code === 'address-peer-covers-workloads',
    );
    expect(covers.map((w) => w.path.join('.'))).toEqual(['spec.rules.3.from']);
  });

  it('GIVEN the estate WHEN compiled THEN the warnings are plan findings with their codes, and validate positions them', () => {
    const policy = policyOf(spec(''));
    const findings = compile(policy, { workloads }, { deploymentId: 'prod' }).findings;
    expect(findings.filter((f) => f.code === 'selector-matches-nothing').map((f) => f.target)).toEqual([
      'segment ghost',
      'rule typo to',
    ]);
    expect(findings.some((f) => f.code === 'address-peer-covers-workloads' && f.cloud === undefined)).toBe(true);
    const text = `apiVersion: segsync/v1\nkind: SegmentationPolicy\nmetadata: { name: t }\nspec:\n${spec('')}`;
    const { diagnostics } = validatePolicy(text, 'p.yaml', { workloads });
    expect(
      diagnostics
        .filter((d) => d.code === 'selector-matches-nothing')
        .map((d) => `${d.source?.line}:${d.source?.column} ${d.severity}`),
    ).toEqual(['10:32 warning', '14:48 warning']);
    expect(validatePolicy(text, 'p.yaml').diagnostics.map((d) => d.code)).not.toContain('selector-matches-nothing');
  });
});
