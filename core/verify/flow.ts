/**
 * The vocabulary shared by the three native evaluators (aws.ts, azure.ts, gcp.ts): one side of a
 * flow as a cloud's firewall sees it, the verdict, and small parsing helpers. Pure: no I/O, no
 * clock, no randomness; the caches below live inside one prepared evaluator, never in a module.
 *
 * Every evaluator judges ONE side of a flow, at one attachment (DESIGN.md §3 "Verify"): ingress at
 * the destination's attachment, egress at the source's. All three clouds are stateful
 * (CLOUD-FACTS.md §1.1, §2.1, §3.1), so only the initiating direction is judged; replies are
 * implied. Flows carry a destination port only: no cloud rule segsync reads filters on the
 * (ephemeral) source port in a way the policy can express.
 */
import { cidrRange, parseAddress, parseCidr, type Cidr, type Family } from '../model/address.ts';
import type { Protocol } from '../model/ports.ts';

export type { Protocol };

export interface NativeEndpoint {
  address: string;
  /** Attachment id (AWS ENI id, Azure NIC IP configuration id, GCP `gcp:<project>/<zone>/<instance>/<nic>`) if the address is a workload's in the judged cloud. */
  attachment?: string;
}

export interface NativeFlow {
  src: NativeEndpoint;
  dst: NativeEndpoint;
  protocol: Protocol;
  /** Destination port for tcp/udp; absent for icmp (and means "every port" for tcp/udp). */
  port?: number;
}

export interface Verdict {
  allowed: boolean;
  /** The native rule that decided, in the cloud's own terms, e.g. `sg-0a1 (web) ingress tcp 443 from pl-0b2`. */
  by: string;
  /** The native object whose rule decided (absent for a cloud's implied rules). */
  object?: NativeObject;
}

/** A native firewall object, by cloud: an AWS security group, an Azure NSG, a GCP firewall rule. */
export interface NativeObject {
  kind: 'aws-security-group' | 'azure-nsg' | 'gcp-firewall';
  id: string;
  name: string;
}

/** An evaluator prepared once over one cloud's native state. */
export interface NativeEvaluator {
  ingress(flow: NativeFlow): Verdict;
  egress(flow: NativeFlow): Verdict;
}

export type Side = 'ingress' | 'egress';

/** A parsed address. */
export interface Ip {
  family: Family;
  value: bigint;
}

export const MAX_PORT = 65535;

/**
 * Memoising address parser: verify asks about the same few hundred addresses hundreds of
 * thousands of times, and parsing dominates otherwise. Unparseable text is `undefined`.
 */
export class IpCache {
  private readonly map = new Map<string, Ip | null>();

  parse(text: string): Ip | undefined {
    let ip = this.map.get(text);
    if (ip === undefined) {
      const parsed = parseAddress(text);
      ip = parsed.ok ? parsed.value : null;
      this.map.set(text, ip);
    }
    return ip ?? undefined;
  }

  /** Whether two address texts denote the same address (spelling-insensitive). */
  same(a: string, b: string): boolean {
    const x = this.parse(a);
    const y = this.parse(b);
    return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
  }
}

/** A CIDR as inclusive bounds, computed once so matching allocates nothing. */
export interface AddrRange {
  family: Family;
  lo: bigint;
  hi: bigint;
}

/**
 * Bounds of the CIDRs (or bare addresses) among `texts`; malformed text matches nothing. The
 * ranges are merged (overlapping or adjacent, same family) and sorted IPv4 first, by address:
 * the same addresses, and `inRanges` can binary-search them (prefix lists and GCP rules hold
 * thousands of entries, and verify asks about every pair of ends).
 */
export function addrRanges(texts: readonly string[]): AddrRange[] {
  const all: AddrRange[] = [];
  for (const text of texts) {
    const c = cidrOrUndefined(text);
    if (c === undefined) continue;
    const [lo, hi] = cidrRange(c);
    all.push({ family: c.family, lo, hi });
  }
  all.sort(compareRanges);
  const out: AddrRange[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last !== undefined && last.family === r.family && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) out[out.length - 1] = { family: last.family, lo: last.lo, hi: r.hi };
    } else out.push(r);
  }
  return out;
}

