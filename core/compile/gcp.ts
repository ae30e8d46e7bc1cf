/**
 * compileGcp: Reach → the VPC firewall rules and instance network tags segsync wants in GCP.
 * Pure and deterministic: same reach, byte-identical JSON (rules sorted by project and name,
 * memberships by workload id).
 *
 * Translation (DESIGN.md §3; CLOUD-FACTS.md §3.1, §3.3, §3.6, §6.2-§6.6):
 * - Every (network, class) is one network tag `ss-<dep>-<class name>-<class id>` (≤ 63, RFC 1035).
 *   Membership is `instances.setTags` on the workload's instance: exactly one own tag each.
 *   Monitor-mode classes get their tag too, as an inert identity (no rule targets it) that
 *   same-network peers' ingress names instead of their addresses.
 * - Allow rules at priority ALLOW_PRIORITY (100) target that tag (gcp-class.ts says how entries
 *   become sources/destinations; it merges a class's peers per protocol set and splits ranges
 *   above rangesPerRule). Rules of several classes that differ only in target tags are one rule
 *   targeting all of them (mergeTargets). GCP egress cannot name tags, so class-to-class egress is by
 *   member address and those rules follow membership: re-tagging a workload renames the egress
 *   rules of every class that may send to its old or new class in that network.
 * - Catch-all denies at DENY_PRIORITY (101), one per direction and family (0.0.0.0/0 and ::/0
 *   never share a rule), targeting every class tag of the network (chunked by targetTagsPerRule):
 *   they neutralise the implied allow-egress and any foreign allow at a numerically higher
 *   priority, so the allow set above is exactly what a managed instance gets. Quarantined classes
 *   and classes with no entries get only these denies.
 * - Rule names hash their content (gcp-rules.ts): a change is insert-new + delete-old, never an
 *   in-place update. Descriptions start `segsync:<dep>` (core/ownership.ts).
 * - Budgets (CompileContext.limits.gcp over DEFAULT_BUDGETS.gcp) are met by chunking; an
 *   instance can never need more than one own tag, so only `tagsPerInstance < 1` refuses here;
 *   the foreign tags that share the 64-tag budget are checked by the planner, which sees them.
 *   The project quota FIREWALLS (firewallsPerProject) counts the rules of every network of a
 *   project; a project over it is refused before any write, every such project in one error
 *   (gcp-quota.ts; foreign rules use the quota too but are not visible here).
 */
import { CompileError, QuotaExceededError } from '../errors.ts';
import type { AddressSet, Family } from '../model/address.ts';
import type { Policy } from '../policy/types.ts';
import { AddressCompressor, type SetContext } from './compress.ts';
import type { GcpFirewall } from '../model/native/gcp.ts';
import { assertOwned, gcpOwnerDescription, gcpPrefix, isOwnedGcpFirewall, type Owned } from '../ownership.ts';
import type { Finding } from '../model/finding.ts';
import { DEFAULT_BUDGETS, type CompileContext, type GcpBudget } from '../model/budgets.ts';
import { parseGcpAttachmentId } from '../model/ids.ts';
import type { WorkloadClass } from './classes.ts';
import { classRules, type Direction } from './gcp-class.ts';
import { projectQuotaRefusal } from './gcp-quota.ts';
import { chunk, DENY_PRIORITY, everyAddress, finishRule, firewallKey, type RuleDraft } from './gcp-rules.ts';
import { boundedName, GCP_NAME } from './names.ts';
import type { NetworkReach, Reach } from './reach.ts';
import type { ClassMemo, NetworkClassMemo } from './class-memo.ts';
import type { Workload } from '../model/inventory.ts';

export interface GcpDesiredFirewall {
  project: string;
  /** Cloud-qualified network (`gcp:projects/<p>/global/networks/<n>`). */
  network: string;
  firewall: Owned<GcpFirewall>;
}

/** The own network tags one instance must carry (foreign tags are the planner's business). */
export interface GcpMembership {
  project: string;
  zone: string;
  instance: string;
  workloadId: string;
  /** nic0's attachment id: the step target. */
  attachment: string;
  network: string;
  classId: string;
  className: string;
  tags: string[];
  /** A monitor-mode member: its tag is an inert identity; its foreign tags are never touched. */
  monitored?: true;
}

