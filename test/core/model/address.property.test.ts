import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSetAlgebraLaws } from '../../helpers/set-laws.ts';
import {
  AddressSet,
  cidrRange,
  familyBits,
  formatAddress,
  formatCidr,
  parseAddress,
  parseCidr,
  type Cidr,
  type Family,
} from '../../../core/model/address.ts';

type R = readonly [bigint, bigint];
const RUNS = { numRuns: 300 };
const max = (f: Family): bigint => (1n << BigInt(familyBits(f))) - 1n;

/** Points cluster at both ends of the space so random ranges overlap, touch and hit the edges. */
const point = (f: Family): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.bigInt({ min: 0n, max: 40n }),
    fc.bigInt({ min: max(f) - 40n, max: max(f) }),
    fc.bigInt({ min: 0n, max: max(f) }),
  );
const range = (f: Family): fc.Arbitrary<R> =>
  fc.tuple(point(f), point(f)).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as R);
const rawList = (f: Family): fc.Arbitrary<R[]> => fc.array(range(f), { maxLength: 8 });
const family = fc.constantFrom<Family>('ipv4', 'ipv6');

const inRaw = (raw: readonly R[], x: bigint): boolean => raw.some(([lo, hi]) => lo <= x && x <= hi);
/** Probe every range edge and its neighbours, plus random points. */
function probes(f: Family, lists: ReadonlyArray<readonly R[]>, extra: bigint[]): bigint[] {
  const out = new Set<bigint>([0n, max(f), ...extra]);
  for (const list of lists)
    for (const [lo, hi] of list) for (const p of [lo - 1n, lo, lo + 1n, hi - 1n, hi, hi + 1n]) out.add(p);
  return [...out].filter((p) => p >= 0n && p <= max(f));
}

function assertCanonical(s: AddressSet): void {
  const rs = s.ranges();
  rs.forEach(([lo, hi], i) => {
    expect(lo <= hi && lo >= 0n && hi <= max(s.family)).toBe(true);
    const prev = rs[i - 1];
    if (prev) expect(lo > prev[1] + 1n).toBe(true); // disjoint and non-adjacent
  });
}

const algebra = fc.tuple(family).chain(([f]) =>
  fc.record({
    f: fc.constant(f),
    a: rawList(f),
    b: rawList(f),
    extra: fc.array(point(f), { maxLength: 6 }),
  }),
);

describe('AddressSet is an exact boolean algebra', () => {
  it('agrees with per-element membership for union, intersect, subtract', () => {
    fc.assert(
      fc.property(algebra, ({ f, a, b, extra }) => {
        const A = AddressSet.fromRanges(f, a);
        const B = AddressSet.fromRanges(f, b);
        const ops = { union: A.union(B), intersect: A.intersect(B), subtract: A.subtract(B) };
        Object.values(ops).forEach(assertCanonical);
        assertCanonical(A);
        for (const x of probes(f, [a, b], extra)) {
          const [ina, inb] = [inRaw(a, x), inRaw(b, x)];
          expect(A.contains(x)).toBe(ina);
          expect(ops.union.contains(x)).toBe(ina || inb);
          expect(ops.intersect.contains(x)).toBe(ina && inb);
          expect(ops.subtract.contains(x)).toBe(ina && !inb);
        }
      }),
      RUNS,
    );
  });

  it('satisfies the algebra laws and size identities', () => {
    fc.assert(
      fc.property(algebra, ({ f, a, b }) => {
        const A = AddressSet.fromRanges(f, a);
        const B = AddressSet.fromRanges(f, b);
        const all = AddressSet.all(f);
        expectSetAlgebraLaws(A, B, all);
        expect(A.union(B).size() + A.intersect(B).size()).toBe(A.size() + B.size());
        expect(A.size()).toBe(A.ranges().reduce((n, [lo, hi]) => n + hi - lo + 1n, 0n));
        expect(A.isEmpty()).toBe(A.size() === 0n);
      }),
      RUNS,
    );
  });

  it('equals is set equality whatever the construction order', () => {
    fc.assert(
      fc.property(algebra, ({ f, a, b }) => {
        const one = AddressSet.fromRanges(f, [...a, ...b]);
        const two = AddressSet.fromRanges(f, [...b].reverse()).union(AddressSet.fromRanges(f, a));
        expect(one.equals(two)).toBe(true);
        expect(one.ranges()).toEqual(two.ranges());
      }),
      RUNS,
    );
  });
});

/** Independent minimal cover count: walk the prefix tree, counting maximal blocks inside [lo, hi]. */
function treeCover(lo: bigint, hi: bigint, base: bigint, size: bigint): number {
  const end = base + size - 1n;
  if (end < lo || base > hi) return 0;
  if (lo <= base && end <= hi) return 1;
  const half = size / 2n;
  return treeCover(lo, hi, base, half) + treeCover(lo, hi, base + half, half);
}

describe('toCidrs', () => {
  it('covers exactly the set with sorted, disjoint, aligned, minimal CIDRs', () => {
    fc.assert(
      fc.property(algebra, ({ f, a }) => {
        const s = AddressSet.fromRanges(f, a);
        const cidrs = s.toCidrs();
        let total = 0n;
        let prevEnd = -1n;
        for (const c of cidrs) {
          const [lo, hi] = cidrRange(c);
          expect(c.family).toBe(f);
          expect(lo % (hi - lo + 1n)).toBe(0n); // no host bits
          expect(lo > prevEnd).toBe(true); // sorted and non-overlapping
          expect(s.contains(lo) && s.contains(hi)).toBe(true);
          prevEnd = hi;
          total += hi - lo + 1n;
        }
        expect(total).toBe(s.size());
        expect(AddressSet.fromCidrs(f, cidrs).equals(s)).toBe(true);
        const minimal = s.ranges().reduce((n, [lo, hi]) => n + treeCover(lo, hi, 0n, max(f) + 1n), 0);
        expect(cidrs).toHaveLength(minimal);
      }),
      RUNS,
    );
  });
});

