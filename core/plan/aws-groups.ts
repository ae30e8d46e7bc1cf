/**
 * Security-group steps: create (complete before anything is attached), authorize missing units,
 * revoke extra units, delete groups no longer wanted. Pure (CLOUD-FACTS §1.1, §1.2, §1.5).
 *
 * - Units compare by key (protocol, ports, peer), never by description.
 * - A group this plan creates gets its rules in the 'create' phase, after every new group and
 *   prefix list exists (rules may reference each other, even in a cycle).
 * - A group to delete first loses its references to groups and prefix lists ('revoke'; by then
 *   no ENI carries it), so the deletes cannot hit DependencyViolation on each other.
 * - Between 'authorize' and 'revoke' a group holds old ∪ new units, with prefix lists at their
 *   largest size. If that exceeds the rule budget and no ENI leaves the group, old units whose
 *   still-wanted flows the new units already cover go early (aws-transition.ts); if no order
 *   fits, the plan gets a blocking error finding (the only alternative would be revoke-first,
 *   which breaks make-before-break; STYLE G5).
 */
import { awsScopeNetwork } from '../model/ids.ts';
import type { AwsDesired, AwsDesiredGroup } from '../compile/aws.ts';
import { canonicalUnits, describeUnit, totalWeight, unitWeight } from '../compile/aws-units.ts';
import {
  peerKey,
  unitKey,
  AWS_DIRECTIONS,
  type AwsDirection,
  type AwsPeer,
  type AwsRuleUnit,
} from '../model/native/aws-rules.ts';
import type { AwsSecurityGroup } from '../model/native/aws.ts';
import type { Owned } from '../ownership.ts';
import { groupKey, plKey, scopeTag, type AwsActualIndex } from '../model/native/aws-index.ts';
import type { AwsGroupRef, AwsStep } from './aws-steps.ts';
import { interleave, interleaveClass, lateCutsNothing, type ListGrowth } from './aws-transition.ts';
import type { Finding } from '../model/finding.ts';
import type { AwsBudget } from '../model/budgets.ts';

export interface GroupPlan {
  create: AwsStep[];
  createAuthorize: AwsStep[];
  authorize: AwsStep[];
  revoke: AwsStep[];
  delete: AwsStep[];
  findings: Finding[];
}

interface Where {
  scope: string;
  network: string;
  owner: string;
}

/**
 * Prefix-list growth a rule transition may sequence itself (aws-transition.ts ListGrowth): the
 * list's current MaxEntries, and its grow and entry-add steps, handed over with a sequence key.
 */
export interface GrowthSteps {
  currentMaxEntries(listName: string): number | undefined;
  finalMaxEntries(listName: string): number | undefined;
  /** MaxEntries the list needs when its change runs removes first (aws-prefix-lists.ts RemovesFirst). */
  removesFirstMaxEntries(listName: string): number | undefined;
  /** 'revoke': the list's whole change, removes first, after the transition's late revokes. */
  take(listName: string, sequence: string, phase: 'authorize' | 'revoke'): AwsStep[];
  /** A shrinking list's removes and shrink, so a deferred growth can follow them. */
  takeShrink(listName: string, sequence: string): AwsStep[];
  /** The CIDRs the plan adds to the list. */
  added(listName: string): string[];
  /** The CIDRs the plan removes from the list. */
  removed(listName: string): string[];
}