export interface GcpDesired {
  deploymentId: string;
  /** Cloud-qualified networks segsync enforces in (foreign rules there are checked by plan). */
  networks: string[];
  firewalls: GcpDesiredFirewall[];
  memberships: GcpMembership[];
}

/**
 * @example
 * const { desired } = compileGcp(computeReach(policy, workloads), { deploymentId: 'prod' });
 * desired.firewalls.map((f) => f.firewall.name); // ['ss-prod-web-in4-…', 'ss-prod-vpc-deny-eg4-…', …]
 */
/**
 * One class's rule drafts in one network, reused by recompile while its entries are unchanged
 * (class-memo.ts) and so are the in-network members of the classes they name: classRules reads
 * those members (egress and IPv6 peers by address, and whether an address entry is the tag's set).
 */
export interface GcpClassOutput {
  drafts: RuleDraft[];
  narrowed: Record<Direction, boolean>;
  read: Array<{ classId: string; members?: Workload[] | undefined; monitored?: Workload[] | undefined }>;
}

export function compileGcp(
  reach: Reach,
  ctx: CompileContext,
  policy?: Pick<Policy, 'addressPlans'>,
  memo?: ClassMemo<GcpClassOutput>,
  options: GcpCompileOptions = {},
): { desired: GcpDesired; findings: Finding[] } {
  const budget = gcpBudget(ctx);
  const findings: Finding[] = [];
  const firewalls = new Map<string, GcpDesiredFirewall>();
  const memberships: GcpMembership[] = [];
  const networks = reach.networks.filter((n) => n.cloud === 'gcp');
  const compressor = AddressCompressor.for(reach, policy);
  const compress = compressor ? (set: AddressSet, where?: SetContext) => compressor.compress(set, where) : undefined;
  for (const net of networks) {
    // Under address plans a set's compression depends on every known address: no reuse.
    const kept = compress ? undefined : memo?.network(net);
    const compiled = compileNetwork(reach, net, ctx.deploymentId, budget, compress, kept);
    findings.push(...compiled.findings);
    memberships.push(...compiled.memberships);
    for (const fw of compiled.firewalls) addUnique(firewalls, fw);
  }
  if (compressor) findings.push(...compressor.findings('gcp'));
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const desired: GcpDesired = {
    deploymentId: ctx.deploymentId,
    networks: networks.map((n) => n.network).sort(byText),
    firewalls: [...firewalls.values()].sort(
      (a, b) => byText(a.project, b.project) || byText(a.firewall.name, b.firewall.name),
    ),
    memberships: memberships.sort((a, b) => byText(a.workloadId, b.workloadId)),
  };
  const refusal = options.perNetwork ? undefined : projectQuotaRefusal(desired, budget);
  if (refusal) throw refusal;
  return { desired, findings };
}

export interface GcpCompileOptions {
  /**
   * The reach holds some networks of a project only (assemble.ts compiles one network at a time):
   * skip the project quota, which the caller checks over the merged networks (gcp-quota.ts).
   */
  perNetwork?: boolean;
}

/** Budgets with the context's overrides; a budget below 1 could never hold a rule or a tag. */
export function gcpBudget(ctx: CompileContext): GcpBudget {
  const budget = { ...DEFAULT_BUDGETS.gcp, ...ctx.limits?.gcp };
  for (const [k, v] of Object.entries(budget)) {
    if (k !== 'tagsPerInstance' && !(Number.isInteger(v) && v >= 1))
      throw new CompileError(`limits.gcp.${k} must be an integer ≥ 1, got ${v}`);
  }
  return budget;
}

/** The network tag of a class: the same text in every network (a tag only means something in the rules of its own network). */
export function gcpClassTag(deploymentId: string, cls: Pick<WorkloadClass, 'id' | 'name'>): string {
  return boundedName(gcpPrefix(deploymentId), cls.name, cls.id, GCP_NAME);
}

/** `gcp:projects/p/global/networks/n` → { project: 'p', path: 'projects/p/global/networks/n', name: 'n' }. */
export function parseGcpNetwork(network: string): { project: string; path: string; name: string } {
  const m = /^gcp:(projects\/([^/]+)\/global\/networks\/([^/]+))$/.exec(network);
  if (!m) throw new Error(`not a GCP network id: ${network}`);
  return { path: m[1]!, project: m[2]!, name: m[3]! };
}

interface NetworkResult {
  firewalls: GcpDesiredFirewall[];
  memberships: GcpMembership[];
  findings: Finding[];
}

