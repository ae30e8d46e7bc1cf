/**
 * Address compression under segment-aligned address plans (policy `spec.addressPlans`,
 * docs/address-plans.md). Pure and deterministic.
 *
 * A member address set (the addresses of a peer class's members, which follow membership) may be
 * written as a subnet or network CIDR instead of its members when every address segsync knows
 * inside that CIDR belongs to the set. What the CIDR admits beyond the set is addresses no known
 * workload holds (not yet allocated): the trade the user opts into per network by declaring the
 * network's address plan. Invariants (the property test in test/core/compile/compress.property.test.ts):
 * - never drops a member: the input set is a subset of the output;
 * - never admits a known non-member: every known address in the output was in the input;
 * - a candidate is used only when it needs fewer CIDRs than the members it replaces.
 * Only member sets are compressed: policy regions (externals, `cidrs` peers) are written as the
 * policy says.
 */
import { AddressSet, cidrRange, formatCidr, parseAddress, type Cidr, type Family } from '../model/address.ts';
import { compareStrings, partitionPoint } from '../model/compare.ts';
import type { Cloud } from '../model/cloud.ts';
import type { Finding } from '../model/finding.ts';
import type { AddressPlan, Policy } from '../policy/types.ts';
import type { Reach } from './reach.ts';
import { EndToEndWidener, type SetContext } from './end-to-end.ts';

export type { SetContext } from './end-to-end.ts';

/** One CIDR written instead of the members of a set inside it. */
export interface Compression {
  cidr: Cidr;
  /** Known addresses inside the CIDR (all of them members of the set). */
  members: number;
  /** Addresses inside the CIDR that were not in the set: none is held by a known workload. */
  admits: bigint;
  /** Of them, addresses in blocks no known workload uses yet (undefined: too many blocks to count). */
  unusedBlockAddresses?: bigint;
}

export interface Compressed {
  set: AddressSet;
  compressions: Compression[];
}

/**
 * A CIDR the set may be written as, cut into aligned blocks of prefix `block`. `usedOnly`: every
 * block inside must hold a known address, so the CIDR admits only unallocated addresses of blocks
 * already in use (by the plan, member segments' own blocks), never a block a new segment may get.
 */
export interface Candidate {
  cidr: Cidr;
  block: number;
  usedOnly: boolean;
}

/** Blocks counted at most per candidate; a usedOnly candidate with more is not tried. */
const MAX_BLOCKS_PER_CANDIDATE = 4096n;

/**
 * Writes `set` with fewer CIDRs where a candidate holds only members among the known addresses.
 * `known` is every address segsync knows of the set's family, sorted ascending, without
 * duplicates. Larger candidates are tried first; one inside a chosen candidate is not tried.
 *
 * @example
 * // members 10.1.5.4 and 10.1.5.9, nothing else known in 10.1.5.0/24:
 * compressAddresses(members, [a4, a9, b7], [{ cidr: net('10.1.5.0/24'), block: 24, usedOnly: true }]).set.toCidrs(); // [10.1.5.0/24]
 */
export function compressAddresses(
  set: AddressSet,
  known: readonly bigint[],
  candidates: readonly Candidate[],
): Compressed {
  const bits = set.family === 'ipv4' ? 32 : 128;
  const order = candidates
    .filter((c) => c.cidr.family === set.family)
    .sort(
      (a, b) => a.cidr.prefix - b.cidr.prefix || (a.cidr.base < b.cidr.base ? -1 : a.cidr.base > b.cidr.base ? 1 : 0),
    );
  const chosen = new Set<string>();
  const chosenPrefixes = new Set<number>();
  const compressions: Compression[] = [];
  const ranges = set.ranges();
  for (const { cidr: c, block, usedOnly } of order) {
    if (insideChosen(c, bits, chosen, chosenPrefixes)) continue;
    const [lo, hi] = cidrRange(c);
    const inside = clip(ranges, lo, hi);
    // One CIDR already (or nothing): writing the candidate would only admit more.
    if (inside.length === 0 || AddressSet.fromRanges(set.family, inside).toCidrs().length < 2) continue;
    const unused = unusedBlocks(known, lo, hi, 1n << BigInt(bits - block));
    if (usedOnly && unused !== 0n) continue;
    // Exact for every known address: the known ones inside are exactly the known members inside.
    const knownInside = lowerBound(known, hi + 1n) - lowerBound(known, lo);
    const knownMembers = inside.reduce((n, [a, b]) => n + lowerBound(known, b + 1n) - lowerBound(known, a), 0);
    if (knownInside !== knownMembers) continue;
    chosen.add(`${c.base}/${c.prefix}`);
    chosenPrefixes.add(c.prefix);
    const size = inside.reduce((n, [a, b]) => n + b - a + 1n, 0n);
    compressions.push({
      cidr: c,
      members: knownMembers,
      admits: hi - lo + 1n - size,
      ...(unused !== undefined ? { unusedBlockAddresses: unused * (1n << BigInt(bits - block)) } : {}),
    });
  }
  if (compressions.length === 0) return { set, compressions };
  return {
    set: set.union(
      AddressSet.fromCidrs(
        set.family,
        compressions.map((x) => x.cidr),
      ),
    ),
    compressions,
  };
}