describe('address text', () => {
  const value = (f: Family): fc.Arbitrary<bigint> => fc.oneof(point(f), groupsValue);
  /** IPv6 values with many zero groups, where compression choices matter. */
  const groupsValue = fc
    .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    })
    .map((gs) => gs.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n));

  it('parse(format(x)) = x for both families', () => {
    fc.assert(
      fc.property(
        family.chain((f) =>
          fc.tuple(
            fc.constant(f),
            value(f).filter((v) => v <= max(f)),
          ),
        ),
        ([f, v]) => {
          expect(parseAddress(formatAddress(f, v))).toEqual({ ok: true, value: { family: f, value: v } });
        },
      ),
      RUNS,
    );
  });

  it('IPv6 formatting matches the WHATWG URL serializer (RFC 5952) outside ::ffff:0:0/96', () => {
    fc.assert(
      fc.property(
        groupsValue.filter((v) => v >> 32n !== 0xffffn),
        (v) => {
          const text = formatAddress('ipv6', v);
          expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
        },
      ),
      RUNS,
    );
  });

  it('parses every spelling of an IPv6 address: case, leading zeros, any zero run compressed, dotted tail', () => {
    const spelling = fc.record({
      groups: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
      pad: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
      upper: fc.boolean(),
      compress: fc.nat(),
      dotted: fc.boolean(),
    });
    fc.assert(
      fc.property(spelling, ({ groups, pad, upper, compress, dotted }) => {
        const expected = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
        const hex = groups.map((g, i) =>
          g.toString(16).padStart(Math.min(4, g.toString(16).length + (pad[i] ?? 0)), '0'),
        );
        const parts: string[] = upper ? hex.map((h) => h.toUpperCase()) : hex;
        if (dotted)
          parts.splice(6, 2, [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.'));
        const runs = zeroRuns(groups.slice(0, dotted ? 6 : 8));
        const run = runs.length > 0 ? runs[compress % runs.length] : undefined;
        const text = run ? `${parts.slice(0, run[0]).join(':')}::${parts.slice(run[1]).join(':')}` : parts.join(':');
        expect(parseAddress(text)).toEqual({ ok: true, value: { family: 'ipv6', value: expected } });
        expect(new URL(`http://[${text}]/`).hostname.replace(/[[\]]/g, '')).toBe(formatAddressPlainV6(expected));
      }),
      RUNS,
    );
  });

  it('parseCidr accepts exactly the aligned networks and hints the enclosing one otherwise', () => {
    const arb = family.chain((f) =>
      fc.record({ f: fc.constant(f), v: point(f), prefix: fc.integer({ min: 0, max: familyBits(f) }) }),
    );
    fc.assert(
      fc.property(arb, ({ f, v, prefix }) => {
        const size = 1n << BigInt(familyBits(f) - prefix);
        const base = v - (v % size);
        const r = parseCidr(`${formatAddress(f, v)}/${prefix}`);
        if (base === v) {
          expect(r).toEqual({ ok: true, value: { family: f, base, prefix } });
          expect(formatCidr(r.ok ? r.value : ({} as Cidr))).toBe(`${formatAddress(f, v)}/${prefix}`);
        } else {
          expect(r).toEqual({
            ok: false,
            message: expect.stringMatching(/host bits/),
            hint: `did you mean "${formatAddress(f, base)}/${prefix}"?`,
          });
        }
      }),
      RUNS,
    );
  });
});

/** Maximal runs of zero groups as [start, end) pairs. */
function zeroRuns(groups: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < groups.length; i++) {
    if (groups[i] !== 0) continue;
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    runs.push([i, j]);
    i = j;
  }
  return runs;
}

/** The URL serializer never uses a dotted tail, so compare against our formatting without one. */
function formatAddressPlainV6(v: bigint): string {
  if (v >> 32n !== 0xffffn) return formatAddress('ipv6', v);
  return `::ffff:${((v >> 16n) & 0xffffn).toString(16)}:${(v & 0xffffn).toString(16)}`;
}

describe('diagnostics', () => {
  it('every rejected text has a message, and every text its hint suggests parses', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 14 }),
      fc.stringMatching(/^ ?[0-9]{1,4}(\.[0-9]{1,4}){0,4}(\/[0-9]{0,3})? ?$/),
      fc.stringMatching(/^ ?\[?[0-9a-fA-F:]{0,14}(%[a-z0-9]{1,3})?\]?(\/[0-9]{0,3})? ?$/),
    );
    fc.assert(
      fc.property(junk, (text) => {
        const r = parseCidr(text);
        if (r.ok) return;
        expect(r.message.length).toBeGreaterThan(0);
        // Every quoted suggestion in a hint must itself be valid: a hint never leads to another error.
        for (const [, quoted] of (r.hint ?? '').matchAll(/"([^"]*)"/g))
          expect([quoted, parseCidr(quoted ?? '').ok]).toEqual([quoted, true]);
      }),
      { numRuns: 2000 },
    );
  });
});