/** `leaving`: groups (groupKey) some ENI carries now but not after this plan. */
export function planGroups(
  desired: AwsDesired,
  idx: AwsActualIndex,
  budget: AwsBudget,
  peakMaxEntries: ReadonlyMap<string, number>,
  leaving: ReadonlySet<string>,
  growth?: GrowthSteps,
): GroupPlan {
  const out: GroupPlan = { create: [], createAuthorize: [], authorize: [], revoke: [], delete: [], findings: [] };
  const byClass = new Map<string, Record<AwsDirection, AwsRuleUnit[]>>();
  for (const g of desired.groups) {
    const key = `${g.vpcId}\u0000${g.classId}`;
    const all = byClass.get(key) ?? { ingress: [], egress: [] };
    for (const d of AWS_DIRECTIONS) all[d].push(...g[d]);
    byClass.set(key, all);
  }
  const classes = new Map<string, AwsDesiredGroup[]>();
  for (const g of desired.groups) {
    const key = `${g.vpcId}\u0000${g.classId}`;
    classes.set(key, [...(classes.get(key) ?? []), g]);
  }
  const planner = new GroupPlanner(
    idx,
    budget,
    peakMaxEntries,
    leaving,
    (g, d) => byClass.get(`${g.vpcId}\u0000${g.classId}`)?.[d] ?? [],
    (g, d) =>
      (classes.get(`${g.vpcId}\u0000${g.classId}`) ?? []).flatMap((c) => {
        const have = idx.ownedGroups.get(groupKey(c.vpcId, c.name));
        const want = new Set(c[d].map(unitKey));
        return have ? idx.units(have, d).filter((u) => !want.has(unitKey(u))) : [];
      }),
    (g, d) =>
      (classes.get(`${g.vpcId}\u0000${g.classId}`) ?? []).flatMap((c) => {
        const have = idx.ownedGroups.get(groupKey(c.vpcId, c.name));
        return have ? idx.units(have, d) : [];
      }),
    out,
    growth && { ...growth, referencedBy: listReferences(desired, idx) },
  );
  for (const groups of classes.values())
    if (groups.length > 1) for (const d of AWS_DIRECTIONS) planner.classTransition(groups, d);
  const wanted = new Set<string>();
  for (const g of desired.groups) {
    wanted.add(groupKey(g.vpcId, g.name));
    planner.desiredGroup(g);
  }
  for (const have of idx.sortedOwnedGroups()) {
    if (!wanted.has(groupKey(have.VpcId, have.GroupName))) planner.unwantedGroup(have);
  }
  return out;
}

interface GroupDirection {
  g: AwsDesiredGroup;
  ref: AwsGroupRef;
  where: Where;
  want: AwsRuleUnit[];
  actual: AwsRuleUnit[];
  keep: AwsRuleUnit[];
  missing: AwsRuleUnit[];
  extra: AwsRuleUnit[];
}

class GroupPlanner {
  /** `groupKey|direction` already planned as part of their class's transition. */
  private readonly planned = new Set<string>();

  constructor(
    private readonly idx: AwsActualIndex,
    private readonly budget: AwsBudget,
    private readonly peak: ReadonlyMap<string, number>,
    private readonly leaving: ReadonlySet<string>,
    /** Desired units of every group of `g`'s class (in its VPC) in one direction. */
    private readonly classUnits: (g: AwsDesiredGroup, d: AwsDirection) => AwsRuleUnit[],
    /** The existing units of every group of `g`'s class (in its VPC) that the plan revokes, in one direction. */
    private readonly classRevokes: (g: AwsDesiredGroup, d: AwsDirection) => AwsRuleUnit[],
    /** The existing units of every group of `g`'s class (in its VPC), in one direction. */
    private readonly classExisting: (g: AwsDesiredGroup, d: AwsDirection) => AwsRuleUnit[],
    private readonly out: GroupPlan,
    private readonly growth?: GrowthSteps & { referencedBy: ReadonlyMap<string, ReadonlySet<string>> },
  ) {}

