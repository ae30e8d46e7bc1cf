/**
 * The sample verify checks: ports at every rule's edges and addresses at every address peer's
 * edges (CIDRs and their `except` CIDRs). Pure.
 */
import { compareNumbers, compareStrings } from '../model/compare.ts';
import {
  AddressSet,
  cidrRange,
  familyBits,
  formatAddress,
  parseAddress,
  parseCidr,
  type Cidr,
  type Family,
} from '../model/address.ts';
import type { Inventory } from '../model/inventory.ts';
import type { Protocol } from '../model/ports.ts';
import type { Policy } from '../policy/types.ts';

export interface SamplePort {
  protocol: Protocol;
  port?: number;
}

/** Orders address texts IPv4 first, then by value. */
export function compareAddresses(a: string, b: string): number {
  const x = parseAddress(a);
  const y = parseAddress(b);
  if (!x.ok || !y.ok) return compareStrings(a, b);
  if (x.value.family !== y.value.family) return x.value.family === 'ipv4' ? -1 : 1;
  return compareNumbers(x.value.value, y.value.value);
}

/**
 * Ports that exercise every rule's edges: each tcp/udp range's endpoints and their neighbours
 * (within 1-65535), plus tcp 22, 443, 3389, udp 53 and icmp. Sorted tcp, udp, icmp; deduped.
 * @example
 * samplePorts(policyWithTcp443); // [{tcp,22}, {tcp,442}, {tcp,443}, {tcp,444}, {tcp,3389}, {udp,53}, {icmp}]
 */
export function samplePorts(policy: Policy): SamplePort[] {
  const ports = { tcp: new Set([22, 443, 3389]), udp: new Set([53]) };
  for (const spec of policy.rules.flatMap((r) => r.ports)) {
    if (spec.protocol !== 'tcp' && spec.protocol !== 'udp') continue;
    for (const p of [spec.from - 1, spec.from, spec.from + 1, spec.to - 1, spec.to, spec.to + 1]) {
      if (p >= 1 && p <= 65535) ports[spec.protocol].add(p);
    }
  }
  const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
  return [
    ...sorted(ports.tcp).map((port) => ({ protocol: 'tcp' as const, port })),
    ...sorted(ports.udp).map((port) => ({ protocol: 'udp' as const, port })),
    { protocol: 'icmp' },
  ];
}

/** Documentation addresses (RFC 5737 / RFC 3849) tried, in order, as "outside every CIDR". */
const OUTSIDE_CANDIDATES: Record<Family, string[]> = {
  ipv4: ['198.51.100.7', '203.0.113.7', '192.0.2.7'],
  ipv6: ['2001:db8::7', '2001:db8:ffff::7'],
};

/**
 * Addresses that exercise every address peer's edges: for each CIDR (and `except` CIDR) of every
 * external and `cidrs` peer, its first, middle and last address and the addresses just outside it; plus, per family
 * in use, one address outside all of them. Workloads' own addresses are left out (they are
 * checked as workloads). Sorted IPv4 first, by value.
 * @example
 * sampleAddresses(policyWithCidr10_50_0_0_16, inventory); // ['10.49.255.255', '10.50.0.0', '10.50.128.0', '10.50.255.255', '10.51.0.0', '198.51.100.7']
 */
export function sampleAddresses(policy: Policy, inventory: Inventory): string[] {
  const cidrs: Cidr[] = [
    ...policy.externals.flatMap((e) => [...e.cidrs, ...e.except]),
    ...policy.rules
      .flatMap((r) => [r.from, r.to])
      .flatMap((p) => (p.kind === 'cidrs' ? [...p.cidrs, ...p.except] : [])),
  ];
  const workloadKeys = new Set(inventory.workloads.flatMap((w) => w.addresses).map(keyOf));
  const out = new Map<string, string>();
  const add = (family: Family, value: bigint): void => {
    const key = `${family}:${value}`;
    if (value >= 0n && value <= maxValue(family) && !workloadKeys.has(key)) out.set(key, formatAddress(family, value));
  };
  for (const c of cidrs) {
    const [lo, hi] = cidrRange(c);
    for (const v of [lo - 1n, lo, lo + (hi - lo) / 2n, hi, hi + 1n]) add(c.family, v);
  }
  const families = new Set<Family>([
    ...cidrs.map((c) => c.family),
    ...[...workloadKeys].map((k) => k.split(':')[0] as Family),
  ]);
  for (const family of ['ipv4', 'ipv6'] as const) {
    if (!families.has(family)) continue;
    const outside = outsideAddress(family, AddressSet.fromCidrs(family, cidrs));
    if (outside !== undefined) add(family, outside);
  }
  return [...out.values()].sort(compareAddresses);
}

function outsideAddress(family: Family, covered: AddressSet): bigint | undefined {
  for (const text of OUTSIDE_CANDIDATES[family]) {
    const parsed = parseCidr(text);
    if (parsed.ok && !covered.contains(parsed.value.base)) return parsed.value.base;
  }
  return AddressSet.all(family).subtract(covered).ranges()[0]?.[0];
}

function maxValue(family: Family): bigint {
  return (1n << BigInt(familyBits(family))) - 1n;
}

function keyOf(text: string): string {
  const parsed = parseAddress(text);
  return parsed.ok ? `${parsed.value.family}:${parsed.value.value}` : text;
}
