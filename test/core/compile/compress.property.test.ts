/**
 * Address compression (core/compile/compress.ts) under segment-aligned address plans:
 * - pure: never drops a member, never admits a known non-member, never needs more CIDRs, never
 *   spans an unused block unless the plan admits them, and counts what it admits;
 * - end to end: random policies × random segment-aligned estates (some hosts misplaced), with
 *   spec.addressPlans, applied to the sandbox clouds: verify finds no disagreement between two
 *   workloads, and every disagreement with a bare address is an address inside a CIDR the plan
 *   lists as compressed (the trade the user opted into: addresses not yet allocated).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanBlockedError, readWorld, reconcile } from '../../../adapters/reconcile.ts';
import type { Estate } from '../../../adapters/sandbox/estate-types.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { candidateCidrs, compressAddresses } from '../../../core/compile/compress.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import { AddressSet, cidrContains, parseAddress, parseCidr, type Cidr } from '../../../core/model/address.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { verify } from '../../../core/verify/index.ts';
import { estateOf, labelsArb, NETWORKS, policyArb } from '../../helpers/arbitraries.ts';

const net = (text: string): Cidr => {
  const p = parseCidr(text);
  if (!p.ok) throw new Error(p.message);
  return p.value;
};
const BASE = 0x0a010000n; // 10.1.0.0: a /22 of four /24 blocks, addresses drawn inside and just around it

/** Known addresses (some members) in and around 10.1.0.0/22, and a block size from /30 to /22. */
const pureArb = fc.record({
  known: fc.uniqueArray(fc.bigInt({ min: BASE - 64n, max: BASE + 1024n + 63n }), { minLength: 1, maxLength: 60 }),
  memberBits: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
  blockPrefix: fc.integer({ min: 22, max: 30 }),
  admit: fc.boolean(),
});

describe('compressAddresses: exact for every known address', () => {
  it('GIVEN random known addresses and members WHEN compressed THEN no member is dropped, no known non-member admitted, never more CIDRs', () => {
    let compressed = 0;
    fc.assert(
      fc.property(pureArb, ({ known, memberBits, blockPrefix, admit }) => {
        const sorted = [...known].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const members = sorted.filter((_, i) => memberBits[i]);
        const set = AddressSet.fromRanges(
          'ipv4',
          members.map((v) => [v, v] as const),
        );
        const plans = [
          { cidrs: [net('10.1.0.0/22')], blockPrefix, unusedBlocks: admit ? ('admit' as const) : ('exclude' as const) },
        ];
        const r = compressAddresses(set, sorted, candidateCidrs(set, plans));
        for (const m of members) expect(r.set.contains(m)).toBe(true);
        for (const k of sorted) expect(r.set.contains(k)).toBe(set.contains(k));
        expect(r.set.toCidrs().length).toBeLessThanOrEqual(set.toCidrs().length);
        // What each compression admits is exactly what it adds.
        const added = r.set.subtract(set).size();
        expect(r.compressions.reduce((s, c) => s + c.admits, 0n)).toBe(added);
        // Unless the plan admits unused blocks, a compression only spans blocks already in use;
        // either way it says how many of its addresses lie in unused blocks.
        const size = 1n << BigInt(32 - blockPrefix);
        for (const c of r.compressions) {
          let unused = 0n;
          for (let b = c.cidr.base; b < c.cidr.base + (1n << BigInt(32 - c.cidr.prefix)); b += size)
            if (!sorted.some((k) => k >= b && k < b + size)) unused += size;
          expect(c.unusedBlockAddresses ?? 0n).toBe(unused);
          if (!admit) expect(unused).toBe(0n);
        }
        if (r.compressions.length > 0) compressed++;
      }),
      { numRuns: 500 },
    );
    expect(compressed).toBeGreaterThan(50);
  });

  it('GIVEN two members alone in their /24 and one outsider in the next WHEN compressed THEN the /24 is written, the next block is not', () => {
    const a = (s: string) => {
      const p = parseAddress(s);
      if (!p.ok) throw new Error(p.message);
      return p.value.value;
    };
    const members = [a('10.1.5.4'), a('10.1.5.9'), a('10.1.6.4'), a('10.1.6.20')];
    const known = [...members, a('10.1.6.7')].sort((x, y) => (x < y ? -1 : 1));
    const set = AddressSet.fromRanges(
      'ipv4',
      members.map((v) => [v, v] as const),
    );
    const plans = [{ cidrs: [net('10.1.0.0/16')], blockPrefix: 24, unusedBlocks: 'exclude' as const }];
    const r = compressAddresses(set, known, candidateCidrs(set, plans));
    expect(r.set.toCidrs().map((c) => `${c.base}/${c.prefix}`)).toEqual([
      `${a('10.1.5.0')}/24`,
      `${a('10.1.6.4')}/32`,
      `${a('10.1.6.20')}/32`,
    ]);
    expect(r.compressions).toEqual([{ cidr: net('10.1.5.0/24'), members: 2, admits: 254n, unusedBlockAddresses: 0n }]);
  });
});