  desiredGroup(g: AwsDesiredGroup): void {
    const have = this.idx.ownedGroups.get(groupKey(g.vpcId, g.name));
    const where: Where = { scope: g.scope, network: g.network, owner: this.idx.deploymentId };
    const ref: AwsGroupRef = { vpcId: g.vpcId, name: g.name, ...(have ? { id: have.GroupId } : {}) };
    if (!have) {
      this.out.create.push({
        ...common(where, g.name),
        phase: 'create',
        kind: 'create-group',
        group: ref,
        description: g.description,
        tags: g.tags,
        summary: `+ security group ${g.name} in ${g.vpcId} (${g.ingress.length} ingress, ${g.egress.length} egress rules; default egress revoked)`,
      });
    }
    for (const direction of AWS_DIRECTIONS)
      if (!this.planned.has(`${groupKey(g.vpcId, g.name)}|${direction}`))
        this.direction(g, have, ref, where, direction);
  }

  /**
   * When a class's existing groups cannot each hold old ∪ new, orders the rule changes of all of
   * them together (aws-transition.ts interleaveClass): units can then move between full groups.
   * The ops share one sequence key, so the engine runs them in this order. Nothing is planned here
   * (the per-group path and its findings take over) when the class has fewer than two existing
   * groups, when every group fits anyway, or when no order fits.
   */
  classTransition(groups: readonly AwsDesiredGroup[], direction: AwsDirection): void {
    const leaving = groups.some((g) => this.leaving.has(groupKey(g.vpcId, g.name)));
    const existing = groups.flatMap((g) => {
      const have = this.idx.ownedGroups.get(groupKey(g.vpcId, g.name));
      return have ? [{ g, have }] : [];
    });
    if (existing.length < 2) return;
    const all = existing.map(({ g, have }) => this.groupDirection(g, have, direction));
    if (all.every((p) => this.fits([...p.actual, ...p.want]))) return;
    // One group standing in for another is only true on ENIs that carry both: after an interrupted
    // apply some members may still lack a rule holder, so only groups every carrier has take part.
    const carriers = existing.map(({ have }) => this.carriersOf(have.GroupId));
    const everyone = new Set(carriers.flatMap((c) => [...c]));
    const parts = all.filter((_, i) => carriers[i]!.size === everyone.size);
    if (parts.length < 2) return;
    const grows = this.growable(parts, direction);
    const order = interleaveClass({
      wanted: leaving ? 'all' : this.classUnits(groups[0]!, direction),
      groups: parts.map((p) => ({ keep: p.keep, add: p.missing, remove: p.extra })),
      limit: this.budget.rulesPerGroupPerDirectionPerFamily,
      weight: (u) => unitWeight(u, (peer) => this.peakWeight(peer)),
      ...(grows ? { grows } : {}),
    });
    if (!order || !this.canDefer(order.deferred, grows!, groups[0]!, direction, order.postponed.flat())) return;
    const sequence = `class ${groups[0]!.vpcId}/${groups[0]!.classId} ${direction}`;
    for (const op of order.early)
      if (op.op === 'grow')
        this.out.authorize.push(...this.growth!.take(grows!.lists.get(op.list)!, sequence, 'authorize'));
      else this.out.authorize.push(this.ruleStep(parts[op.group]!, direction, op.op, 'authorize', op.units, sequence));
    const deferred = order.deferred.length > 0;
    order.late.forEach((late, i) => {
      if (late.length > 0)
        this.out.revoke.push(
          this.ruleStep(parts[i]!, direction, 'revoke', 'revoke', late, deferred ? sequence : undefined),
        );
    });
    this.deferGrowth(order.deferred, grows, sequence, `class ${groups[0]!.className}`);
    order.postponed.forEach((units, i) => {
      if (units.length > 0)
        this.out.revoke.push(this.ruleStep(parts[i]!, direction, 'revoke', 'revoke', units, sequence));
    });
    for (const p of parts) this.planned.add(`${groupKey(p.g.vpcId, p.g.name)}|${direction}`);
  }

  /** ENIs carrying each group, built once. */
  private carriers?: Map<string, Set<string>>;