/** Whether an aligned ancestor of `c` was chosen already (chosen CIDRs are keyed `${base}/${prefix}`). */
function insideChosen(c: Cidr, bits: number, chosen: Set<string>, prefixes: Set<number>): boolean {
  for (const q of prefixes) {
    if (q >= c.prefix) continue;
    const size = 1n << BigInt(bits - q);
    if (chosen.has(`${c.base - (c.base % size)}/${q}`)) return true;
  }
  return false;
}

/** The set's ranges inside [lo, hi], clipped to it. */
function clip(ranges: ReadonlyArray<readonly [bigint, bigint]>, lo: bigint, hi: bigint): Array<[bigint, bigint]> {
  const a = partitionPoint(ranges.length, (i) => ranges[i]![1] < lo);
  const out: Array<[bigint, bigint]> = [];
  for (let i = a; i < ranges.length && ranges[i]![0] <= hi; i++) {
    const [x, y] = ranges[i]!;
    out.push([x < lo ? lo : x, y > hi ? hi : y]);
  }
  return out;
}

/** How many aligned blocks of `size` addresses in [lo, hi] hold no known address (undefined: too many to count). */
function unusedBlocks(known: readonly bigint[], lo: bigint, hi: bigint, size: bigint): bigint | undefined {
  if ((hi - lo + 1n) / size > MAX_BLOCKS_PER_CANDIDATE) return undefined;
  let unused = 0n;
  for (let b = lo; b <= hi; b += size) {
    const i = lowerBound(known, b);
    if (i >= known.length || known[i]! > b + size - 1n) unused++;
  }
  return unused;
}

/**
 * The candidates the plans offer for a set: each plan CIDR that holds members (the network's
 * range), each block holding members, and each aligned union of blocks between the two; unless
 * the plan says `unusedBlocks: admit`, each must have every block in use. Blocks are enumerated across a range only up to MAX_BLOCKS_PER_RANGE
 * (a block strictly inside a range is already one CIDR of the set; only unions need them).
 */
export function candidateCidrs(set: AddressSet, plans: readonly AddressPlan[]): Candidate[] {
  const out = new Map<string, Candidate>();
  const bits = set.family === 'ipv4' ? 32 : 128;
  for (const plan of plans) {
    for (const p of plan.cidrs) {
      if (p.family !== set.family) continue;
      const [plo, phi] = cidrRange(p);
      const inside = clip(set.ranges(), plo, phi);
      if (inside.length === 0) continue;
      const usedOnly = plan.unusedBlocks !== 'admit';
      const block = Math.max(plan.blockPrefix, p.prefix);
      out.set(`${p.base}/${p.prefix}`, { cidr: p, block, usedOnly });
      if (plan.blockPrefix <= p.prefix) continue;
      const size = 1n << BigInt(bits - plan.blockPrefix);
      const blocks = new Set<bigint>();
      for (const [lo, hi] of inside) {
        const first = lo - (lo % size);
        const last = hi - (hi % size);
        if ((last - first) / size > MAX_BLOCKS_PER_RANGE) blocks.add(first).add(last);
        else for (let b = first; b <= last; b += size) blocks.add(b);
      }
      for (const b of blocks) {
        const cidr: Cidr = { family: set.family, base: b, prefix: plan.blockPrefix };
        out.set(`${b}/${plan.blockPrefix}`, { cidr, block, usedOnly });
        for (let q = plan.blockPrefix - 1; q > p.prefix; q--) {
          const s = 1n << BigInt(bits - q);
          const base = b - (b % s);
          const key = `${base}/${q}`;
          if (out.has(key)) break;
          out.set(key, { cidr: { family: set.family, base, prefix: q }, block, usedOnly });
        }
      }
    }
  }
  return [...out.values()];
}

const MAX_BLOCKS_PER_RANGE = 1024n;

/** First index whose value is ≥ x (values sorted ascending). */
function lowerBound(values: readonly bigint[], x: bigint): number {
  return partitionPoint(values.length, (i) => values[i]! < x);
}

interface KnownIndex {
  addresses: Record<Family, bigint[]>;
  /** Class name of the workload holding each known address (same order as `addresses`). */
  owners: Record<Family, string[]>;
}

