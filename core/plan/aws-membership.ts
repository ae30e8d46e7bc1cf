/**
 * ENI membership steps and foreign-group findings. Pure (CLOUD-FACTS §1.1, §1.2, §1.4, §6.7).
 *
 * - Every ENI of a managed member gets its class's groups (identity first, then rule holders),
 *   plus, unless the policy is exclusive, the groups someone else put there (they are unioned
 *   with ours and can widen access: reported as 'foreign-group'). One step per ENI whose set
 *   differs (compared as a set: order means nothing to EC2); ModifyNetworkInterfaceAttribute
 *   replaces the whole set, so foreign groups are written back by id.
 * - Order (planMove): groups are added in 'membership' and taken off in 'revoke'; a workload
 *   moving alone (in its VPC) between classes is one write. With `exclusive`, a first rollout
 *   therefore puts ours beside the foreign groups, then removes those: two writes per ENI; a
 *   re-tag later, one.
 * - A monitor-mode member's ENI keeps its own groups (even with `exclusive`) and gains segsync's
 *   inert identity group (no rules: it widens nothing, it only lets same-VPC peers name it).
 * - The set must fit `groupsPerInterface` INCLUDING kept foreign groups, else QuotaExceededError.
 * - An ENI that carries our groups but is no longer a managed member (its workload left every
 *   enforced segment, or its class vanished) is released in 'revoke', after managed ENIs left
 *   foreign groups: our groups come off, foreign ones stay; an ENI needs at least one group, so
 *   an otherwise empty one gets its VPC's default group (joining it earlier would let it reach
 *   managed ENIs still in that group). Other ENIs are never touched.
 */
import { plural } from '../diagnostics.ts';
import { awsScopeNetwork } from '../model/ids.ts';
import type { AwsDesired, AwsDesiredMembership } from '../compile/aws.ts';
import { describeUnit } from '../compile/aws-units.ts';
import { compareStrings } from '../model/compare.ts';
import { AWS_DIRECTIONS } from '../model/native/aws-rules.ts';
import { QuotaExceededError } from '../errors.ts';
import type { AwsNetworkInterface } from '../model/native/aws.ts';
import { DEFAULT_GROUP_NAME, groupKey, scopeTag, type AwsActualIndex } from '../model/native/aws-index.ts';
import type { AwsGroupRef, AwsSetMembershipStep } from './aws-steps.ts';
import type { Finding } from '../model/finding.ts';
import type { AwsBudget } from '../model/budgets.ts';

export interface MembershipPlan {
  /** 'membership' phase: ENIs get their class's groups (widening, or a swap). */
  steps: AwsSetMembershipStep[];
  /** 'revoke' phase: groups come off ENIs (narrowing) once the new ones are in place. */
  detach: AwsSetMembershipStep[];
  findings: Finding[];
}

interface Where {
  scope: string;
  network: string;
  why: string;
}
interface Move {
  workloadId: string;
  eni: AwsNetworkInterface;
  cur: AwsGroupRef[];
  fin: AwsGroupRef[];
  where: Where;
}

export function planMemberships(
  desired: AwsDesired,
  idx: AwsActualIndex,
  budget: AwsBudget,
  exclusive: boolean,
): MembershipPlan {
  const out: MembershipPlan = { steps: [], detach: [], findings: [] };
  const foreignUse = new Map<string, string[]>();
  const moves: Move[] = [];
  for (const m of desired.memberships) {
    const eni = idx.interfaces.get(m.interfaceId);
    if (!eni) {
      out.findings.push({
        severity: 'warning',
        code: 'interface-missing',
        cloud: 'aws',
        target: m.interfaceId,
        message: `ENI ${m.interfaceId} of ${m.workloadId} was not found in the state read; its membership is left for the next run`,
      });
      continue;
    }
    const cur = eni.Groups.map((g): AwsGroupRef => ({ vpcId: eni.VpcId, name: g.GroupName, id: g.GroupId }));
    const foreign = cur.filter((g) => !idx.isOwnedGroupId(g.id!));
    // A monitor-mode member keeps its own groups whatever `exclusive` says: ours is inert.
    const replace = exclusive && m.monitored !== true;
    if (!replace && m.monitored !== true)
      for (const f of foreign)
        foreignUse.set(f.id!, [...(foreignUse.get(f.id!) ?? []), `${eni.NetworkInterfaceId} (${m.workloadId})`]);
    const ours = m.groups.map((name): AwsGroupRef => {
      const id = idx.ownedGroups.get(groupKey(m.vpcId, name))?.GroupId;
      return { vpcId: m.vpcId, name, ...(id ? { id } : {}) };
    });
    const fin = replace ? ours : [...ours, ...foreign];
    checkFits(m, fin, replace ? 0 : foreign.length, replace, budget);
    moves.push({
      workloadId: m.workloadId,
      eni,
      cur,
      fin,
      where: { scope: m.scope, network: m.network, why: `class ${m.className} of ${m.workloadId}` },
    });
  }
  const swaps = swappingWorkloads(moves, idx);
  for (const mv of moves) planMove(out, idx, mv, (swaps.get(mv.eni.VpcId)?.size ?? 0) <= 1, budget);
  release(out, idx, new Set(desired.memberships.map((m) => m.interfaceId)));
  out.findings.push(
    ...[...foreignUse.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([id, enis]) => foreignFinding(idx, id, enis)),
  );
  return out;
}