  private carriersOf(groupId: string): ReadonlySet<string> {
    if (!this.carriers) {
      this.carriers = new Map();
      for (const eni of this.idx.interfaces.values())
        for (const id of eni.Groups.map((x) => x.GroupId)) {
          const set = this.carriers.get(id) ?? new Set<string>();
          set.add(eni.NetworkInterfaceId);
          this.carriers.set(id, set);
        }
    }
    return this.carriers.get(groupId) ?? new Set();
  }

  private groupDirection(g: AwsDesiredGroup, have: Owned<AwsSecurityGroup>, direction: AwsDirection): GroupDirection {
    const want = canonicalUnits(g[direction]).map((u) => this.withIds(u, g));
    const actual = this.idx.units(have, direction);
    const wantKeys = new Set(want.map(unitKey));
    const haveKeys = new Set(actual.map(unitKey));
    return {
      g,
      ref: { vpcId: g.vpcId, name: g.name, id: have.GroupId },
      where: { scope: g.scope, network: g.network, owner: this.idx.deploymentId },
      want,
      actual,
      keep: want.filter((u) => haveKeys.has(unitKey(u))),
      missing: want.filter((u) => !haveKeys.has(unitKey(u))),
      extra: canonicalUnits(actual.filter((u) => !wantKeys.has(unitKey(u)))),
    };
  }

  private ruleStep(
    p: Pick<GroupDirection, 'g' | 'ref' | 'where'>,
    direction: AwsDirection,
    kind: 'authorize' | 'revoke',
    phase: 'create' | 'authorize' | 'revoke',
    units: AwsRuleUnit[],
    sequence?: string,
  ): AwsStep {
    const base = { ...common(p.where, p.g.name), group: p.ref, direction, units, ...(sequence ? { sequence } : {}) };
    return kind === 'authorize'
      ? { ...base, phase: phase as 'create' | 'authorize', kind, summary: summary('+', p.g.name, direction, units) }
      : { ...base, phase: phase as 'authorize' | 'revoke', kind, summary: summary('-', p.g.name, direction, units) };
  }

  private direction(
    g: AwsDesiredGroup,
    have: Owned<AwsSecurityGroup> | undefined,
    ref: AwsGroupRef,
    where: Where,
    direction: AwsDirection,
  ): void {
    if (!have) {
      const want = canonicalUnits(g[direction]).map((u) => this.withIds(u, g));
      if (want.length > 0)
        this.out.createAuthorize.push(this.ruleStep({ g, ref, where }, direction, 'authorize', 'create', want));
      return this.checkPeak(g.name, `class ${g.className}`, direction, want);
    }
    const p = this.groupDirection(g, have, direction);
    const { actual, want, keep, missing, extra } = p;
    if (!this.fits([...actual, ...want])) {
      const grows = this.growable([p], direction);
      const order = interleave({
        wanted: this.leaving.has(groupKey(g.vpcId, g.name)) ? 'all' : this.classUnits(g, direction),
        keep,
        add: missing,
        remove: extra,
        limit: this.budget.rulesPerGroupPerDirectionPerFamily,
        weight: (u) => unitWeight(u, (peer) => this.peakWeight(peer)),
        ...(grows ? { grows } : {}),
      });
      if (order && this.canDefer(order.deferred, grows!, g, direction, order.postponed)) {
        // One sequence for the group's rule steps and the list steps taken into them.
        const sequence = `group ${g.vpcId}/${g.name}`;
        for (const op of order.early)
          if (op.op === 'grow')
            this.out.authorize.push(...this.growth!.take(grows!.lists.get(op.list)!, sequence, 'authorize'));
          else this.out.authorize.push(this.ruleStep(p, direction, op.op, 'authorize', op.units, sequence));
        if (order.late.length > 0)
          this.out.revoke.push(this.ruleStep(p, direction, 'revoke', 'revoke', order.late, sequence));
        this.deferGrowth(order.deferred, grows, sequence, g.name);
        if (order.postponed.length > 0)
          this.out.revoke.push(this.ruleStep(p, direction, 'revoke', 'revoke', order.postponed, sequence));
        return;
      }
    }
    if (missing.length > 0) this.out.authorize.push(this.ruleStep(p, direction, 'authorize', 'authorize', missing));
    if (extra.length > 0) this.out.revoke.push(this.ruleStep(p, direction, 'revoke', 'revoke', extra));
    this.checkPeak(g.name, `class ${g.className}`, direction, [...actual, ...want]);
  }

