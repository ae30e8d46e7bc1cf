/**
 * End-to-end exactness (policy `spec.endToEnd`, docs/end-to-end.md). Pure and deterministic.
 *
 * A flow s→d passes the clouds iff s's egress AND d's ingress allow it. Every compiled egress is
 * exact, so d's ingress need not refuse a source whose own compiled egress already refuses the
 * flow. A destination class's ingress address set for one rule unit (family, protocol and ports)
 * may then be written as a wider CIDR when every address inside it is
 *   (a) in the set already, or
 *   (b) an address of a known workload segsync enforces (or quarantines) whose egress to every
 *       member of the destination class in this network denies every port of the unit — asked
 *       of the rule index the intent oracle uses (core/policy/rule-index.ts), with the policy's
 *       egress default and every deny, never assumed from "no allow rule", or
 *   (c) an address no known workload holds, inside a range the policy declares end-to-end
 *       enforced (`spec.endToEnd.ranges`): only the user knows no other host can take it.
 * Invariants (test/core/compile/end-to-end*.test.ts): never drops an address of the set; never
 * admits a known address outside (a) and (b); never leaves the set ∪ the declared ranges; never
 * needs more CIDRs than the set. Ingress only: widening an egress set would need the
 * destination's ingress to refuse, and that is not checked here.
 */
import { AddressSet, cidrRange, formatCidr, parseAddress, type Cidr, type Family } from '../model/address.ts';
import { compareStrings, partitionPoint } from '../model/compare.ts';
import type { Cloud } from '../model/cloud.ts';
import type { Finding } from '../model/finding.ts';
import type { Workload } from '../model/inventory.ts';
import { PortSet } from '../model/ports.ts';
import { workloadStatus } from '../policy/intent.ts';
import { RuleIndex, type Party } from '../policy/rule-index.ts';
import type { Policy } from '../policy/types.ts';
import type { NetworkReach, Reach } from './reach.ts';

/** Where a member set is written: which class's which side, on which ports. */
export interface SetContext {
  direction: 'ingress' | 'egress';
  network: NetworkReach;
  /** The class whose rule holds the set (the destination, for ingress). */
  classId: string;
  /** Every (protocol, port) the set's rule admits; when unsure, PortSet.all() (stricter). */
  ports: PortSet;
}

/** One CIDR written on an ingress set instead of the set's addresses inside it. */
export interface Widening {
  cidr: Cidr;
  /** The declared range it lies in. */
  range: Cidr;
}

/**
 * Whether [lo, hi] holds no blocking address outside `inside` (the set's ranges there, sorted).
 */
export type Clean = (lo: bigint, hi: bigint, inside: ReadonlyArray<readonly [bigint, bigint]>) => boolean;

/** `Clean` over a sorted list of blocking addresses (for tests and small callers). */
export function cleanOf(bad: readonly bigint[]): Clean {
  return (lo, hi, inside) => {
    const all = lowerBound(bad, hi + 1n) - lowerBound(bad, lo);
    if (all === 0) return true;
    const within = inside.reduce((n, [a, b]) => n + lowerBound(bad, b + 1n) - lowerBound(bad, a), 0);
    return all === within;
  };
}

/**
 * Writes `set` with fewer CIDRs inside the `declared` ranges (sorted disjoint CIDRs of the set's
 * family), never over a blocking address outside the set (`clean`: known addresses that are
 * neither in the set nor admissible sources). Per declared range, each subtree of the range's binary split is written as the smallest CIDR
 * holding the set's addresses there when no bad address outside the set lies inside the
 * subtree, and split further otherwise: each CIDR chosen is inside the largest clean CIDR around
 * it, so the count is minimal, and the smallest one admits the least.
 *
 * @example
 * // set 10.2.0.5, 10.2.7.9; 10.2.0.0/16 declared; no bad address: one CIDR, 10.2.0.0/21.
 * widenAddresses(set, [net('10.2.0.0/16')], cleanOf([])).set.toCidrs(); // [10.2.0.0/21]
 */
