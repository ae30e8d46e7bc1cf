/**
 * compileAws: Reach → the AWS objects segsync wants (security groups, customer-managed prefix
 * lists, ENI memberships). Pure and deterministic: same input, byte-identical output.
 *
 * Per (VPC, class) (CLOUD-FACTS §1.1, §1.2, §6):
 * - an identity security group; same-VPC peers reference it (one membership write moves a
 *   workload between classes, no rule rewrite); it holds the class's rules, overflow going to
 *   rule-holder groups attached to the same ENIs (aws-pack.ts);
 * - membership-driven address sets (members elsewhere, or reached on ports their identity cannot
 *   carry) merged per rule unit: all peers that reach the class on tcp/53 are one set, whatever
 *   class they come from (exact union, adjacent ranges merged, never widened). A set of at most
 *   3 CIDRs is written inline, a larger one is a prefix list per (class, direction, family, unit)
 *   sized to its entries plus a small headroom, so a re-tag elsewhere is an entry write, not a
 *   rule rewrite; policy regions (stable sets) are inline CIDRs;
 * - every class that does not fit is refused, all of them in one QuotaExceededError, with the
 *   units it needs per ENI, how many are peers no identity reaches, the rules and the fixes;
 * - memberships: every ENI of every member in the VPC carries its class's groups, identity first;
 *   a monitor-mode class gets an inert identity group (no rules) that joins its ENIs beside their
 *   own groups, so same-VPC peers reference it by identity (reach.ts MONITOR_IDENTITY).
 * Groups start with no rules at all, so "no entries" (quarantine) is deny-all both ways; the
 * default allow-all egress is revoked by the create step (see core/plan/aws.ts).
 */
import { formatCidr, parseAddress, AddressSet, type Family } from '../model/address.ts';
import type { AwsTag } from '../model/native/aws.ts';
import { QuotaExceededError } from '../errors.ts';
import type { Finding } from '../model/finding.ts';
import { DEFAULT_BUDGETS, type AwsBudget, type CompileContext } from '../model/budgets.ts';
import { FAMILIES, type WorkloadClass } from './classes.ts';
import {
  awsGroupDescription,
  awsGroupName,
  awsOwnedTags,
  awsPrefixListName,
  awsUnitLabel,
  type ClassRef,
} from './aws-names.ts';
import { awsScope, awsVpcId } from '../model/ids.ts';
import { entryUnits, packGroups, prefixListSize, type PackedGroup, type UnitPeer } from './aws-pack.ts';
import { canonicalUnits, totalWeight } from './aws-units.ts';
import { compareStrings as cmp } from '../model/compare.ts';
import {
  AWS_DIRECTIONS,
  unitKey,
  type AwsDirection,
  type AwsPeer,
  type AwsRuleUnit,
} from '../model/native/aws-rules.ts';
import type { Policy } from '../policy/types.ts';
import type { NetworkReach, Reach, ReachEntry } from './reach.ts';
import { AddressCompressor } from './compress.ts';
import { narrowRulesFix, rulesBringing } from './refusal-rules.ts';
import { awsUnitPorts } from './end-to-end.ts';
import type { ClassMemo, NetworkClassMemo } from './class-memo.ts';

export type { AwsDirection, AwsPeer, AwsRuleUnit } from '../model/native/aws-rules.ts';

interface Placed {
  scope: string;
  network: string;
  vpcId: string;
  classId: string;
  className: string;
}

export interface AwsDesiredGroup extends Placed {
  name: string;
  /** 1 = the identity group; 2, 3, … = rule holders. */
  index: number;
  description: string;
  tags: AwsTag[];
  ingress: AwsRuleUnit[];
  egress: AwsRuleUnit[];
}

export interface AwsDesiredPrefixList extends Placed {
  name: string;
  family: Family;
  maxEntries: number;
  /** Canonical CIDRs, sorted by address. */
  entries: string[];
  tags: AwsTag[];
}