  /**
   * The prefix lists that grow in this plan and that no other existing group references, now or
   * after the plan (in this direction): their transition may grow them when it has made room.
   */
  private growable(
    parts: ReadonlyArray<Pick<GroupDirection, 'g' | 'actual' | 'want'>>,
    direction: AwsDirection,
  ): ListGrowth | undefined {
    if (!this.growth) return undefined;
    const ours = new Set(parts.map((p) => `${groupKey(p.g.vpcId, p.g.name)}|${direction}`));
    const current = new Map<string, number>();
    for (const p of parts)
      for (const u of [...p.actual, ...p.want]) {
        const name = u.peer.kind === 'prefix-list' ? u.peer.name : undefined;
        if (name === undefined || current.has(name)) continue;
        const now = this.growth.currentMaxEntries(name);
        const refs = this.growth.referencedBy.get(name) ?? new Set<string>();
        // A group this plan creates gets the list at its largest size (checkPeak) and joins later.
        const blocks = (r: string) => !ours.has(r) && this.idx.ownedGroups.has(r.slice(0, r.lastIndexOf('|')));
        if (now !== undefined && now < (this.peak.get(name) ?? 0) && ![...refs].some(blocks)) current.set(name, now);
      }
    if (current.size === 0) return undefined;
    // Lists of these groups that only shrink: a deferred growth may wait for their shrink too.
    const shrinking = new Map<string, number>();
    for (const p of parts)
      for (const u of [...p.actual, ...p.want]) {
        const name = u.peer.kind === 'prefix-list' ? u.peer.name : undefined;
        if (name === undefined || current.has(name) || shrinking.has(name) || this.takenLists.has(name)) continue;
        const [now, end] = [this.growth.currentMaxEntries(name), this.growth.finalMaxEntries(name)];
        if (now !== undefined && end !== undefined && end < now && (this.peak.get(name) ?? now) <= now)
          shrinking.set(name, end);
      }
    const sized = (sizes: ReadonlyMap<string, number>) => (u: AwsRuleUnit) =>
      unitWeight(u, (peer) =>
        peer.kind === 'prefix-list' && peer.name !== undefined && sizes.has(peer.name)
          ? sizes.get(peer.name)!
          : this.peakWeight(peer),
      );
    const settled = new Map(shrinking);
    for (const name of current.keys())
      settled.set(name, this.growth.removesFirstMaxEntries(name) ?? this.peak.get(name) ?? 0);
    const lists = new Map([...current.keys()].map((name) => [peerKey({ kind: 'prefix-list', name }), name]));
    const wanted = this.classUnits(parts[0]!.g, direction);
    const growth = this.growth;
    return {
      lists,
      weightBefore: sized(current),
      weightDeferred: sized(settled),
      shrinking: [...shrinking.keys()],
      cuts: (late, key) => {
        const name = lists.get(key)!;
        const holders = wanted.filter((u) => u.peer.kind === 'prefix-list' && u.peer.name === name);
        return !lateCutsNothing([late], holders, growth.added(name), key);
      },
    };
  }

  /** Lists whose steps a transition's sequence already took. */
  private readonly takenLists = new Set<string>();