export function widenAddresses(
  set: AddressSet,
  declared: readonly Cidr[],
  clean: Clean,
): { set: AddressSet; widenings: Widening[] } {
  const bits = set.family === 'ipv4' ? 32 : 128;
  const ranges = set.ranges();
  const widenings: Widening[] = [];
  const cover = (c: Cidr, inside: ReadonlyArray<readonly [bigint, bigint]>, range: Cidr): void => {
    if (inside.length === 0 || AddressSet.fromRanges(set.family, inside).toCidrs().length < 2) return;
    const [lo, hi] = cidrRange(c);
    if (clean(lo, hi, inside)) {
      widenings.push({ cidr: tightest(set.family, bits, inside[0]![0], inside[inside.length - 1]![1]), range });
      return;
    }
    const half = 1n << BigInt(bits - c.prefix - 1);
    for (const base of [c.base, c.base + half]) {
      const h: Cidr = { family: c.family, base, prefix: c.prefix + 1 };
      cover(h, clip(inside, base, base + half - 1n), range);
    }
  };
  for (const r of declared) {
    if (r.family !== set.family) continue;
    const [lo, hi] = cidrRange(r);
    cover(r, clip(ranges, lo, hi), r);
  }
  if (widenings.length === 0) return { set, widenings };
  return {
    set: set.union(
      AddressSet.fromCidrs(
        set.family,
        widenings.map((w) => w.cidr),
      ),
    ),
    widenings,
  };
}

/** The smallest CIDR holding [a, b]. */
function tightest(family: Family, bits: number, a: bigint, b: bigint): Cidr {
  let prefix = bits;
  let x = a ^ b;
  while (x > 0n) {
    x >>= 1n;
    prefix--;
  }
  const size = 1n << BigInt(bits - prefix);
  return { family, base: a - (a % size), prefix };
}

function clip(ranges: ReadonlyArray<readonly [bigint, bigint]>, lo: bigint, hi: bigint): Array<[bigint, bigint]> {
  const first = partitionPoint(ranges.length, (i) => ranges[i]![1] < lo);
  const out: Array<[bigint, bigint]> = [];
  for (let i = first; i < ranges.length && ranges[i]![0] <= hi; i++) {
    const [x, y] = ranges[i]!;
    out.push([x < lo ? lo : x, y > hi ? hi : y]);
  }
  return out;
}

function lowerBound(values: readonly bigint[], x: bigint): number {
  return partitionPoint(values.length, (i) => values[i]! < x);
}

/** The ports of an AWS rule unit ('-1' or a protocol number: everything, the strict reading). */
export function awsUnitPorts(u: { protocol: string; fromPort?: number; toPort?: number }): PortSet {
  if ((u.protocol === 'tcp' || u.protocol === 'udp') && u.fromPort !== undefined && u.toPort !== undefined)
    return PortSet.fromSpecs([{ protocol: u.protocol, from: u.fromPort, to: u.toPort }]);
  if (u.protocol === 'icmp' || u.protocol === 'icmpv6') return PortSet.fromSpecs([{ protocol: 'icmp' }]);
  return PortSet.all();
}

/** The ports of an Azure rule part (`Tcp` with `80`, `1000-2000` or `*`; `Icmp`; `*`). */
export function azurePartPorts(part: { protocol: string; ports: readonly string[] }): PortSet {
  return protocolPorts(part.protocol.toLowerCase(), part.ports.includes('*') ? undefined : part.ports);
}

/** The ports of GCP `allowed` entries. */
export function gcpAllowedPorts(allowed: ReadonlyArray<{ IPProtocol: string; ports?: string[] }>): PortSet {
  return allowed.reduce((acc, a) => acc.union(protocolPorts(a.IPProtocol, a.ports)), PortSet.empty());
}