export interface AwsDesiredMembership extends Placed {
  interfaceId: string;
  workloadId: string;
  /** Group names, identity first. */
  groups: string[];
  /** A monitor-mode member: our inert identity group joins the ENI's own groups, which always stay. */
  monitored?: true;
}

export interface AwsDesired {
  groups: AwsDesiredGroup[];
  prefixLists: AwsDesiredPrefixList[];
  memberships: AwsDesiredMembership[];
}

export function awsBudget(ctx: CompileContext): AwsBudget {
  return { ...DEFAULT_BUDGETS.aws, ...ctx.limits?.aws };
}

/**
 * @example
 * const { desired, findings } = compileAws(computeReach(policy, workloads), { deploymentId: 'prod' });
 * desired.groups[0].name; // 'segsync-prod-web-k3x9a0b1c2'
 */
/** One class's objects in one VPC, reused by recompile while its entries are unchanged (class-memo.ts). */
export interface AwsClassOutput {
  groups: AwsDesiredGroup[];
  prefixLists: AwsDesiredPrefixList[];
  findings: Finding[];
}

export function compileAws(
  reach: Reach,
  ctx: CompileContext,
  policy?: Policy,
  memo?: ClassMemo<AwsClassOutput>,
): { desired: AwsDesired; findings: Finding[] } {
  const budget = awsBudget(ctx);
  const desired: AwsDesired = { groups: [], prefixLists: [], memberships: [] };
  const findings: Finding[] = [];
  const refusals: QuotaExceededError[] = [];
  const compressor = AddressCompressor.for(reach, policy);
  for (const net of reach.networks.filter((n) => n.cloud === 'aws')) {
    // Under address plans a set's compression depends on every known address: no reuse.
    const kept = compressor ? undefined : memo?.network(net);
    new NetworkCompiler(reach, net, ctx.deploymentId, budget, policy, compressor, kept).run(
      desired,
      findings,
      refusals,
    );
  }
  if (compressor) findings.push(...compressor.findings('aws'));
  // Every violation of every VPC, before anything is written (none is fixed by dropping a rule).
  if (refusals.length > 0) throw QuotaExceededError.combine(refusals);
  const placeKey = (p: Placed) => `${p.scope}\u0000${p.vpcId}`;
  desired.groups.sort((a, b) => cmp(placeKey(a), placeKey(b)) || cmp(a.name, b.name));
  desired.prefixLists.sort((a, b) => cmp(a.scope, b.scope) || cmp(a.name, b.name));
  desired.memberships.sort((a, b) => cmp(placeKey(a), placeKey(b)) || cmp(a.interfaceId, b.interfaceId));
  return { desired, findings };
}

/** One rule unit's merged peer addresses: every member set reach gives on it, whatever its class. */
interface MergedSet {
  family: Family;
  unit: Omit<AwsRuleUnit, 'peer'>;
  ranges: Array<readonly [bigint, bigint]>;
  classIds: Set<string>;
}

/** Why a class's groups do not fit, for the refusal message (what brings the weight). */
interface ClassWeight {
  direction: AwsDirection;
  merged: MergedSet[];
}

class NetworkCompiler {
  private readonly scope: string;
  private readonly vpcId: string;
  private readonly prefixLists = new Map<string, AwsDesiredPrefixList>();
  private readonly weights = new Map<string, ClassWeight[]>();
  /** The prefix lists registered by the class being compiled. */
  private fresh: AwsDesiredPrefixList[] = [];

  constructor(
    private readonly reach: Reach,
    private readonly net: NetworkReach,
    private readonly dep: string,
    private readonly budget: AwsBudget,
    private readonly policy: Policy | undefined,
    private readonly compressor?: AddressCompressor,
    private readonly memo?: NetworkClassMemo<AwsClassOutput>,
  ) {
    this.scope = awsScope(net.location);
    this.vpcId = awsVpcId(net.network);
  }