  /**
   * A list may grow after the late revokes only if none of the class's revokes in this direction
   * (late ones, here or in its other groups) allows a flow the list's new entries give back.
   */
  private canDefer(
    deferred: readonly string[],
    grows: ListGrowth,
    g: AwsDesiredGroup,
    direction: AwsDirection,
    postponed: readonly AwsRuleUnit[],
  ): boolean {
    if (deferred.length === 0) return true;
    const wanted = this.classUnits(g, direction);
    const after = new Set(postponed.map(unitKey));
    const revoked = this.classRevokes(g, direction).filter((u) => !after.has(unitKey(u)));
    const existing = this.classExisting(g, direction);
    // Also gone before the deferred entries arrive: other lists' removed entries (through the
    // class's units naming them), and group references whose group loses a member in this plan.
    const losing = existing.filter(
      (u) => u.peer.kind === 'group' && u.peer.name !== undefined && this.leaving.has(groupKey(g.vpcId, u.peer.name)),
    );
    const named = (name: string) => (u: AwsRuleUnit) => u.peer.kind === 'prefix-list' && u.peer.name === name;
    const lists = [
      ...new Set(
        [...wanted, ...existing].flatMap((u) =>
          u.peer.kind === 'prefix-list' && u.peer.name !== undefined ? [u.peer.name] : [],
        ),
      ),
    ];
    return deferred.every((key) => {
      const name = grows.lists.get(key)!;
      const holders = wanted.filter(named(name));
      const removedElsewhere = lists
        .filter((other) => other !== name)
        .flatMap((other) =>
          [...wanted, ...existing]
            .filter(named(other))
            .flatMap((u) =>
              this.growth!.removed(other).map((cidr) => ({ ...u, peer: { kind: 'cidr' as const, cidr } })),
            ),
        );
      return lateCutsNothing([...revoked, ...losing, ...removedElsewhere], holders, this.growth!.added(name), key);
    });
  }

  /** Lists that grow only after the late revokes: their steps follow them, and the user is told. */
  private deferGrowth(
    deferred: readonly string[],
    grows: ListGrowth | undefined,
    sequence: string,
    where: string,
  ): void {
    if (deferred.length === 0) return;
    for (const name of grows!.shrinking ?? []) {
      this.takenLists.add(name);
      this.out.revoke.push(...this.growth!.takeShrink(name, sequence));
    }
    for (const key of deferred) {
      const name = grows!.lists.get(key)!;
      this.takenLists.add(name);
      this.out.revoke.push(...this.growth!.take(name, sequence, 'revoke'));
      this.out.findings.push({
        severity: 'warning',
        code: 'prefix-list-growth-deferred',
        cloud: 'aws',
        target: name,
        message: `prefix list ${name} gets its new entries only after old rules of ${where} are revoked: until then its groups have no room for it to grow; the new addresses' flows start then, no allowed flow is cut`,
        hint: 'nothing to do; to avoid the wait, raise limits.aws.rulesPerGroupPerDirectionPerFamily (with the AWS quota) or leave more room in the groups',
      });
    }
  }

  private fits(units: AwsRuleUnit[]): boolean {
    const limit = this.budget.rulesPerGroupPerDirectionPerFamily;
    const w = totalWeight(canonicalUnits(units), (p) => this.peakWeight(p));
    return w.ipv4 <= limit && w.ipv6 <= limit;
  }

  unwantedGroup(have: Owned<AwsSecurityGroup>): void {
    const scope = scopeTag(have.Tags);
    if (scope === undefined) {
      this.out.findings.push({
        severity: 'warning',
        code: 'owned-object-unplaced',
        cloud: 'aws',
        target: have.GroupId,
        message: `security group ${have.GroupName} (${have.GroupId}) carries segsync's owner tag but no location tag, so it cannot be deleted safely`,
        hint: 'delete it by hand if it is no longer needed',
      });
      return;
    }
    const where: Where = {
      scope,
      network: `${awsScopeNetwork(scope)}:${have.VpcId}`,
      owner: this.idx.deploymentId,
    };
    const ref: AwsGroupRef = { vpcId: have.VpcId, name: have.GroupName, id: have.GroupId };
    for (const direction of AWS_DIRECTIONS) {
      // Until its references are revoked it still weighs on every prefix list that grows meanwhile.
      this.checkPeak(have.GroupName, 'to be deleted', direction, this.idx.units(have, direction));
      const refs = canonicalUnits(this.idx.units(have, direction).filter((u) => u.peer.kind !== 'cidr'));
      if (refs.length > 0) {
        this.out.revoke.push({
          ...common(where, have.GroupName),
          phase: 'revoke',
          kind: 'revoke',
          group: ref,
          direction,
          units: refs,
          summary: summary('-', have.GroupName, direction, refs),
        });
      }
    }
    this.out.delete.push({
      ...common(where, have.GroupName),
      phase: 'delete',
      kind: 'delete-group',
      group: ref,
      summary: `- security group ${have.GroupName} (${have.GroupId})`,
    });
  }

