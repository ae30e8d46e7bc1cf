import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSetAlgebraLaws } from '../../helpers/set-laws.ts';
import { PortSet, formatPortSpec, parsePortSpec, type PortSetEntry, type PortSpec } from '../../../core/model/ports.ts';

const RUNS = { numRuns: 400 };
/** Ports cluster at the interesting edges (0, 1, around 22, the top) so ranges collide. */
const port = fc.oneof(
  fc.constantFrom(0, 1, 2, 21, 22, 23, 65534, 65535),
  fc.integer({ min: 0, max: 30 }),
  fc.integer({ min: 0, max: 65535 }),
);
const entry: fc.Arbitrary<PortSetEntry> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), port, port)
      .map(([protocol, a, b]) => ({ protocol, from: Math.min(a, b), to: Math.max(a, b) })),
  },
  { weight: 1, arbitrary: fc.constant<PortSetEntry>({ protocol: 'icmp' }) },
  { weight: 1, arbitrary: fc.constant<PortSetEntry>({ protocol: 'others' }) },
  { weight: 1, arbitrary: fc.constant<PortSetEntry>({ protocol: 'any' }) },
);
const entries = fc.array(entry, { maxLength: 6 });

/** Every kind of element: a tcp/udp port, icmp, or some other IP protocol. */
type Element = { kind: 'tcp' | 'udp'; port: number } | { kind: 'icmp' } | { kind: 'others' };
function inEntries(list: readonly PortSetEntry[], e: Element): boolean {
  return list.some((s) => {
    if (s.protocol === 'any') return true;
    if (s.protocol !== e.kind) return false;
    return !('from' in s) || ('port' in e && s.from <= e.port && e.port <= s.to);
  });
}
function inSet(s: PortSet, e: Element): boolean {
  if (e.kind === 'others') return s.others;
  return e.kind === 'icmp' ? s.has('icmp') : s.has(e.kind, e.port);
}
function elements(lists: ReadonlyArray<readonly PortSetEntry[]>, extra: number[]): Element[] {
  const ps = new Set<number>([0, 65535, ...extra]);
  for (const l of lists)
    for (const s of l)
      if ('from' in s) for (const p of [s.from - 1, s.from, s.from + 1, s.to - 1, s.to, s.to + 1]) ps.add(p);
  const valid = [...ps].filter((p) => p >= 0 && p <= 65535);
  return [
    { kind: 'icmp' },
    { kind: 'others' },
    ...valid.flatMap((p): Element[] => [
      { kind: 'tcp', port: p },
      { kind: 'udp', port: p },
    ]),
  ];
}
function assertCanonical(s: PortSet): void {
  for (const list of [s.tcp, s.udp]) {
    list.forEach(([lo, hi], i) => {
      expect(0 <= lo && lo <= hi && hi <= 65535).toBe(true);
      const prev = list[i - 1];
      if (prev) expect(lo > prev[1] + 1).toBe(true);
    });
  }
}

describe('PortSet is an exact boolean algebra', () => {
  it('agrees with per-element membership for union, intersect, subtract', () => {
    fc.assert(
      fc.property(entries, entries, fc.array(port, { maxLength: 4 }), (a, b, extra) => {
        const A = PortSet.fromSpecs(a);
        const B = PortSet.fromSpecs(b);
        const ops = { union: A.union(B), intersect: A.intersect(B), subtract: A.subtract(B) };
        [A, B, ...Object.values(ops)].forEach(assertCanonical);
        for (const e of elements([a, b], extra)) {
          const [ina, inb] = [inEntries(a, e), inEntries(b, e)];
          expect(inSet(A, e)).toBe(ina);
          expect(inSet(ops.union, e)).toBe(ina || inb);
          expect(inSet(ops.intersect, e)).toBe(ina && inb);
          expect(inSet(ops.subtract, e)).toBe(ina && !inb);
        }
      }),
      RUNS,
    );
  });

  it('satisfies the algebra laws', () => {
    fc.assert(
      fc.property(entries, entries, (a, b) => {
        const [A, B, all] = [PortSet.fromSpecs(a), PortSet.fromSpecs(b), PortSet.all()];
        expectSetAlgebraLaws(A, B, all);
        expect(A.union(all).isAll()).toBe(true);
        expect(A.intersect(PortSet.empty()).isEmpty()).toBe(true);
      }),
      RUNS,
    );
  });

  it('has(protocol) without a port means every port of it', () => {
    fc.assert(
      fc.property(entries, (a) => {
        const A = PortSet.fromSpecs(a);
        for (const p of ['tcp', 'udp'] as const) {
          expect(A.has(p)).toBe(
            A.intersect(PortSet.fromSpecs([{ protocol: p, from: 0, to: 65535 }])).equals(
              PortSet.fromSpecs([{ protocol: p, from: 0, to: 65535 }]),
            ),
          );
        }
      }),
      RUNS,
    );
  });
});