const COMBOS = ['shop', 'crm'].flatMap((app) =>
  ['web', 'app', 'db'].flatMap((tier) => ['prod', 'dev'].map((env) => `${app}|${tier}|${env}`)),
);

/** Each label combination gets its own /24 in each network; a misplaced host lands in another's block. */
function alignedEstate(
  instances: ReadonlyArray<{ network: number; labels: Record<string, string>; misplaced: number }>,
): Estate {
  return estateOf(instances, (inst) => {
    const key = `${inst.labels.app}|${inst.labels.tier}|${inst.labels.env}`;
    return inst.misplaced > 0 ? inst.misplaced : 1 + COMBOS.indexOf(key) + 1;
  });
}

const alignedArb = fc.array(
  fc.record({
    network: fc.nat({ max: NETWORKS.length - 1 }),
    labels: labelsArb,
    misplaced: fc.integer({ min: 0, max: 4 }).map((n) => (n === 0 ? 1 + COMBOS.length : 0)),
  }),
  { minLength: 2, maxLength: 14 },
);

const withPlans = (text: string, blockPrefix: number, unused: string) =>
  text.replace(
    'spec:\n',
    `spec:\n  addressPlans: [{ cidrs: [10.0.0.0/8], blockPrefix: ${blockPrefix}, unusedBlocks: ${unused} }]\n`,
  );

describe('address plans end to end: exact for every workload segsync knows', () => {
  it('GIVEN random policies on segment-aligned estates with spec.addressPlans WHEN applied THEN workload↔workload flows agree and every other disagreement is an admitted address the plan lists', async () => {
    const RUNS = 30;
    let applied = 0;
    let compressions = 0;
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        alignedArb,
        fc.constantFrom(24, 23, 16),
        fc.constantFrom('exclude', 'admit'),
        async (policyText, instances, blockPrefix, unused) => {
          const policy = parsePolicy(withPlans(policyText, blockPrefix, unused), 'generated.yaml');
          const clouds = Sandbox.fromEstate(alignedEstate(instances)).clouds();
          let findings;
          try {
            findings = (await reconcile(policy, clouds, { deploymentId: 'plans' })).last.plan.findings;
          } catch (e) {
            if (e instanceof QuotaExceededError || e instanceof PlanBlockedError) return;
            throw e;
          }
          applied++;
          const admitted = findings.filter((f) => f.code === 'address-compressed').map((f) => net(f.target));
          compressions += admitted.length;
          const world = await readWorld(clouds);
          const workloadIds = new Set(world.inventory.workloads.map((w) => w.id));
          const result = verify(policy, world.inventory, world.state);
          for (const d of result.disagreements) {
            const bare = [d.flow.src, d.flow.dst].filter((x) => !workloadIds.has(x));
            expect(bare, `${d.flow.src} → ${d.flow.dst}`).toHaveLength(1);
            const address = parseAddress(bare[0]!);
            expect(address.ok && admitted.some((c) => cidrContains(c, address.value.family, address.value.value))).toBe(
              true,
            );
            expect(d.actual && !d.intended).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(applied).toBeGreaterThan(RUNS / 2);
    expect(compressions).toBeGreaterThan(0);
  }, 180_000);
});
