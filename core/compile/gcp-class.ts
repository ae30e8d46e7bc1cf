/**
 * One class's allow rules in one GCP network, from its reach entries. Pure and deterministic.
 *
 * How each entry becomes rule content (CLOUD-FACTS.md §3.1, §6.4, §6.5):
 * - A same-network class peer on INGRESS is its network tag in `sourceTags`: identity, so a
 *   workload changing class is one setTags and no rule rewrite. Source tags match only the
 *   primary NIC's `networkIP` (IPv4) of tagged instances in the same network, so the peer's IPv6
 *   members are listed by address in a separate IPv6 rule.
 * - EGRESS has no destination tags: a class peer becomes its members' addresses in
 *   `destinationRanges` (primary address of the family, /32 or /128). This is the cost GCP
 *   imposes: such a rule is renamed (inserted anew, the old one deleted) whenever that class's
 *   membership in the network changes.
 * - Address peers are exact CIDRs (AddressSet.toCidrs: adjacent ranges merged, never widened).
 * Entries are grouped per (family, origin, protocols) and chunked into the per-rule budgets.
 * Origins are kept apart so churn stays local: `tags` (stable), `static` (policy regions,
 * stable), `members` (follow membership). A family the class has no address in gets no rule
 * (its members cannot send or receive it), which also keeps IPv6 churn away from IPv4-only classes.
 */
import { AddressSet, formatCidr, type Family } from '../model/address.ts';
import type { GcpFirewallProtocol } from '../model/native/gcp.ts';
import type { GcpBudget } from '../model/budgets.ts';
import { FAMILIES, primaryAddress, type WorkloadClass } from './classes.ts';
import { ALLOW_PRIORITY, allowedOf, chunk, type RuleDraft } from './gcp-rules.ts';
import type { NetworkReach, ReachEntry } from './reach.ts';
import { gcpAllowedPorts, type SetContext } from './end-to-end.ts';

export type Direction = 'INGRESS' | 'EGRESS';
type Origin = 'tags' | 'static' | 'members';

interface Bucket {
  family: Family;
  origin: Origin;
  allowed: GcpFirewallProtocol[];
  tags: Set<string>;
  set: AddressSet;
}

export interface ClassRulesInput {
  net: NetworkReach;
  /** cloud-qualified network path without the `gcp:` prefix: `projects/<p>/global/networks/<n>`. */
  networkPath: string;
  cls: WorkloadClass;
  direction: Direction;
  entries: readonly ReachEntry[];
  tagOf: (classId: string) => string;
  classOf: (classId: string) => WorkloadClass;
  budget: GcpBudget;
  /** Member sets under the policy's address plans (compress.ts); absent: exact member lists. */
  compress?: ((set: AddressSet, where?: SetContext) => AddressSet) | undefined;
}

/** Allow rule drafts of one class in one direction, and whether any entry had to be narrowed. */
export function classRules(input: ClassRulesInput): { drafts: RuleDraft[]; narrowed: boolean } {
  const buckets = new Map<string, Bucket>();
  let narrowed = false;
  for (const entry of input.entries) {
    for (const part of entryParts(input, entry)) {
      const { allowed, narrowed: n } = allowedOf(entry.ports, part.family);
      narrowed ||= n;
      if (allowed.length === 0) continue;
      const key = `${part.family}|${part.origin}|${JSON.stringify(allowed)}`;
      const bucket = buckets.get(key) ?? {
        family: part.family,
        origin: part.origin,
        allowed,
        tags: new Set<string>(),
        set: AddressSet.empty(part.family),
      };
      if (part.tag !== undefined) bucket.tags.add(part.tag);
      if (part.set !== undefined) bucket.set = bucket.set.union(part.set);
      buckets.set(key, bucket);
    }
  }
  const drafts = [...mergeFilledHoles(buckets).entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([, b]) => bucketDrafts(input, b));
  return { drafts, narrowed };
}

/**
 * Reach carves class members out of a region when their ports differ and lists them apart; when
 * they get the same protocols back, their addresses fill the region's holes. Then one rule with
 * the union is both smaller and independent of which class those members are in (e.g. with
 * `defaults.egress: allow` every class's egress is 0.0.0.0/0 whatever the memberships), so the
 * buckets merge exactly when the union needs fewer CIDRs than the two apart.
 */