function compileNetwork(
  reach: Reach,
  net: NetworkReach,
  deploymentId: string,
  budget: GcpBudget,
  compress?: (set: AddressSet, where?: SetContext) => AddressSet,
  memo?: NetworkClassMemo<GcpClassOutput>,
): NetworkResult {
  const { project, path } = parseGcpNetwork(net.network);
  const classOf = (id: string): WorkloadClass => {
    const cls = reach.classification.byId.get(id);
    if (!cls) throw new Error(`reach names class ${id} that the classification does not hold`);
    return cls;
  };
  const tagOf = (id: string) => gcpClassTag(deploymentId, classOf(id));
  const drafts: RuleDraft[] = [];
  const findings: Finding[] = [];
  for (const id of net.classIds) {
    const cls = classOf(id);
    let own = memo?.get(id);
    if (own && !sameMembersRead(own, net)) own = undefined;
    if (!own) {
      own = { drafts: [], narrowed: { INGRESS: false, EGRESS: false }, read: membersRead(net, id) };
      for (const direction of ['INGRESS', 'EGRESS'] as const) {
        const entries = (direction === 'INGRESS' ? net.ingress : net.egress).get(id) ?? [];
        const r = classRules({ net, networkPath: path, cls, direction, entries, tagOf, classOf, budget, compress });
        own.drafts.push(...r.drafts);
        own.narrowed[direction] = r.narrowed;
      }
      memo?.set(id, own);
    }
    drafts.push(...own.drafts);
    for (const direction of ['INGRESS', 'EGRESS'] as const)
      if (own.narrowed[direction]) findings.push(narrowedFinding(net.network, cls, direction));
  }
  const merged = mergeTargets(drafts, budget);
  merged.push(...denyDrafts(path, net.classIds.map(tagOf).sort(), budget));
  const prefix = gcpPrefix(deploymentId);
  const describe = (summary: string) => gcpOwnerDescription(deploymentId, summary);
  const firewalls = merged.map((d) => {
    const fw = finishRule(d, prefix, describe);
    return {
      project,
      network: net.network,
      firewall: assertOwned(fw, (f) => isOwnedGcpFirewall(f, deploymentId), `GCP firewall ${fw.name}`),
    };
  });
  return { firewalls, memberships: memberships(net, classOf, tagOf, budget), findings };
}

/** The in-network members of every class a class's entries name (what classRules reads of the network). */
function membersRead(net: NetworkReach, classId: string): GcpClassOutput['read'] {
  const ids = new Set<string>();
  for (const entries of [net.ingress.get(classId), net.egress.get(classId)])
    for (const e of entries ?? []) if (e.peer.classId !== undefined) ids.add(e.peer.classId);
  // NetworkReach member lists are never changed once built (reach.ts): keep them, not copies.
  return [...ids].map((id) => ({ classId: id, members: net.members.get(id), monitored: net.monitorMembers.get(id) }));
}

function sameMembersRead(kept: GcpClassOutput, net: NetworkReach): boolean {
  const same = (a: readonly Workload[] | undefined, b: readonly Workload[] | undefined) =>
    a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((w, i) => w === b[i]));
  return kept.read.every(
    (r) => same(r.members, net.members.get(r.classId)) && same(r.monitored, net.monitorMembers.get(r.classId)),
  );
}

/**
 * Rules of different classes that differ only in their target tags become one rule targeting all
 * of them (chunked by targetTagsPerRule): a tag names exactly its class's instances, so the rule
 * with the union of targets allows each class exactly what its own rule did. Typical: every app
 * tier may reach dns on 53 — one egress rule to dns's address for all of them, not one per tier.
 */