function protocolPorts(name: string, ports: readonly string[] | undefined): PortSet {
  if (name === 'icmp') return PortSet.fromSpecs([{ protocol: 'icmp' }]);
  if (name !== 'tcp' && name !== 'udp') return PortSet.all();
  const protocol: 'tcp' | 'udp' = name;
  if (ports === undefined || ports.length === 0) return PortSet.fromSpecs([{ protocol, from: 0, to: 65535 }]);
  const specs = ports.map((p) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(p.trim());
    return m ? { protocol, from: Number(m[1]), to: Number(m[2] ?? m[1]) } : { protocol, from: 0, to: 65535 };
  });
  return PortSet.fromSpecs(specs);
}

/** A known address's holders as end-to-end sees them: `blocked` if one of them may send unchecked. */
interface Holders {
  blocked: boolean;
  quarantined: boolean;
  parties: Party[];
}

interface Known {
  addresses: Record<Family, bigint[]>;
  /** Index into `holders` per address (same order as `addresses`). */
  holderOf: Record<Family, number[]>;
  holders: Holders[];
}

/**
 * The index end-to-end reads: every known address with who holds it, and the rule index. Built
 * once per classification (it holds every workload) and policy, shared by the three clouds.
 */
class Index {
  readonly rules: RuleIndex;
  readonly known: Known;
  private readonly egress = new Map<string, PortSet>();
  /** Per (family, destination parties, unit ports): the known addresses a widening must not cover, sorted. */
  private readonly blocking = new Map<string, bigint[]>();

  constructor(
    private readonly policy: Policy,
    reach: Reach,
  ) {
    this.rules = new RuleIndex(policy);
    this.known = this.build(reach);
  }

  private build(reach: Reach): Known {
    const raw: Record<Family, Map<bigint, Set<string>>> = { ipv4: new Map(), ipv6: new Map() };
    const parties = new Map<string, Party>();
    for (const cls of reach.classification.classes) {
      for (const w of cls.members) {
        const source = cls.status === 'enforced' || cls.status === 'quarantined' ? this.sourceStatus(w) : undefined;
        const enforcedAt = new Set<string>();
        for (const a of w.attachments) {
          if (a.network !== w.network) continue;
          for (const t of a.addresses) {
            const p = parseAddress(t);
            if (p.ok) enforcedAt.add(`${p.value.family}|${p.value.value}`);
          }
        }
        for (const t of new Set([...w.addresses, ...w.attachments.flatMap((a) => a.addresses)])) {
          const p = parseAddress(t);
          if (!p.ok) continue;
          const { family, value } = p.value;
          let kind = 'x';
          if (source !== undefined && enforcedAt.has(`${family}|${value}`)) {
            if (source === 'quarantined') kind = 'q';
            else {
              const party = this.rules.party(this.rules.labels(w.labels), family, value);
              kind = party.id < 0 ? 'x' : `p${party.id}`;
              parties.set(kind, party);
            }
          }
          let s = raw[family].get(value);
          if (!s) raw[family].set(value, (s = new Set()));
          s.add(kind);
        }
      }
    }
    const known: Known = { addresses: { ipv4: [], ipv6: [] }, holderOf: { ipv4: [], ipv6: [] }, holders: [] };
    const ids = new Map<string, number>();
    for (const f of ['ipv4', 'ipv6'] as const) {
      const sorted = [...raw[f].entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [value, kinds] of sorted) {
        const key = [...kinds].sort(compareStrings).join(',');
        let id = ids.get(key);
        if (id === undefined) {
          id = known.holders.length;
          ids.set(key, id);
          known.holders.push({
            blocked: kinds.has('x'),
            quarantined: kinds.has('q'),
            parties: [...kinds].filter((k) => k.startsWith('p')).map((k) => parties.get(k)!),
          });
        }
        known.addresses[f].push(value);
        known.holderOf[f].push(id);
      }
    }
    return known;
  }

  /** Enforced or quarantined as the intent oracle says too; otherwise undefined (its egress is not segsync's). */
  private sourceStatus(w: Workload): 'enforced' | 'quarantined' | undefined {
    const s = workloadStatus(this.policy, w);
    return s === 'enforced' || s === 'quarantined' ? s : undefined;
  }

