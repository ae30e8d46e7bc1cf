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
import { compareStrings } from '../model/compare.ts';
import type { Cloud } from '../model/cloud.ts';
import type { Finding } from '../model/finding.ts';
import type { AddressPlan, Policy } from '../policy/types.ts';
import type { Reach } from './reach.ts';

/** One CIDR written instead of the members of a set inside it. */
export interface Compression {
  cidr: Cidr;
  /** Known addresses inside the CIDR (all of them members of the set). */
  members: number;
  /** Addresses inside the CIDR that were not in the set: none is held by a known workload. */
  admits: bigint;
}

export interface Compressed {
  set: AddressSet;
  compressions: Compression[];
}

/**
 * Writes `set` with fewer CIDRs where a candidate holds only members among the known addresses.
 * `known` is every address segsync knows of the set's family, sorted ascending, without
 * duplicates. Larger candidates are tried first; one inside a chosen candidate is not tried.
 *
 * @example
 * // members 10.1.5.4 and 10.1.5.9, nothing else known in 10.1.5.0/24:
 * compressAddresses(members, [a4, a9, b7], [net('10.1.5.0/24')]).set.toCidrs(); // [10.1.5.0/24]
 */
export function compressAddresses(set: AddressSet, known: readonly bigint[], candidates: readonly Cidr[]): Compressed {
  const order = candidates
    .filter((c) => c.family === set.family)
    .sort((a, b) => a.prefix - b.prefix || (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const chosen: Cidr[] = [];
  const compressions: Compression[] = [];
  for (const c of order) {
    const [lo, hi] = cidrRange(c);
    if (chosen.some((o) => o.prefix <= c.prefix && cidrRange(o)[0] <= lo && hi <= cidrRange(o)[1])) continue;
    const inside = set.intersect(AddressSet.fromRanges(set.family, [[lo, hi]]));
    // One CIDR already (or nothing): writing the candidate would only admit more.
    if (inside.isEmpty() || inside.toCidrs().length < 2) continue;
    let members = 0;
    let foreign = false;
    for (let i = lowerBound(known, lo); i < known.length && known[i]! <= hi; i++) {
      if (!set.contains(known[i]!)) {
        foreign = true;
        break;
      }
      members++;
    }
    if (foreign) continue;
    chosen.push(c);
    compressions.push({ cidr: c, members, admits: hi - lo + 1n - inside.size() });
  }
  if (chosen.length === 0) return { set, compressions };
  return { set: set.union(AddressSet.fromCidrs(set.family, chosen)), compressions };
}

/**
 * The candidates the plans offer for a set: each plan CIDR that holds members, and the aligned
 * blocks of the plan's block size around each range end inside it (a block strictly inside a range
 * is already one CIDR of the set, so it gains nothing).
 */
export function candidateCidrs(set: AddressSet, plans: readonly AddressPlan[]): Cidr[] {
  const out = new Map<string, Cidr>();
  const bits = set.family === 'ipv4' ? 32 : 128;
  for (const plan of plans) {
    for (const p of plan.cidrs) {
      if (p.family !== set.family) continue;
      const inside = set.intersect(AddressSet.fromCidrs(set.family, [p]));
      if (inside.isEmpty()) continue;
      out.set(formatCidr(p), p);
      if (plan.blockPrefix <= p.prefix) continue;
      const size = 1n << BigInt(bits - plan.blockPrefix);
      for (const [lo, hi] of inside.ranges()) {
        for (const v of [lo, hi]) {
          const block: Cidr = { family: set.family, base: v - (v % size), prefix: plan.blockPrefix };
          out.set(formatCidr(block), block);
        }
      }
    }
  }
  return [...out.values()];
}

/** First index whose value is ≥ x (values sorted ascending). */
function lowerBound(values: readonly bigint[], x: bigint): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface KnownIndex {
  addresses: Record<Family, bigint[]>;
  /** Class name of the workload holding each known address (same order as `addresses`). */
  owners: Record<Family, string[]>;
}

const INDEX = new WeakMap<Reach, KnownIndex>();

/** Every address of every workload the compile sees (classification holds all of them), sorted. */
function knownIndex(reach: Reach): KnownIndex {
  const cached = INDEX.get(reach);
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
  INDEX.set(reach, index);
  return index;
}

/**
 * What one cloud's compile uses: compress member sets under the policy's address plans and
 * remember every compression for the plan's findings. Absent when the policy declares no plan,
 * so the default path is exactly today's.
 */
export class AddressCompressor {
  private readonly used = new Map<string, { c: Compression; sets: number }>();

  private constructor(
    private readonly plans: readonly AddressPlan[],
    private readonly index: KnownIndex,
  ) {}

  static for(reach: Reach, policy: Pick<Policy, 'addressPlans'> | undefined): AddressCompressor | undefined {
    const plans = policy?.addressPlans ?? [];
    return plans.length === 0 ? undefined : new AddressCompressor(plans, knownIndex(reach));
  }

  /** The set, written with plan CIDRs where that is exact for every known address. */
  compress(set: AddressSet): AddressSet {
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
    return [...this.used.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([cidr, { c, sets }]) => ({
        severity: 'warning' as const,
        code: 'address-compressed',
        cloud,
        target: cidr,
        message: `${cidr} is written instead of its ${c.members} member address(es) (${this.owners(c.cidr)}) in ${sets} address set(s); it also admits ${c.admits} address(es) that no workload segsync sees holds (not yet allocated)`,
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