function mergeTargets(drafts: readonly RuleDraft[], budget: GcpBudget): RuleDraft[] {
  const groups = new Map<string, RuleDraft[]>();
  for (const d of drafts) {
    const key = JSON.stringify({ ...d.firewall, targetTags: [] });
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  const out: RuleDraft[] = [];
  for (const list of groups.values()) {
    if (list.length === 1) {
      out.push(list[0]!);
      continue;
    }
    const tags = [...new Set(list.flatMap((d) => d.firewall.targetTags ?? []))].sort();
    const first = list[0]!;
    for (const targetTags of chunk(tags, budget.targetTagsPerRule)) {
      out.push({
        hint: first.hint.replace(/^.*-(in|eg)([46])$/, `shared-$1$2`),
        summary: `${first.summary.replace(/ (to|from) \S+ \(\w+\) /, ` $1 ${targetTags.length} classes `)}`,
        firewall: { ...first.firewall, targetTags },
      });
    }
  }
  return out;
}

/** Catch-all denies: per chunk of class tags, ingress and egress, IPv4 and IPv6 apart (§3.1). */
function denyDrafts(networkPath: string, tags: string[], budget: GcpBudget): RuleDraft[] {
  const network = networkPath.slice(networkPath.lastIndexOf('/') + 1);
  const out: RuleDraft[] = [];
  for (const targetTags of chunk(tags, budget.targetTagsPerRule)) {
    for (const direction of ['INGRESS', 'EGRESS'] as const satisfies readonly Direction[]) {
      for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
        const field = direction === 'INGRESS' ? 'sourceRanges' : 'destinationRanges';
        const dir = direction === 'INGRESS' ? 'in' : 'eg';
        out.push({
          hint: `${network}-deny-${dir}${family === 'ipv4' ? '4' : '6'}`,
          summary: `deny all ${direction.toLowerCase()} ${field === 'sourceRanges' ? 'from' : 'to'} ${everyAddress(family)} for ${targetTags.length} class tag(s) (catch-all under the allows)`,
          firewall: {
            network: networkPath,
            priority: DENY_PRIORITY,
            direction,
            denied: [{ IPProtocol: 'all' }],
            [field]: [everyAddress(family)],
            targetTags,
          },
        });
      }
    }
  }
  return out;
}

function memberships(
  net: NetworkReach,
  classOf: (id: string) => WorkloadClass,
  tagOf: (id: string) => string,
  budget: GcpBudget,
): GcpMembership[] {
  const out: GcpMembership[] = [];
  // Monitor-mode classes carry their tag too (an inert identity: no rule targets it, the denies
  // do not either), so same-network peers name them by tag instead of by address.
  const classes = [
    ...net.classIds.map((id) => ({ id, members: net.members.get(id) ?? [], monitored: false })),
    ...net.monitorIds.map((id) => ({ id, members: net.monitorMembers.get(id) ?? [], monitored: true })),
  ];
  for (const { id, members, monitored } of classes) {
    const cls = classOf(id);
    const tags = [tagOf(id)];
    for (const w of members) {
      const nic0 = w.attachments[0];
      const ref = nic0 === undefined ? undefined : parseGcpAttachmentId(nic0.id);
      if (nic0 === undefined || ref === undefined)
        throw new Error(`GCP workload ${w.id} has no parseable primary attachment id`);
      if (tags.length > budget.tagsPerInstance) {
        throw new QuotaExceededError({
          segment: cls.name,
          cloud: 'gcp',
          object: `instance ${ref.project}/${ref.zone}/${ref.instance}`,
          limit: 'network tags per instance',
          allowed: budget.tagsPerInstance,
          needed: tags.length,
        });
      }
      out.push({
        project: ref.project,
        zone: ref.zone,
        instance: ref.instance,
        workloadId: w.id,
        attachment: nic0.id,
        network: net.network,
        classId: id,
        className: cls.name,
        tags,
        ...(monitored ? { monitored: true as const } : {}),
      });
    }
  }
  return out;
}

function narrowedFinding(network: string, cls: WorkloadClass, direction: Direction): Finding {
  return {
    severity: 'warning',
    code: 'other-protocols-narrowed',
    cloud: 'gcp',
    target: `${network} ${cls.name}`,
    message: `${direction.toLowerCase()} of segment "${cls.name}" allows "any" minus some tcp/udp/icmp ports; the GCP rules allow only the tcp/udp/icmp part (narrower, never wider): other IP protocols (GRE, ESP, …) stay denied`,
    hint: 'write the protocols you need explicitly, or allow "any" without a deny that carves ports out of it',
  };
}

/** Same content → same name (harmless duplicate); same name, other content → a hash collision: refuse. */
function addUnique(map: Map<string, GcpDesiredFirewall>, fw: GcpDesiredFirewall): void {
  const key = `${fw.project}/${fw.firewall.name}`;
  const seen = map.get(key);
  if (seen !== undefined && firewallKey(seen.firewall) !== firewallKey(fw.firewall)) {
    throw new CompileError(
      `two different GCP firewall rules hash to the name ${fw.firewall.name}; change the deployment id`,
    );
  }
  map.set(key, fw);
}