function mergeFilledHoles(buckets: Map<string, Bucket>): Map<string, Bucket> {
  const out = new Map(buckets);
  for (const [key, members] of buckets) {
    if (members.origin !== 'members') continue;
    const staticKey = key.replace('|members|', '|static|');
    const stat = buckets.get(staticKey);
    if (stat === undefined) continue;
    const union = stat.set.union(members.set);
    if (union.toCidrs().length >= stat.set.toCidrs().length + members.set.toCidrs().length) continue;
    out.set(staticKey, { ...stat, set: union });
    out.delete(key);
  }
  return out;
}

interface Part {
  family: Family;
  origin: Origin;
  tag?: string;
  set?: AddressSet;
}

/** What one reach entry contributes, per family the class itself has an address in. */
function entryParts(input: ClassRulesInput, entry: ReachEntry): Part[] {
  const own = (f: Family) => input.cls.region[f] !== undefined;
  const peer = entry.peer;
  if (peer.kind === 'addresses') {
    if (!own(peer.family)) return [];
    if (peer.classId === undefined) return [{ family: peer.family, origin: 'static', set: peer.set }];
    // Reach lists a same-network class by address when the families' ports differ; its exact
    // in-network IPv4 members are still what the class's tag matches, so keep the identity.
    const tagged =
      input.direction === 'INGRESS' &&
      peer.family === 'ipv4' &&
      (input.net.classIds.includes(peer.classId) || input.net.monitorIds.includes(peer.classId)) &&
      peer.set.equals(inNetworkMembers(input, peer.classId, 'ipv4'));
    return [
      tagged
        ? { family: 'ipv4', origin: 'tags', tag: input.tagOf(peer.classId) }
        : { family: peer.family, origin: 'members', set: peer.set },
    ];
  }
  const peerClass = input.classOf(peer.classId);
  const parts: Part[] = [];
  for (const f of FAMILIES) {
    if (!own(f) || peerClass.region[f] === undefined) continue;
    if (input.direction === 'INGRESS' && f === 'ipv4') {
      parts.push({ family: f, origin: 'tags', tag: input.tagOf(peer.classId) });
      continue;
    }
    const set = inNetworkMembers(input, peer.classId, f);
    if (!set.isEmpty()) parts.push({ family: f, origin: 'members', set });
  }
  return parts;
}

/**
 * The primary address of family `f` of every member of a class in this network: for IPv4 exactly
 * the nic0 `networkIP`s its tag matches as a source (adapters/gcp/read.ts puts nic0 first).
 */
function inNetworkMembers(input: ClassRulesInput, classId: string, f: Family): AddressSet {
  const points = (input.net.members.get(classId) ?? input.net.monitorMembers.get(classId) ?? [])
    .map((w) => primaryAddress(w, f))
    .filter((v): v is bigint => v !== undefined);
  return AddressSet.fromRanges(
    f,
    points.map((v) => [v, v] as const),
  );
}

function bucketDrafts(input: ClassRulesInput, b: Bucket): RuleDraft[] {
  const { cls, direction, budget } = input;
  const dir = direction === 'INGRESS' ? 'in' : 'eg';
  const hint = `${cls.name}-${dir}${b.family === 'ipv4' ? '4' : '6'}`;
  const protocols = b.allowed.map((p) => `${p.IPProtocol}${p.ports ? `:${p.ports.join(',')}` : ''}`).join(' ');
  const base = {
    network: input.networkPath,
    priority: ALLOW_PRIORITY,
    direction,
    allowed: b.allowed,
    targetTags: [input.tagOf(cls.id)],
  };
  const verb =
    direction === 'INGRESS'
      ? `allow ingress to ${cls.name} (${cls.id}) ${protocols} from`
      : `allow egress from ${cls.name} (${cls.id}) ${protocols} to`;
  if (b.origin === 'tags') {
    return chunk([...b.tags].sort(), budget.sourceTagsPerRule).map((sourceTags) => ({
      hint,
      summary: `${verb} ${sourceTags.length} class tag(s)`,
      firewall: { ...base, sourceTags },
    }));
  }
  const where: SetContext = {
    direction: direction === 'INGRESS' ? 'ingress' : 'egress',
    network: input.net,
    classId: cls.id,
    ports: gcpAllowedPorts(b.allowed),
  };
  const set = b.origin === 'members' && input.compress ? input.compress(b.set, where) : b.set;
  const cidrs = set.toCidrs().map(formatCidr);
  const field = direction === 'INGRESS' ? 'sourceRanges' : 'destinationRanges';
  const what = b.origin === 'members' ? 'member address(es)' : 'range(s)';
  return chunk(cidrs, budget.rangesPerRule).map((ranges) => ({
    hint,
    summary: `${verb} ${ranges.length} ${what}`,
    firewall: { ...base, [field]: ranges },
  }));
}