describe('canonical forms', () => {
  it('key() is equal iff the sets are equal', () => {
    fc.assert(
      fc.property(entries, entries, (a, b) => {
        const [A, B] = [PortSet.fromSpecs(a), PortSet.fromSpecs(b)];
        expect(A.key() === B.key()).toBe(A.equals(B));
        // Same set, built another way: same key.
        const again = PortSet.fromSpecs([...a].reverse()).union(PortSet.empty());
        expect(again.key()).toBe(A.key());
        expect(A.union(B).key()).toBe(B.union(A).key());
      }),
      RUNS,
    );
  });

  it('toSpecs round-trips, is minimal, and never drops "others"', () => {
    fc.assert(
      fc.property(entries, (a) => {
        const A = PortSet.fromSpecs(a);
        const specs = A.toSpecs();
        expect(PortSet.fromSpecs(specs).equals(A)).toBe(true);
        expect(specs.some((s) => s.protocol === 'any')).toBe(A.isAll());
        if (A.isAll()) expect(specs).toEqual([{ protocol: 'any' }]);
        else expect(specs).toHaveLength(A.tcp.length + A.udp.length + (A.icmp ? 1 : 0) + (A.others ? 1 : 0));
        if (A.others && !A.isAll()) expect(specs.at(-1)).toEqual({ protocol: 'others' });
      }),
      RUNS,
    );
  });
});

describe('spec text', () => {
  const writable = fc.oneof(
    fc
      .tuple(
        fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: 1, max: 65535 }),
      )
      .map(([protocol, a, b]): PortSpec => ({ protocol, from: Math.min(a, b), to: Math.max(a, b) })),
    fc.constantFrom<PortSpec>(
      { protocol: 'tcp', from: 0, to: 65535 },
      { protocol: 'udp', from: 0, to: 65535 },
      { protocol: 'icmp' },
      { protocol: 'any' },
    ),
  );

  it('parse(format(spec)) = spec for every spec a policy can write', () => {
    fc.assert(
      fc.property(writable, (s) => {
        expect(parsePortSpec(formatPortSpec(s))).toEqual({ ok: true, value: s });
      }),
      RUNS,
    );
  });

  it('every rejected text has a message, and every text its hint suggests parses', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc
        .tuple(
          fc.constantFrom('tcp', 'udp', 'TCP', 'icmp', 'any', 'sctp', ''),
          fc.constantFrom('/', ':', ' ', '-', ''),
          fc.string({ maxLength: 6 }),
          fc.constantFrom('', '-', ','),
        )
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(junk, (text) => {
        const r = parsePortSpec(text);
        if (r.ok) {
          expect(formatPortSpec(r.value)).toBe(text.replace(/^(tcp|udp)\/(\d+)-\2$/, '$1/$2'));
          return;
        }
        expect(r.message.length).toBeGreaterThan(0);
        // Every quoted suggestion in a hint must itself be valid: a hint never leads to another error.
        for (const [, quoted] of (r.hint ?? '').matchAll(/"([^"]*)"/g))
          expect([quoted, parsePortSpec(quoted ?? '').ok]).toEqual([quoted, true]);
      }),
      { numRuns: 1000 },
    );
  });
});