/** Owned groups (`groupKey`) that some ENI carries now and will not carry at the end of this plan. */
export function groupsLosingMembers(desired: AwsDesired, idx: AwsActualIndex): Set<string> {
  const finalOf = new Map(desired.memberships.map((m) => [m.interfaceId, new Set(m.groups)]));
  const out = new Set<string>();
  for (const eni of idx.interfaces.values()) {
    for (const g of eni.Groups) {
      const sg = idx.groupsById.get(g.GroupId);
      if (sg && idx.isOwnedGroupId(sg.GroupId) && !finalOf.get(eni.NetworkInterfaceId)?.has(sg.GroupName))
        out.add(groupKey(sg.VpcId, sg.GroupName));
    }
  }
  return out;
}

/** Per VPC, the workloads whose ENIs both gain and lose groups in this plan. */
function swappingWorkloads(moves: readonly Move[], idx: AwsActualIndex): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const mv of moves) {
    const { gains, loses } = diff(mv.cur, mv.fin, idx);
    if (gains && loses) out.set(mv.eni.VpcId, (out.get(mv.eni.VpcId) ?? new Set()).add(mv.workloadId));
  }
  return out;
}

function diff(
  cur: readonly AwsGroupRef[],
  fin: readonly AwsGroupRef[],
  idx: AwsActualIndex,
): { gains: boolean; loses: boolean } {
  const a = new Set(cur.map((r) => refKey(r, idx)));
  const b = new Set(fin.map((r) => refKey(r, idx)));
  return { gains: [...b].some((k) => !a.has(k)), loses: [...a].some((k) => !b.has(k)) };
}

/**
 * Make-before-break for one ENI (DESIGN.md §3): gaining groups only is widening ('membership');
 * losing groups only is narrowing ('revoke'). A swap is one write when its workload is the only
 * one swapping in its VPC: everything about that workload changes at once, which is what a
 * re-tag into another class needs. When several swap, a peer still in the old group would lose
 * a workload that already left it, so each ENI first carries old ∪ new ('membership') and drops
 * the old in 'revoke'; if old ∪ new does not fit on the ENI, it swaps in one write, reported.
 */
function planMove(out: MembershipPlan, idx: AwsActualIndex, mv: Move, alone: boolean, budget: AwsBudget): void {
  const { gains, loses } = diff(mv.cur, mv.fin, idx);
  if (!gains && !loses) return;
  if (!loses) return push(out.steps, idx, mv, mv.fin, 'membership', mv.cur);
  if (!gains) return push(out.detach, idx, mv, mv.fin, 'revoke', mv.cur);
  if (alone) return push(out.steps, idx, mv, mv.fin, 'membership', mv.cur);
  const finKeys = new Set(mv.fin.map((r) => refKey(r, idx)));
  const interim = [...mv.fin, ...mv.cur.filter((r) => !finKeys.has(refKey(r, idx)))];
  if (interim.length <= budget.groupsPerInterface) {
    push(out.steps, idx, mv, interim, 'membership', mv.cur);
    return push(out.detach, idx, mv, mv.fin, 'revoke', interim);
  }
  push(out.steps, idx, mv, mv.fin, 'membership', mv.cur);
  out.findings.push({
    severity: 'warning',
    code: 'membership-swap',
    cloud: 'aws',
    target: mv.eni.NetworkInterfaceId,
    message: `ENI ${mv.eni.NetworkInterfaceId} cannot carry its old and new groups together (${interim.length} > ${budget.groupsPerInterface}), so they are swapped in one write while other workloads in ${mv.eni.VpcId} also move: flows between them may pause until every ENI has moved`,
    hint: 'raise the AWS quota and limits.aws.groupsPerInterface for a gap-free change',
  });
}

function checkFits(
  m: AwsDesiredMembership,
  next: readonly AwsGroupRef[],
  foreign: number,
  exclusive: boolean,
  budget: AwsBudget,
): void {
  if (next.length <= budget.groupsPerInterface) return;
  throw new QuotaExceededError({
    segment: m.className,
    cloud: 'aws',
    object: `network interface ${m.interfaceId} of ${m.workloadId}`,
    limit: 'security groups per network interface',
    allowed: budget.groupsPerInterface,
    needed: next.length,
    hint:
      exclusive || foreign === 0
        ? 'raise the AWS quota and limits.aws.groupsPerInterface'
        : m.monitored
          ? `a monitor-mode workload keeps its ${plural(foreign, 'own group')} and gets segsync's inert identity group beside them; remove one of its groups or raise the AWS quota (L-2AFB9258)`
          : `${plural(foreign, 'foreign group')} ${foreign === 1 ? 'is' : 'are'} kept on it; set exclusive: true in the policy to replace them, or remove them by hand`,
  });
}