  run(out: AwsDesired, findings: Finding[], refusals: QuotaExceededError[]): void {
    // A class whose entries are unchanged since the last compile reuses its groups and lists
    // (class-memo.ts); the others go through units → list sizes → packing, in class order, so
    // findings and refusals come out in the order a compile without the memo gives.
    const perClass = this.net.classIds.map((id) => {
      const cls = this.cls(id);
      const kept = this.memo?.get(id);
      if (kept) {
        findings.push(...kept.findings);
        for (const pl of kept.prefixLists) this.prefixLists.set(pl.name, pl);
        return { cls, kept };
      }
      const own: Finding[] = [];
      this.fresh = [];
      const units = { ingress: this.units(cls, 'ingress', own), egress: this.units(cls, 'egress', own) };
      findings.push(...own);
      return { cls, units, findings: own, lists: this.fresh };
    });
    const refused = new Set<string>();
    for (const c of perClass) {
      for (const pl of c.lists ?? []) {
        try {
          pl.maxEntries = this.sizeOf(pl);
        } catch (e) {
          if (!(e instanceof QuotaExceededError)) throw e;
          refusals.push(e);
          refused.add(c.cls.id);
          pl.maxEntries = pl.entries.length;
        }
      }
    }
    const maxEntriesOf = (p: AwsPeer) =>
      p.kind === 'prefix-list' && p.name !== undefined ? (this.prefixLists.get(p.name)?.maxEntries ?? 0) : 0;
    for (const { cls, kept, units, findings: own, lists } of perClass) {
      let groups: AwsDesiredGroup[];
      if (kept) groups = kept.groups;
      else {
        const groupName = (i: number) => awsGroupName(this.dep, cls, i);
        let packed: PackedGroup[];
        try {
          packed = packGroups({
            className: cls.name,
            where: `${this.vpcId} (${this.scope})`,
            groupName,
            units: units!,
            maxEntriesOf,
            budget: this.budget,
          });
        } catch (e) {
          if (!(e instanceof QuotaExceededError)) throw e;
          refusals.push(this.explain(cls, e, units!, maxEntriesOf));
          continue;
        }
        groups = packed.map((g, i) => ({
          ...this.placed(cls),
          name: groupName(i + 1),
          index: i + 1,
          description: awsGroupDescription(this.dep, cls, i + 1),
          tags: awsOwnedTags(this.dep, cls.id, this.scope),
          ingress: g.ingress,
          egress: g.egress,
        }));
        if (!refused.has(cls.id)) this.memo?.set(cls.id, { groups, prefixLists: lists!, findings: own! });
      }
      out.groups.push(...groups);
      const names = groups.map((g) => g.name);
      for (const w of this.net.members.get(cls.id) ?? []) {
        for (const att of w.attachments.filter((a) => a.network === this.net.network)) {
          out.memberships.push({ ...this.placed(cls), interfaceId: att.id, workloadId: w.id, groups: names });
        }
      }
    }
    // Monitor-mode classes: an inert identity (a group with no rules, beside the ENI's own groups),
    // so same-VPC peers reference them by group instead of by their addresses.
    for (const id of this.net.monitorIds) {
      const cls = this.cls(id);
      const name = awsGroupName(this.dep, cls, 1);
      out.groups.push({
        ...this.placed(cls),
        name,
        index: 1,
        description: awsGroupDescription(this.dep, cls, 0),
        tags: awsOwnedTags(this.dep, cls.id, this.scope),
        ingress: [],
        egress: [],
      });
      for (const w of this.net.monitorMembers.get(id) ?? []) {
        for (const att of w.attachments.filter((a) => a.network === this.net.network)) {
          out.memberships.push({
            ...this.placed(cls),
            interfaceId: att.id,
            workloadId: w.id,
            groups: [name],
            monitored: true,
          });
        }
      }
    }
    out.prefixLists.push(...this.prefixLists.values());
  }

  private cls(id: string): WorkloadClass {
    const cls = this.reach.classification.byId.get(id);
    if (!cls) throw new Error(`reach names class ${id} that the classification does not hold`);
    return cls;
  }

  private placed(cls: ClassRef): Placed {
    return { scope: this.scope, network: this.net.network, vpcId: this.vpcId, classId: cls.id, className: cls.name };
  }

