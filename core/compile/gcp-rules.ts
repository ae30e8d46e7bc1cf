/**
 * GCP VPC firewall rule building blocks: protocols from a PortSet, the canonical semantic key of
 * a rule, content-addressed names, and chunking into the per-rule budgets. Pure and deterministic.
 *
 * Facts relied on (CLOUD-FACTS.md):
 * - §3.1 one rule = one direction, one action, one network; IPv4 or IPv6 ranges, never both;
 *   names 1-63 chars RFC 1035, unique per project; `icmp` is ICMP for IPv4 only: ICMPv6 is IP
 *   protocol 58 (the API takes "well known protocol strings … or the IP protocol number",
 *   specs/gcp Firewall.allowed.IPProtocol; public Terraform configs write "58" for ICMPv6).
 * - §3.6 ≤ 30 sourceTags and ≤ 70 targetTags per rule ([2nd]); the ranges-per-rule limit is not
 *   documented: all three are budgets (CompileContext.limits.gcp), chunked, never dropped.
 * - A rule's name is a hash of everything that decides traffic (G6: descriptions never count), so
 *   a changed rule is a NEW rule: plan inserts it before tags move and deletes the old one last,
 *   which is make-before-break by construction and needs no firewall update (rules have no
 *   fingerprint, §3.4, so an in-place update would be last-writer-wins anyway).
 */
import type { Family } from '../model/address.ts';
import type { GcpFirewall, GcpFirewallProtocol } from '../model/native/gcp.ts';
import type { PortSet } from '../model/ports.ts';
import { gcpNetworkPath } from '../model/ids.ts';
import { stableHash } from './hash.ts';
import { boundedName, GCP_NAME } from './names.ts';

/** Allows sit just above the catch-all denies (CLOUD-FACTS §3.1: lower number wins). */
export const ALLOW_PRIORITY = 100;
/**
 * Catch-all denies for every managed tag, one step below the allows: they shadow the implied
 * allow-egress and every foreign allow at a numerically higher priority (CLOUD-FACTS §3.1, §6.3).
 * A foreign allow at 101 ties with these and loses (deny wins ties); one at ≤ 100 can widen.
 */
export const DENY_PRIORITY = 101;
/** ICMPv6 by IP protocol number: `icmp` in a GCP rule only ever matches IPv4 (CLOUD-FACTS §3.1). */
export const ICMPV6_PROTOCOL = '58';
/** Hash length in rule names: 10 base-36 characters ≈ 51 bits, collisions are checked anyway. */
const NAME_HASH_LENGTH = 10;

const MAX_PORT = 65535;
const EVERYTHING: Record<Family, string> = { ipv4: '0.0.0.0/0', ipv6: '::/0' };

/** The catch-all range of a family. */
export function everyAddress(family: Family): string {
  return EVERYTHING[family];
}

/**
 * What `allowed[]` can express of a PortSet for one family: every protocol, or tcp/udp ranges
 * and ICMP (ICMPv6 for IPv6). `narrowed` when the set also holds "other protocols" without being
 * everything: GCP could list them by number, but the compiler emits the narrower set and says so.
 */
export function allowedOf(ports: PortSet, family: Family): { allowed: GcpFirewallProtocol[]; narrowed: boolean } {
  if (ports.isAll()) return { allowed: [{ IPProtocol: 'all' }], narrowed: false };
  const allowed: GcpFirewallProtocol[] = [];
  for (const [IPProtocol, ranges] of [
    ['tcp', ports.tcp],
    ['udp', ports.udp],
  ] as const) {
    if (ranges.length === 0) continue;
    const full = ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === MAX_PORT;
    // No `ports` means every port (specs/gcp Firewall.allowed.ports), which is how port 0 stays in.
    allowed.push(
      full ? { IPProtocol } : { IPProtocol, ports: ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)) },
    );
  }
  if (ports.icmp) allowed.push({ IPProtocol: family === 'ipv4' ? 'icmp' : ICMPV6_PROTOCOL });
  return { allowed, narrowed: ports.others };
}

const sorted = (xs: readonly string[] | undefined): string[] => [...new Set(xs ?? [])].sort();

/**
 * Canonical semantic content of a rule: network, direction, priority, action with its protocols,
 * ranges, tags, disabled. Equal keys ⇔ equal enforcement; names and descriptions do not count.
 */
export function firewallKey(fw: GcpFirewall): string {
  const protocols = (list: GcpFirewallProtocol[] | undefined) =>
    (list ?? []).map((p) => `${p.IPProtocol.toLowerCase()}:${sorted(p.ports).join(',')}`).sort();
  return JSON.stringify([
    gcpNetworkPath(fw.network),
    fw.direction,
    fw.priority,
    protocols(fw.allowed),
    protocols(fw.denied),
    sorted(fw.sourceRanges),
    sorted(fw.destinationRanges),
    sorted(fw.sourceTags),
    sorted(fw.targetTags),
    fw.disabled === true,
  ]);
}

/** `ss-<dep>-<hint>-<hash of the content>`: a different rule always gets a different name. */
export function firewallName(prefix: string, hint: string, fw: GcpFirewall): string {
  return boundedName(prefix, hint, stableHash(firewallKey(fw), NAME_HASH_LENGTH), GCP_NAME);
}

/** Consecutive slices of at most `size` (size ≥ 1; callers validate budgets first). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A rule before it is named: what the compiler decided, in API shape. */
export interface RuleDraft {
  hint: string;
  summary: string;
  firewall: Omit<GcpFirewall, 'name' | 'description'>;
}

/** Names and describes a draft; the description carries the ownership marker (core/ownership.ts). */
export function finishRule(draft: RuleDraft, prefix: string, describe: (summary: string) => string): GcpFirewall {
  const body: GcpFirewall = { name: '', ...draft.firewall };
  const name = firewallName(prefix, draft.hint, body);
  return { ...body, name, description: describe(draft.summary) };
}