  /**
   * Whether a CIDR may be written on the ingress of `ctx`'s class: no known address in it outside
   * the set is held by a workload whose egress segsync does not enforce, or whose egress to some
   * member of the class here allows some port of the unit.
   */
  cleanFor(ctx: SetContext, family: Family): Clean {
    const dst = this.destinationParties(ctx, family);
    const key = `${family}|${dst.map((d) => d.id).join(',')}|${ctx.ports.key()}`;
    let bad = this.blocking.get(key);
    if (!bad) {
      // Each holder group is judged once per context and the blocking addresses sorted once, so
      // every check of widenAddresses' recursive split is binary searches, not a walk.
      const verdicts = new Uint8Array(this.known.holders.length);
      const admissible = (g: number): boolean => {
        if (verdicts[g] === 0) {
          const h = this.known.holders[g]!;
          const ok =
            !h.blocked &&
            h.parties.every((p) => dst.every((d) => this.egressPorts(p, d).intersect(ctx.ports).isEmpty()));
          verdicts[g] = ok ? 1 : 2;
        }
        return verdicts[g] === 1;
      };
      const holderOf = this.known.holderOf[family];
      bad = this.known.addresses[family].filter((_, i) => !admissible(holderOf[i]!));
      this.blocking.set(key, bad);
    }
    return cleanOf(bad);
  }

  /** Every party a member of the class in this network is as a flow's destination (its addresses of the family there). */
  private destinationParties(ctx: SetContext, family: Family): Party[] {
    const out = new Map<number, Party>();
    for (const w of ctx.network.members.get(ctx.classId) ?? []) {
      const labels = this.rules.labels(w.labels);
      for (const a of w.attachments) {
        if (a.network !== ctx.network.network) continue;
        for (const t of a.addresses) {
          const p = parseAddress(t);
          if (!p.ok || p.value.family !== family) continue;
          const party = this.rules.party(labels, family, p.value.value);
          out.set(party.id, party);
        }
      }
    }
    return [...out.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * What the source's egress check allows towards the destination (intent.ts decide(), over
   * ports): allow − deny, or everything − deny under `defaults.egress: allow`.
   */
  egressPorts(src: Party, dst: Party): PortSet {
    const key = `${src.id}|${dst.id}`;
    const hit = src.id >= 0 && dst.id >= 0 ? this.egress.get(key) : undefined;
    if (hit) return hit;
    const rules = this.rules.pairRules(src, dst).map((i) => this.policy.rules[i]!);
    const allow = PortSet.fromSpecs(rules.filter((r) => r.action === 'allow').flatMap((r) => r.ports));
    const deny = PortSet.fromSpecs(rules.filter((r) => r.action === 'deny').flatMap((r) => r.ports));
    const ports = (this.policy.defaults.egress === 'allow' ? PortSet.all() : allow).subtract(deny);
    if (src.id >= 0 && dst.id >= 0) this.egress.set(key, ports);
    return ports;
  }

  /** Known addresses in [lo, hi]. */
  count(family: Family, lo: bigint, hi: bigint): number {
    const a = this.known.addresses[family];
    return lowerBound(a, hi + 1n) - lowerBound(a, lo);
  }
}

function isPolicy(p: Partial<Policy>): p is Policy {
  return p.rules !== undefined && p.segments !== undefined && p.defaults !== undefined && p.externals !== undefined;
}

const INDEX = new WeakMap<Reach['classification'], { policy: Policy; index: Index }>();

function indexFor(reach: Reach, policy: Policy): Index {
  const hit = INDEX.get(reach.classification);
  if (hit && hit.policy === policy) return hit.index;
  const index = new Index(policy, reach);
  INDEX.set(reach.classification, { policy, index });
  return index;
}

interface Used {
  w: Widening;
  sets: number;
  destinations: Set<string>;
  members: number;
  enforced: number;
  unknown: bigint;
}

/**
 * What one cloud's compile uses under `spec.endToEnd`: widen ingress member sets, and remember
 * every widening for the plan's findings. Absent when the policy does not declare the mode.
 */
export class EndToEndWidener {
  private readonly used = new Map<string, Used>();
  private readonly declared: Record<Family, Cidr[]>;