/**
 * Built once per classification (it holds every workload) and shared by the per-network compiles
 * of the three clouds; a recompile builds a new classification.
 */
const INDEX = new WeakMap<Reach['classification'], KnownIndex>();

/** Every address of every workload the compile sees (classification holds all of them), sorted. */
function knownIndex(reach: Reach): KnownIndex {
  const cached = INDEX.get(reach.classification);
  if (cached) return cached;
  const pairs: Record<Family, Array<[bigint, string]>> = { ipv4: [], ipv6: [] };
  for (const cls of reach.classification.classes) {
    for (const w of cls.members) {
      for (const a of w.addresses) {
        const p = parseAddress(a);
        if (p.ok) pairs[p.value.family].push([p.value.value, cls.name]);
      }
    }
  }
  const index: KnownIndex = { addresses: { ipv4: [], ipv6: [] }, owners: { ipv4: [], ipv6: [] } };
  for (const f of ['ipv4', 'ipv6'] as const) {
    pairs[f].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : compareStrings(x, y)));
    for (const [v, owner] of pairs[f]) {
      const n = index.addresses[f].length;
      if (n > 0 && index.addresses[f][n - 1] === v) continue;
      index.addresses[f].push(v);
      index.owners[f].push(owner);
    }
  }
  INDEX.set(reach.classification, index);
  return index;
}

/**
 * What one cloud's compile uses: compress member sets under the policy's address plans, then
 * widen ingress sets under end-to-end mode (end-to-end.ts), and remember every compression and
 * widening for the plan's findings. Absent when the policy declares neither, so the default path
 * is exactly today's.
 */
export class AddressCompressor {
  private readonly used = new Map<string, { c: Compression; sets: number }>();

  private constructor(
    private readonly plans: readonly AddressPlan[],
    private readonly index: KnownIndex,
    private readonly endToEnd: EndToEndWidener | undefined,
  ) {}

  static for(reach: Reach, policy: Partial<Policy> | undefined): AddressCompressor | undefined {
    const plans = policy?.addressPlans ?? [];
    const endToEnd = EndToEndWidener.for(reach, policy);
    return plans.length === 0 && !endToEnd ? undefined : new AddressCompressor(plans, knownIndex(reach), endToEnd);
  }

  /**
   * The set, written with plan CIDRs where that is exact for every known address, then (an
   * ingress set under spec.endToEnd, when `ctx` says where it is written) wider where that is
   * exact end to end.
   */
  compress(set: AddressSet, ctx?: SetContext): AddressSet {
    const planned = this.plans.length > 0 ? this.planned(set) : set;
    return this.endToEnd && ctx ? this.endToEnd.widen(planned, ctx) : planned;
  }

  private planned(set: AddressSet): AddressSet {
    const candidates = candidateCidrs(set, this.plans);
    if (candidates.length === 0) return set;
    const r = compressAddresses(set, this.index.addresses[set.family], candidates);
    for (const c of r.compressions) {
      const key = formatCidr(c.cidr);
      const u = this.used.get(key);
      if (u) u.sets++;
      else this.used.set(key, { c, sets: 1 });
    }
    return r.set;
  }

  /** One finding per CIDR written instead of members: which members, in how many sets, what it admits. */
  findings(cloud: Cloud): Finding[] {
    return [...this.compressionFindings(cloud), ...(this.endToEnd?.findings(cloud) ?? [])];
  }

  private compressionFindings(cloud: Cloud): Finding[] {
    return [...this.used.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([cidr, { c, sets }]) => ({
        severity: 'warning' as const,
        code: 'address-compressed',
        cloud,
        target: cidr,
        message: `${cidr} is written instead of its ${c.members} member address(es) (${this.owners(c.cidr)}) in ${sets} address set(s); it also admits ${c.admits} address(es) that no workload segsync sees holds (not yet allocated)${c.unusedBlockAddresses ? `, ${c.unusedBlockAddresses} of them in blocks no workload uses yet` : ''}`,
        hint: 'spec.addressPlans allows this: a workload later given an address in this CIDR is reached as a member until the next compile; remove the plan to list members exactly',
      }));
  }

  private owners(c: Cidr): string {
    const [lo, hi] = cidrRange(c);
    const addrs = this.index.addresses[c.family];
    const names = new Set<string>();
    for (let i = lowerBound(addrs, lo); i < addrs.length && addrs[i]! <= hi; i++)
      names.add(this.index.owners[c.family][i]!);
    const sorted = [...names].sort(compareStrings);
    return sorted.length <= 3 ? sorted.join(', ') : `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more`;
  }
}