  /**
   * The class's units in one direction. Member sets (addresses that follow class membership)
   * are merged per rule unit (family, protocol, port range): every peer that reaches the class on
   * tcp/53 is one address set, whatever class it comes from. Union of exact sets, adjacent
   * ranges merged, never widened; at most budget.inlineCidrsMax (3) CIDRs inline, more in one prefix list.
   */
  private units(cls: WorkloadClass, direction: AwsDirection, findings: Finding[]): AwsRuleUnit[] {
    const entries = (direction === 'ingress' ? this.net.ingress : this.net.egress).get(cls.id) ?? [];
    const units: AwsRuleUnit[] = [];
    const merged = new Map<string, MergedSet>();
    let narrowed = false;
    for (const entry of entries) {
      const p = entry.peer;
      if (p.kind === 'addresses' && p.classId !== undefined) {
        const r = entryUnits({ peer: { kind: 'cidr', cidr: '' }, families: [p.family] }, entry.ports);
        narrowed ||= r.narrowed;
        const ranges = p.set.ranges();
        for (const { peer: _, ...unit } of r.units) {
          const key = `${p.family}|${unitKey({ ...unit, peer: { kind: 'cidr', cidr: '' } })}`;
          const m = merged.get(key);
          if (m) {
            m.ranges.push(...ranges);
            m.classIds.add(p.classId);
          } else merged.set(key, { family: p.family, unit, ranges: [...ranges], classIds: new Set([p.classId]) });
        }
        continue;
      }
      for (const peer of this.peers(entry)) {
        const r = entryUnits(peer, entry.ports);
        units.push(...r.units);
        narrowed ||= r.narrowed;
      }
    }
    const sets = [...merged.entries()].sort(([a], [b]) => cmp(a, b)).map(([, m]) => m);
    for (const m of sets) {
      const exact = AddressSet.fromRanges(m.family, m.ranges);
      const where = { direction, network: this.net, classId: cls.id, ports: awsUnitPorts(m.unit) };
      const cidrs = (this.compressor?.compress(exact, where) ?? exact).toCidrs().map(formatCidr);
      if (cidrs.length <= this.budget.inlineCidrsMax) {
        for (const cidr of cidrs) units.push({ ...m.unit, peer: { kind: 'cidr', cidr } });
        continue;
      }
      // A list weighs its MaxEntries on one group, so a set above the per-group budget is split
      // into near-equal lists that each fit (their union is the set: exact).
      const cap = Math.min(this.budget.rulesPerGroupPerDirectionPerFamily, this.budget.prefixListMaxEntries);
      const parts = Math.max(1, Math.ceil(cidrs.length / cap));
      const per = Math.ceil(cidrs.length / parts);
      for (let i = 0; i < parts; i++) {
        const name = this.prefixList(cls, direction, m, cidrs.slice(i * per, (i + 1) * per), i + 1);
        units.push({ ...m.unit, peer: { kind: 'prefix-list', name } });
      }
    }
    const w = this.weights.get(cls.id) ?? [];
    w.push({ direction, merged: sets });
    this.weights.set(cls.id, w);
    if (narrowed) findings.push(narrowedFinding(awsGroupName(this.dep, cls, 1), cls.name, direction, this.vpcId));
    return units;
  }

  /** Identity references, and stable address sets (policy regions) as inline CIDRs. */
  private peers(entry: ReachEntry): UnitPeer[] {
    const p = entry.peer;
    if (p.kind === 'class') {
      const peerClass = this.cls(p.classId);
      return [
        {
          peer: { kind: 'group', name: awsGroupName(this.dep, peerClass, 1) },
          families: FAMILIES.filter((f) => peerClass.region[f]),
        },
      ];
    }
    return p.set.toCidrs().map((c) => ({ peer: { kind: 'cidr', cidr: formatCidr(c) }, families: [p.family] }));
  }

