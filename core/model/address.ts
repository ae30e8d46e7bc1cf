/**
 * IPv4/IPv6 addresses, CIDRs and exact address sets. Pure: no I/O, no clock, no randomness.
 *
 * Parsing and formatting live in ip.ts and are re-exported here (import from this module).
 * Invariants (an exact firewall compiler depends on them: never widen, never drop):
 * - see ip.ts for text: strict parsing with hints, canonical RFC 5952 formatting, no host bits;
 * - `AddressSet` is immutable and holds one family as sorted, disjoint, non-adjacent inclusive
 *   ranges (ranges.ts), so equality is structural, every operation is a linear merge, and
 *   `toCidrs` returns the unique minimal exact cover (merge only adjacent ranges, never widen).
 *
 * In the examples, `net('10.0.0.0/8')` stands for the value of a successful `parseCidr`.
 */
import { BITS, cidrRange, pow2, type Cidr, type Family } from './ip.ts';
import { BIGINT_RANGES, type Range } from './ranges.ts';

export {
  cidrContains,
  cidrRange,
  familyBits,
  formatAddress,
  formatCidr,
  parseAddress,
  parseCidr,
  splitByFamily,
} from './ip.ts';
export type { Cidr, Family, Parsed } from './ip.ts';

/**
 * An exact set of addresses of one family as sorted, disjoint, non-adjacent inclusive ranges.
 * Immutable. Combining sets of different families is a bug and throws.
 *
 * @example
 * const ok = AddressSet.fromCidrs('ipv4', [net('10.0.0.0/8')]).subtract(AddressSet.fromCidrs('ipv4', [net('10.0.0.0/9')]));
 * ok.toCidrs().map(formatCidr); // ['10.128.0.0/9']
 */
export class AddressSet {
  private constructor(
    readonly family: Family,
    private readonly list: ReadonlyArray<Range<bigint>>,
  ) {}

  // Shared because they are immutable; built once when the class is defined.
  private static readonly EMPTY = {
    ipv4: new AddressSet('ipv4', Object.freeze([])),
    ipv6: new AddressSet('ipv6', Object.freeze([])),
  };
  private static readonly ALL = {
    ipv4: new AddressSet('ipv4', Object.freeze([Object.freeze([0n, pow2(32) - 1n] as const)])),
    ipv6: new AddressSet('ipv6', Object.freeze([Object.freeze([0n, pow2(128) - 1n] as const)])),
  };

  /** @example AddressSet.empty('ipv4').isEmpty(); // true */
  static empty(family: Family): AddressSet {
    return AddressSet.EMPTY[family];
  }

  /** @example AddressSet.all('ipv6').size(); // 2n ** 128n */
  static all(family: Family): AddressSet {
    return AddressSet.ALL[family];
  }

  /**
   * The addresses of CIDRs of this family (others are ignored). Sorts once: O(n log n).
   *
   * @example
   * AddressSet.fromCidrs('ipv4', [net('10.0.0.0/24'), net('10.0.1.0/24')]).toCidrs(); // [10.0.0.0/23]
   */
  static fromCidrs(family: Family, cidrs: Iterable<Cidr>): AddressSet {
    const ranges: Array<Range<bigint>> = [];
    for (const c of cidrs) if (c.family === family) ranges.push(cidrRange(c));
    return new AddressSet(family, BIGINT_RANGES.normalize(ranges));
  }

  /**
   * From inclusive ranges in any order (overlaps and adjacency allowed). Throws RangeError on a
   * range with lo > hi or outside the family: that is a caller bug, never user input.
   *
   * @example
   * AddressSet.fromRanges('ipv4', [[10n, 20n], [21n, 30n]]).ranges(); // [[10n, 30n]]
   */
  static fromRanges(family: Family, ranges: Iterable<readonly [bigint, bigint]>): AddressSet {
    const max = pow2(BITS[family]) - 1n;
    const list = [...ranges];
    for (const [lo, hi] of list) {
      if (lo < 0n || hi > max || lo > hi) throw new RangeError(`[${lo}, ${hi}] is not a valid ${family} range`);
    }
    return new AddressSet(family, BIGINT_RANGES.normalize(list));
  }

  /** The canonical ranges (frozen; safe to keep). @example AddressSet.all('ipv4').ranges(); // [[0n, 4294967295n]] */
  ranges(): ReadonlyArray<readonly [bigint, bigint]> {
    return this.list;
  }

  /** @example a.union(b).contains(x) === (a.contains(x) || b.contains(x)) */
  union(o: AddressSet): AddressSet {
    return new AddressSet(this.family, BIGINT_RANGES.union(this.list, this.same(o).list));
  }

  /** @example a.intersect(b).contains(x) === (a.contains(x) && b.contains(x)) */
  intersect(o: AddressSet): AddressSet {
    return new AddressSet(this.family, BIGINT_RANGES.intersect(this.list, this.same(o).list));
  }

  /** @example a.subtract(b).contains(x) === (a.contains(x) && !b.contains(x)) */
  subtract(o: AddressSet): AddressSet {
    return new AddressSet(this.family, BIGINT_RANGES.subtract(this.list, this.same(o).list));
  }

  /** O(log ranges). @example AddressSet.all('ipv4').contains(1n); // true */
  contains(value: bigint): boolean {
    return BIGINT_RANGES.contains(this.list, value);
  }

  /** @example AddressSet.empty('ipv6').isEmpty(); // true */
  isEmpty(): boolean {
    return this.list.length === 0;
  }

  /** Same family and same addresses. @example AddressSet.empty('ipv4').equals(AddressSet.empty('ipv6')); // false */
  equals(o: AddressSet): boolean {
    return this.family === o.family && BIGINT_RANGES.equal(this.list, o.list);
  }

  /** Number of addresses. @example AddressSet.fromCidrs('ipv4', [net('10.0.0.0/24')]).size(); // 256n */
  size(): bigint {
    return this.list.reduce((n, [lo, hi]) => n + hi - lo + 1n, 0n);
  }

  /**
   * The minimal exact CIDR cover, sorted by base: O(ranges × bits).
   *
   * @example
   * AddressSet.fromRanges('ipv4', [[1n, 6n]]).toCidrs().map(formatCidr); // ['0.0.0.1/32', '0.0.0.2/31', '0.0.0.4/31', '0.0.0.6/32']
   */
  toCidrs(): Cidr[] {
    const out: Cidr[] = [];
    for (const [lo, hi] of this.list) coverRange(this.family, lo, hi, out);
    return out;
  }

  private same(o: AddressSet): AddressSet {
    if (o.family !== this.family) throw new TypeError(`cannot combine an ${this.family} set with an ${o.family} set`);
    return o;
  }
}

/**
 * Greedy largest-aligned-block cover of [lo, hi] (provably minimal). Block size 2^k first only
 * grows, then only shrinks, so each range costs O(bits) steps rather than O(bits²): after
 * emitting an aligned 2^k block the next start is still 2^k-aligned, and once a block had to
 * shrink, what is left is smaller than the block just emitted.
 */
function coverRange(family: Family, lo: bigint, hi: bigint, out: Cidr[]): void {
  const bits = BITS[family];
  let k = 0;
  let start = lo;
  while (start <= hi) {
    while (k > 0 && start + pow2(k) - 1n > hi) k--;
    while (k < bits && start % pow2(k + 1) === 0n && start + pow2(k + 1) - 1n <= hi) k++;
    out.push({ family, base: start, prefix: bits - k });
    start += pow2(k);
  }
}
