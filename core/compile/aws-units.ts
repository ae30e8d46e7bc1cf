/**
 * AWS rule units: one protocol/port range towards one peer, the way EC2 counts, matches and
 * deduplicates security-group rules (CLOUD-FACTS §1.2, §1.4). Pure and deterministic.
 *
 * Invariants:
 * - A unit's identity (`unitKey`) is its direction-free semantic fields only: protocol, ports,
 *   peer. Descriptions never count (STYLE G6), so a hand-edited description is not drift.
 * - Peers are named, not numbered, in desired state (segsync's own groups and prefix lists do
 *   not have ids before they exist); the planner fills ids in from the actual state and apply
 *   resolves the rest. A peer known only by id (someone else's object referenced from an owned
 *   group) has a key of its own and is never equal to a desired peer, so it gets revoked.
 * - Weights follow CLOUD-FACTS §1.2 ("Security group size"): a CIDR counts 1 in its own family;
 *   a group reference counts 1 in BOTH the IPv4 and the IPv6 budget; a customer-managed prefix
 *   list counts its MaxEntries in BOTH budgets. "Both" is the conservative reading (the older
 *   quota page: a reference "counts as one rule for IPv4 and one rule for IPv6"), and it is
 *   what the sandbox enforces; over-counting can only refuse a fit, never overflow a group.
 */
import type { Family } from '../model/address.ts';
import { compareStrings as cmp } from '../model/compare.ts';
import { peerKey, unitKey, type AwsDirection, type AwsPeer, type AwsRuleUnit } from '../model/native/aws-rules.ts';

// The unit vocabulary and its keys live with the native model; re-exported for compile's callers.
export { AWS_DIRECTIONS, ICMP_ALL, peerKey, unitKey } from '../model/native/aws-rules.ts';
export type { AwsDirection, AwsPeer, AwsRuleUnit } from '../model/native/aws-rules.ts';

export interface RuleWeight {
  ipv4: number;
  ipv6: number;
}

export function cidrFamily(cidr: string): Family {
  return cidr.includes(':') ? 'ipv6' : 'ipv4';
}

/**
 * Quota weight of one unit; `maxEntriesOf` answers for a prefix-list peer (by name or id).
 * @example unitWeight({ protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'group', name: 'g' } }, () => 0); // { ipv4: 1, ipv6: 1 }
 */
export function unitWeight(u: AwsRuleUnit, maxEntriesOf: (p: AwsPeer) => number): RuleWeight {
  switch (u.peer.kind) {
    case 'cidr':
      return cidrFamily(u.peer.cidr) === 'ipv4' ? { ipv4: 1, ipv6: 0 } : { ipv4: 0, ipv6: 1 };
    case 'group':
      return { ipv4: 1, ipv6: 1 };
    case 'prefix-list': {
      const m = maxEntriesOf(u.peer);
      return { ipv4: m, ipv6: m };
    }
  }
}

export function totalWeight(units: readonly AwsRuleUnit[], maxEntriesOf: (p: AwsPeer) => number): RuleWeight {
  const total = { ipv4: 0, ipv6: 0 };
  for (const u of units) {
    const w = unitWeight(u, maxEntriesOf);
    total.ipv4 += w.ipv4;
    total.ipv6 += w.ipv6;
  }
  return total;
}

const PEER_RANK: Record<AwsPeer['kind'], number> = { group: 0, 'prefix-list': 1, cidr: 2 };

/** Canonical order: peer kind, peer, protocol, ports (numerically), so output is a function of the set. */
export function compareUnits(a: AwsRuleUnit, b: AwsRuleUnit): number {
  return (
    PEER_RANK[a.peer.kind] - PEER_RANK[b.peer.kind] ||
    cmp(peerKey(a.peer), peerKey(b.peer)) ||
    cmp(a.protocol, b.protocol) ||
    (a.fromPort ?? -2) - (b.fromPort ?? -2) ||
    (a.toPort ?? -2) - (b.toPort ?? -2)
  );
}

/** Deduplicated by key and sorted canonically. */
export function canonicalUnits(units: Iterable<AwsRuleUnit>): AwsRuleUnit[] {
  const byKey = new Map<string, AwsRuleUnit>();
  for (const u of units) if (!byKey.has(unitKey(u))) byKey.set(unitKey(u), u);
  return [...byKey.values()].sort(compareUnits);
}

/** `tcp 443 from sg:segsync-prod-web-…` for summaries and findings. */
export function describeUnit(u: AwsRuleUnit, direction: AwsDirection): string {
  const proto = u.protocol === '-1' ? 'all' : u.protocol;
  const ports =
    u.protocol === 'tcp' || u.protocol === 'udp'
      ? u.fromPort === u.toPort
        ? ` ${u.fromPort}`
        : ` ${u.fromPort}-${u.toPort}`
      : '';
  const peer = u.peer.kind === 'cidr' ? u.peer.cidr : (u.peer.name ?? u.peer.id ?? '?');
  return `${proto}${ports} ${direction === 'ingress' ? 'from' : 'to'} ${peer}`;
}