  /** Registers the prefix list of one (class, direction, family, unit) merged set; returns its name. */
  private prefixList(
    cls: WorkloadClass,
    direction: AwsDirection,
    m: MergedSet,
    entries: string[],
    part: number,
  ): string {
    const unit = awsUnitLabel(m.unit) + (part > 1 ? `-${part}` : '');
    const name = awsPrefixListName(this.dep, cls, direction, m.family, unit, this.vpcId);
    const pl = {
      ...this.placed(cls),
      name,
      family: m.family,
      maxEntries: 0,
      entries,
      tags: awsOwnedTags(this.dep, cls.id, this.scope),
    };
    this.prefixLists.set(name, pl);
    this.fresh.push(pl);
    return name;
  }

  private sizeOf(pl: AwsDesiredPrefixList): number {
    if (pl.entries.length > this.budget.prefixListMaxEntries) {
      throw new QuotaExceededError({
        segment: pl.className,
        cloud: 'aws',
        object: `prefix list ${pl.name} (${this.scope})`,
        limit: 'prefix list entries',
        allowed: this.budget.prefixListMaxEntries,
        needed: pl.entries.length,
        network: this.net.network,
        hint: 'the peers this class reaches on one port range have more addresses outside this VPC than one prefix list holds (AWS caps MaxEntries at 1000)',
      });
    }
    return prefixListSize(pl.entries.length, this.budget);
  }

  /**
   * The refusal of one class, with what brings its weight: per direction and family the units
   * needed on each ENI against rules × groups, how many of them are addresses no identity can
   * reach (another Region or cloud: not even a peering or Transit Gateway reference would do),
   * the policy rules that bring the peers, and the smallest fixes.
   */
  private explain(
    cls: WorkloadClass,
    e: QuotaExceededError,
    units: Record<AwsDirection, AwsRuleUnit[]>,
    maxEntriesOf: (p: AwsPeer) => number,
  ): QuotaExceededError {
    const perEni = this.budget.rulesPerGroupPerDirectionPerFamily * this.budget.groupsPerInterface;
    let worst = { direction: 'ingress' as AwsDirection, family: 'ipv4' as Family, needed: 0 };
    for (const direction of AWS_DIRECTIONS) {
      const w = totalWeight(canonicalUnits(units[direction]), maxEntriesOf);
      for (const family of FAMILIES) if (w[family] > worst.needed) worst = { direction, family, needed: w[family] };
    }
    const sets = this.weights.get(cls.id)?.find((w) => w.direction === worst.direction)?.merged ?? [];
    const { unreachable, byClass } = this.unreachable(sets);
    const rules = this.policy
      ? rulesBringing(this.policy, cls.labels, worst.direction, byClass, (id) => this.cls(id).labels)
      : [];
    const fixes: string[] = [];
    const narrow = narrowRulesFix(rules);
    if (narrow) fixes.push(narrow);
    if (unreachable > 0) fixes.push(compressionFix(unreachable, (this.policy?.addressPlans ?? []).length > 0));
    const e2e = endToEndFix(worst.direction, this.policy?.endToEnd !== undefined);
    if (e2e) fixes.push(e2e);
    fixes.push(quotaFix(worst.needed, this.budget));
    if (!e.detail) return e;
    return new QuotaExceededError({
      ...e.detail,
      hint: `${worst.needed} rule units per network interface (${worst.direction}, ${worst.family}) against ${this.budget.rulesPerGroupPerDirectionPerFamily} rules × ${this.budget.groupsPerInterface} groups = ${perEni}`,
      network: this.net.network,
      unreachable,
      rules,
      fixes,
    });
  }

