/**
 * verify under spec.endToEnd: an ingress wider than the intent is no disagreement when the
 * source's enforced egress denies the flow (counted in `endToEnd`); the same native state judged
 * against the policy without the mode shows those ingress checks as disagreements.
 */
import { describe, expect, it } from 'vitest';
import { readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { verify } from '../../../core/verify/index.ts';
import { estateOf } from '../../helpers/arbitraries.ts';

const policyText = (extra: string) => `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: t }
spec:
${extra}  defaults: { egress: deny, unlabeled: ignore }
  segments:
    - { name: dns, selector: "tier == 'dns'" }
    - { name: web, selector: "tier == 'web'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: web-dns, from: web, to: dns, ports: [udp/53] }
`;

describe('verify: end-to-end mode judges enforced pairs as egress ∧ ingress', () => {
  it('GIVEN dns widened over db WHEN verified THEN no disagreement, the held checks are counted, and without the mode they are disagreements', async () => {
    // dns in vpc-a (10.10); web and db interleaved in vpc-b (10.11), so dns admits 10.11.1.x as one CIDR.
    const instances = [
      { network: 0, labels: { tier: 'dns' } },
      ...Array.from({ length: 6 }, (_, i) => ({ network: 1, labels: { tier: i % 2 ? 'db' : 'web' } })),
    ];
    const policy = parsePolicy(policyText('  endToEnd: { ranges: [10.11.0.0/16] }\n'), 'p.yaml');
    const clouds = Sandbox.fromEstate(estateOf(instances, () => 1)).clouds();
    const { last } = await reconcile(policy, clouds, { deploymentId: 'e2e' });
    expect(last.plan.findings.some((f) => f.code === 'end-to-end-widened')).toBe(true);
    const world = await readWorld(clouds);
    const withMode = verify(policy, world.inventory, world.state, { ports: [{ protocol: 'udp', port: 53 }] });
    expect(withMode.disagreements).toEqual([]);
    // web at 10.11.1.11, .13, .15 and db at .12, .14, .16: dns admits 10.11.1.8/29, so db .12 and
    // .14 reach dns's ingress on udp/53 and are refused by their own egress.
    expect(withMode.endToEnd).toBe(2);
    const without = parsePolicy(policyText(''), 'p.yaml');
    const strict = verify(without, world.inventory, world.state, { ports: [{ protocol: 'udp', port: 53 }] });
    expect(strict.endToEnd).toBeUndefined();
    expect(strict.disagreements.map((d) => `${d.side} ${d.intended} ${d.actual}`)).toEqual(
      Array(2).fill('ingress false true'),
    );
  });
});