  /** Desired peers carry the ids of objects that already exist; the rest apply resolves by name. */
  private withIds(u: AwsRuleUnit, g: AwsDesiredGroup): AwsRuleUnit {
    const p = u.peer;
    if (p.kind === 'cidr' || p.name === undefined) return u;
    const id =
      p.kind === 'group'
        ? this.idx.ownedGroups.get(groupKey(g.vpcId, p.name))?.GroupId
        : this.idx.ownedPrefixLists.get(plKey(g.scope, p.name))?.PrefixListId;
    return id === undefined ? u : { ...u, peer: { ...p, id } };
  }

  private checkPeak(name: string, what: string, direction: AwsDirection, units: AwsRuleUnit[]): void {
    if (this.fits(units)) return;
    const limit = this.budget.rulesPerGroupPerDirectionPerFamily;
    const w = totalWeight(canonicalUnits(units), (p) => this.peakWeight(p));
    this.out.findings.push({
      severity: 'error',
      code: 'transition-exceeds-quota',
      cloud: 'aws',
      target: name,
      message: `security group ${name} (${what}) would hold ${Math.max(w.ipv4, w.ipv6)} ${direction} rules while old and new rules overlap, above the limit of ${limit}; revoking first would cut allowed traffic`,
      hint: 'raise the AWS quota and limits.aws.rulesPerGroupPerDirectionPerFamily, or change the policy in two smaller applies',
    });
  }

  private peakWeight(p: AwsPeer): number {
    if (p.kind !== 'prefix-list') return 0;
    const byName = p.name !== undefined ? this.peak.get(p.name) : undefined;
    return byName ?? (p.id !== undefined ? (this.idx.prefixListsById.get(p.id)?.MaxEntries ?? 0) : 0);
  }
}

function common(where: Where, target: string) {
  return { cloud: 'aws' as const, scope: where.scope, network: where.network, owner: where.owner, target };
}

function summary(sign: '+' | '-', name: string, direction: AwsDirection, units: readonly AwsRuleUnit[]): string {
  const shown = units
    .slice(0, 3)
    .map((u) => describeUnit(u, direction))
    .join('; ');
  const more = units.length > 3 ? `; … ${units.length - 3} more` : '';
  return `~ security group ${name}: ${sign} ${direction} ${shown}${more}`;
}

/** Which groups (groupKey|direction) name each owned prefix list, now or after the plan. */
function listReferences(desired: AwsDesired, idx: AwsActualIndex): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  const note = (vpcId: string, name: string, direction: AwsDirection, units: readonly AwsRuleUnit[]) => {
    for (const u of units)
      if (u.peer.kind === 'prefix-list' && u.peer.name !== undefined) {
        const set = refs.get(u.peer.name) ?? new Set<string>();
        set.add(`${groupKey(vpcId, name)}|${direction}`);
        refs.set(u.peer.name, set);
      }
  };
  for (const direction of AWS_DIRECTIONS) {
    for (const g of desired.groups) note(g.vpcId, g.name, direction, g[direction]);
    for (const have of idx.sortedOwnedGroups()) note(have.VpcId, have.GroupName, direction, idx.units(have, direction));
  }
  return refs;
}