  /**
   * Of the merged sets' CIDRs, those made of addresses of members outside this account and
   * Region or in another cloud (no security-group reference reaches them, not even over peering
   * or a Transit Gateway), and the peer classes with their member counts.
   */
  private unreachable(sets: MergedSet[]): { unreachable: number; byClass: Map<string, number> } {
    const here = this.net.location;
    const byClass = new Map<string, number>();
    let unreachable = 0;
    for (const m of sets) {
      const far: Array<readonly [bigint, bigint]> = [];
      for (const id of m.classIds) {
        const members = this.cls(id).members;
        byClass.set(id, members.length);
        for (const w of members) {
          if (w.cloud === 'aws' && w.location.account === here.account && w.location.region === here.region) continue;
          for (const a of w.addresses) {
            const p = parseAddress(a);
            if (p.ok && p.value.family === m.family) far.push([p.value.value, p.value.value]);
          }
        }
      }
      const set = AddressSet.fromRanges(m.family, m.ranges);
      unreachable += set.intersect(AddressSet.fromRanges(m.family, far)).toCidrs().length;
    }
    return { unreachable, byClass };
  }
}

/**
 * The address-plan fix for peers no identity reaches (docs/address-plans.md): with segment-aligned
 * subnets declared in spec.addressPlans, a peer segment's addresses are written as its blocks.
 */
export function compressionFix(unreachable: number, planned: boolean): string {
  const what = `${unreachable} of these CIDRs are addresses of peers in other Regions or clouds`;
  return planned
    ? `segment-aligned subnets + compression (spec.addressPlans): ${what}; give those peers their own blocks (e.g. a /24 per app, tier and env) and cover their networks in spec.addressPlans, so each peer segment is written as its blocks`
    : `segment-aligned subnets + compression (spec.addressPlans): ${what}; allocate them a block per segment (e.g. a /24 per app, tier and env) and declare the networks' plans in spec.addressPlans, so each peer segment is written as its blocks instead of its members`;
}

/**
 * The end-to-end fix (docs/end-to-end.md): it widens ingress sets only, over sources whose own
 * egress segsync enforces, so it is offered for an ingress overflow alone.
 */
export function endToEndFix(direction: AwsDirection, declared: boolean): string | undefined {
  if (direction !== 'ingress') return undefined;
  return declared
    ? 'end-to-end mode (spec.endToEnd): declare more of the ranges every host of which segsync enforces, so ingress peers there are written as ranges'
    : 'end-to-end mode (spec.endToEnd, docs/end-to-end.md): where every host of a range is a segsync-enforced workload, declare the range, so ingress peers whose egress segsync enforces are written as ranges instead of members';
}

/** The smallest AWS quota change that holds `needed` units per ENI, or why none does. */
export function quotaFix(needed: number, budget: AwsBudget): string {
  const PRODUCT_MAX = 1000;
  if (needed > PRODUCT_MAX)
    return `no quota increase is enough: AWS caps rules per group (L-0EA8095F) × groups per interface (L-2AFB9258) at ${PRODUCT_MAX} units per network interface, this needs ${needed}`;
  const have = budget.rulesPerGroupPerDirectionPerFamily;
  for (let g = budget.groupsPerInterface; g <= 16; g++) {
    const rules = Math.max(have, Math.ceil(needed / g));
    if (rules * g > PRODUCT_MAX) continue;
    if (rules === have && g === budget.groupsPerInterface) break;
    const parts = [
      ...(rules !== have ? [`"Inbound or outbound rules per security group" (L-0EA8095F) to ${rules}`] : []),
      ...(g !== budget.groupsPerInterface ? [`"Security groups per network interface" (L-2AFB9258) to ${g}`] : []),
    ];
    return `raise the AWS quota ${parts.join(' and ')}, and limits.aws to match (first-fit packing may need a little more)`;
  }
  return `raise L-0EA8095F / L-2AFB9258 so that rules × groups holds ${needed} units with room for packing (at most ${PRODUCT_MAX})`;
}

function narrowedFinding(group: string, className: string, direction: AwsDirection, vpcId: string): Finding {
  return {
    severity: 'warning',
    code: 'other-protocols-narrowed',
    cloud: 'aws',
    target: group,
    message: `class ${className} in ${vpcId}: the policy allows ${direction} on protocols other than tcp, udp and icmp, which security groups here only get as tcp/udp/icmp rules (narrower, never wider)`,
    hint: 'write "any" to allow every protocol, or list tcp/udp/icmp ports explicitly',
  };
}