/** Set comparison by id where known, else by name (a group this plan creates). */
function refKey(r: AwsGroupRef, idx: AwsActualIndex): string {
  const id = r.id ?? idx.ownedGroups.get(groupKey(r.vpcId, r.name))?.GroupId;
  return id ?? `name:${r.name}`;
}

function push(
  into: AwsSetMembershipStep[],
  idx: AwsActualIndex,
  mv: Move,
  next: AwsGroupRef[],
  phase: 'membership' | 'revoke',
  from: readonly AwsGroupRef[],
): void {
  into.push(membershipStep(idx, mv.eni, next, from, mv.where, phase));
}

function membershipStep(
  idx: AwsActualIndex,
  eni: AwsNetworkInterface,
  next: AwsGroupRef[],
  from: readonly AwsGroupRef[],
  ctx: Where,
  phase: 'membership' | 'revoke',
): AwsSetMembershipStep {
  return {
    cloud: 'aws',
    scope: ctx.scope,
    network: ctx.network,
    owner: idx.deploymentId,
    phase,
    kind: 'set-membership',
    target: eni.NetworkInterfaceId,
    interfaceId: eni.NetworkInterfaceId,
    vpcId: eni.VpcId,
    groups: next,
    summary: `~ ${eni.NetworkInterfaceId} (${ctx.why}): groups ${from.map((r) => r.name).join(', ') || 'none'} → ${next.map((r) => r.name).join(', ')}`,
  };
}

function release(out: MembershipPlan, idx: AwsActualIndex, managed: ReadonlySet<string>): void {
  const enis = [...idx.interfaces.values()].sort((a, b) => compareStrings(a.NetworkInterfaceId, b.NetworkInterfaceId));
  for (const eni of enis) {
    if (managed.has(eni.NetworkInterfaceId)) continue;
    const ours = eni.Groups.filter((g) => idx.isOwnedGroupId(g.GroupId));
    if (ours.length === 0) continue;
    const scope = scopeTag(idx.groupsById.get(ours[0]!.GroupId)!.Tags);
    const keep = eni.Groups.filter((g) => !idx.isOwnedGroupId(g.GroupId)).map((g): AwsGroupRef => ({
      vpcId: eni.VpcId,
      name: g.GroupName,
      id: g.GroupId,
    }));
    const fallback = [...idx.groupsById.values()].find(
      (g) => g.VpcId === eni.VpcId && g.GroupName === DEFAULT_GROUP_NAME,
    );
    if (keep.length === 0 && fallback) keep.push({ vpcId: eni.VpcId, name: fallback.GroupName, id: fallback.GroupId });
    if (keep.length === 0 || scope === undefined) {
      out.findings.push({
        severity: 'error',
        code: 'interface-not-released',
        cloud: 'aws',
        target: eni.NetworkInterfaceId,
        message: `ENI ${eni.NetworkInterfaceId} is no longer managed but carries segsync's groups, and no group (not even the VPC's default) is known to put in their place`,
      });
      continue;
    }
    const cur = eni.Groups.map((g): AwsGroupRef => ({ vpcId: eni.VpcId, name: g.GroupName, id: g.GroupId }));
    out.detach.push(
      membershipStep(
        idx,
        eni,
        keep,
        cur,
        { scope, network: `${awsScopeNetwork(scope)}:${eni.VpcId}`, why: 'no longer managed' },
        'revoke',
      ),
    );
  }
}

function foreignFinding(idx: AwsActualIndex, id: string, enis: readonly string[]): Finding {
  const g = idx.groupsById.get(id);
  const rules = g ? AWS_DIRECTIONS.flatMap((d) => idx.units(g, d).map((u) => `${d} ${describeUnit(u, d)}`)) : [];
  const shown =
    rules.length === 0
      ? 'no rules'
      : rules.slice(0, 5).join('; ') + (rules.length > 5 ? `; … ${rules.length - 5} more` : '');
  return {
    severity: 'warning',
    code: 'foreign-group',
    cloud: 'aws',
    target: id,
    message: `security group ${id}${g ? ` (${g.GroupName})` : ''} is not segsync's and stays on ${plural(enis.length, 'managed interface')} (${enis.join(', ')}); it adds ${shown}. Security groups are a union of allows, so it can widen what the policy allows`,
    hint: 'set exclusive: true in the policy to have segsync remove it from managed interfaces',
  };
}
