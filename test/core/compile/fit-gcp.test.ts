/**
 * The GCP fit (issue 9): rules of several classes that differ only in target tags are one rule
 * targeting all of them; ranges above the per-rule budget are split into several rules.
 */
import { describe, expect, it } from 'vitest';
import { compileGcp } from '../../../core/compile/gcp.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { policyOf, tierSegments } from '../../helpers/policies.ts';
import { gcpWorkload } from '../../helpers/workloads.ts';

const gcp = gcpWorkload;

const policy = policyOf(`  defaults: { egress: deny, unlabeled: ignore }
${tierSegments('dns', 'web', 'app')}  rules:
    - { name: to-dns, from: { selector: "tier in {'web', 'app'}" }, to: dns, ports: [udp/53] }
    - { name: ext, from: { cidrs: [192.0.2.0/28, 198.51.100.0/28, 203.0.113.0/28] }, to: { selector: "tier in {'web', 'app'}" }, ports: [tcp/443] }
`);
const workloads = [
  gcp('dns-1', '10.0.0.53', { tier: 'dns' }),
  gcp('web-1', '10.0.1.1', { tier: 'web' }),
  gcp('app-1', '10.0.2.1', { tier: 'app' }),
];

describe('fit: GCP rules merged across target tags', () => {
  it('GIVEN web and app may both send udp/53 to dns WHEN compiled THEN one egress rule targets both tags', () => {
    const { desired } = compileGcp(computeReach(policy, workloads), { deploymentId: 'prod' });
    const egress = desired.firewalls.map((f) => f.firewall).filter((f) => f.direction === 'EGRESS' && f.allowed);
    expect(egress).toHaveLength(1);
    expect(egress[0]!.destinationRanges).toEqual(['10.0.0.53/32']);
    expect(egress[0]!.targetTags).toHaveLength(2);
    const ingress = desired.firewalls.map((f) => f.firewall).filter((f) => f.direction === 'INGRESS' && f.allowed);
    // dns from web and app by tag; web and app from the external ranges: one rule for both.
    expect(ingress.filter((f) => f.sourceRanges).map((f) => f.targetTags!.length)).toEqual([2]);
  });

  it('GIVEN more ranges than a rule holds WHEN compiled THEN they are split into rules that each fit, still shared by both tags', () => {
    const { desired } = compileGcp(computeReach(policy, workloads), {
      deploymentId: 'prod',
      limits: { gcp: { rangesPerRule: 2 } },
    });
    const ranged = desired.firewalls
      .map((f) => f.firewall)
      .filter((f) => f.direction === 'INGRESS' && f.sourceRanges && f.allowed);
    expect(ranged.map((f) => f.sourceRanges!.length).sort()).toEqual([1, 2]);
    expect(ranged.flatMap((f) => f.sourceRanges!).sort()).toEqual([
      '192.0.2.0/28',
      '198.51.100.0/28',
      '203.0.113.0/28',
    ]);
    expect(ranged.every((f) => f.targetTags!.length === 2)).toBe(true);
  });

  it('GIVEN more classes than a rule targets WHEN compiled THEN the shared rule is chunked by targetTagsPerRule', () => {
    const { desired } = compileGcp(computeReach(policy, workloads), {
      deploymentId: 'prod',
      limits: { gcp: { targetTagsPerRule: 1 } },
    });
    const egress = desired.firewalls.map((f) => f.firewall).filter((f) => f.direction === 'EGRESS' && f.allowed);
    expect(egress.map((f) => f.targetTags!.length)).toEqual([1, 1]);
  });
});