  private constructor(
    private readonly reach: Reach,
    private readonly index: Index,
    ranges: readonly Cidr[],
  ) {
    const of = (f: Family) =>
      AddressSet.fromCidrs(
        f,
        ranges.filter((r) => r.family === f),
      ).toCidrs();
    this.declared = { ipv4: of('ipv4'), ipv6: of('ipv6') };
  }

  /** `policy` may be typed as the part a cloud compiler reads; under end-to-end it must be the whole policy. */
  static for(reach: Reach, policy: Partial<Policy> | undefined): EndToEndWidener | undefined {
    if (!policy?.endToEnd || policy.endToEnd.ranges.length === 0) return undefined;
    if (!isPolicy(policy)) throw new Error('end-to-end mode reads the whole policy (rules, segments, defaults)');
    return new EndToEndWidener(reach, indexFor(reach, policy), policy.endToEnd.ranges);
  }

  /** The ingress set, widened where that is exact end to end; egress sets are returned as they are. */
  widen(set: AddressSet, ctx: SetContext): AddressSet {
    if (ctx.direction !== 'ingress') return set;
    const declared = this.declared[set.family];
    if (declared.length === 0 || set.ranges().length < 2) return set;
    // Cheap first: a range must hold at least two of the set's CIDRs for a widening to pay.
    const worth = declared.some((r) => {
      const [lo, hi] = cidrRange(r);
      const inside = clip(set.ranges(), lo, hi);
      return (
        inside.length > 1 || (inside.length === 1 && AddressSet.fromRanges(set.family, inside).toCidrs().length > 1)
      );
    });
    if (!worth) return set;
    const r = widenAddresses(set, declared, this.index.cleanFor(ctx, set.family));
    for (const w of r.widenings) this.record(set, w, ctx);
    return r.set;
  }

  private record(set: AddressSet, w: Widening, ctx: SetContext): void {
    const [lo, hi] = cidrRange(w.cidr);
    const inside = clip(set.ranges(), lo, hi);
    const members = inside.reduce((n, [a, b]) => n + this.index.count(set.family, a, b), 0);
    const enforced = this.index.count(set.family, lo, hi) - members;
    const size = inside.reduce((n, [a, b]) => n + b - a + 1n, 0n);
    const unknown = hi - lo + 1n - size - BigInt(enforced);
    const key = formatCidr(w.cidr);
    const name = this.reach.classification.byId.get(ctx.classId)?.name ?? ctx.classId;
    const u = this.used.get(key);
    if (u) {
      u.sets++;
      u.destinations.add(name);
      u.members = Math.max(u.members, members);
      u.enforced = Math.max(u.enforced, enforced);
      if (unknown > u.unknown) u.unknown = unknown;
    } else this.used.set(key, { w, sets: 1, destinations: new Set([name]), members, enforced, unknown });
  }

  /** One finding per CIDR written on ingress sets instead of their members: on whose ingress, and what it admits. */
  findings(cloud: Cloud): Finding[] {
    return [...this.used.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([cidr, u]) => {
        const names = [...u.destinations].sort(compareStrings);
        const dests =
          names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
        return {
          severity: 'warning' as const,
          code: 'end-to-end-widened',
          cloud,
          target: cidr,
          message: `${cidr} is written on the ingress of ${dests} in ${u.sets} address set(s) instead of up to ${u.members} member address(es); it also admits up to ${u.enforced} address(es) of enforced workloads whose own egress denies those flows, and up to ${u.unknown} address(es) no workload segsync sees holds, inside the end-to-end range ${formatCidr(u.w.range)}`,
          hint: `spec.endToEnd allows this: a host segsync does not enforce that gets an address in ${formatCidr(u.w.range)} (a NAT gateway, a load balancer, an instance before its launch event is handled) reaches these destinations; remove the range from spec.endToEnd.ranges to list members exactly`,
        };
      });
  }
}