/** Whether `ip` is inside one of `ranges` (as addrRanges returns them: merged, sorted). */
export function inRanges(ranges: readonly AddrRange[], ip: Ip | undefined): boolean {
  if (ip === undefined) return false;
  // The last range starting at or before ip (family order first): only it can contain ip.
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (FAMILY_ORDER[r.family] < FAMILY_ORDER[ip.family] || (r.family === ip.family && r.lo <= ip.value)) lo = mid + 1;
    else hi = mid;
  }
  const r = ranges[lo - 1];
  return r !== undefined && r.family === ip.family && ip.value <= r.hi;
}

const FAMILY_ORDER: Record<Family, number> = { ipv4: 0, ipv6: 1 };

function compareRanges(a: AddrRange, b: AddrRange): number {
  if (a.family !== b.family) return FAMILY_ORDER[a.family] - FAMILY_ORDER[b.family];
  return a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0;
}

/**
 * A one-entry-per-direction memo keyed by (judged endpoint, peer endpoint). Which rules match a
 * flow's addresses does not depend on its protocol or port, and verify asks about every port of
 * one pair in a row (both sides alternating), so evaluators filter rules by address once per pair
 * and direction, and by port per flow.
 */
export class PairMemo<T> {
  private readonly slots = new Map<
    string,
    { key: readonly [string, string | undefined, string, string | undefined]; value: T }
  >();

  get(direction: string, here: NativeEndpoint, there: NativeEndpoint, compute: () => T): T {
    const slot = this.slots.get(direction);
    if (slot !== undefined) {
      const k = slot.key;
      if (k[0] === here.address && k[1] === here.attachment && k[2] === there.address && k[3] === there.attachment)
        return slot.value;
    }
    const value = compute();
    this.slots.set(direction, { key: [here.address, here.attachment, there.address, there.attachment], value });
    return value;
  }
}

/** A CIDR or bare address (host route) from native state; malformed text matches nothing. */
export function cidrOrUndefined(text: string): Cidr | undefined {
  const parsed = parseCidr(text.trim());
  return parsed.ok ? parsed.value : undefined;
}

/**
 * A port or inclusive port range as the Azure and GCP APIs write it (`443`, `80-90`), or `*`
 * (every port). Malformed text is `undefined` (matches nothing).
 */
export function parsePortRange(text: string): readonly [number, number] | undefined {
  const t = text.trim();
  if (t === '*') return [0, MAX_PORT];
  const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(t);
  if (m === null) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to && to <= MAX_PORT ? [from, to] : undefined;
}

/**
 * Whether ranges cover the flow's port: a given port must be inside one range; an absent port
 * ("every port") needs one range covering 0-65535, as PortSet.has does.
 */
export function portsCover(ranges: ReadonlyArray<readonly [number, number]>, port: number | undefined): boolean {
  for (const [a, b] of ranges) {
    if (port === undefined ? a === 0 && b === MAX_PORT : port >= a && port <= b) return true;
  }
  return false;
}

/** `tcp 443`, `tcp 80-90`, `tcp` (all ports), for verdict text. */
export function portText(ranges: ReadonlyArray<readonly [number, number]>): string {
  if (ranges.some(([a, b]) => a === 0 && b === MAX_PORT)) return '';
  return ` ${ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`;
}

/**
 * A rule's protocol, parsed once, as AWS and GCP evaluators both judge it: every protocol, a
 * TCP/UDP port set, ICMP of one family, or a protocol no flow of the model can carry.
 */
export type ProtoMatch =
  | { kind: 'all' }
  | { kind: 'tcp' | 'udp'; ranges: ReadonlyArray<readonly [number, number]> }
  | { kind: 'icmp'; family: Family }
  | { kind: 'none' };

/** Does the flow (of address family `family`) fall under the rule's protocol? */
export function protoMatches(proto: ProtoMatch, flow: NativeFlow, family: Family): boolean {
  switch (proto.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'icmp':
      return flow.protocol === 'icmp' && family === proto.family;
    default:
      return flow.protocol === proto.kind && portsCover(proto.ranges, flow.port);
  }
}
