/**
 * ENI membership steps and foreign-group findings. Pure (CLOUD-FACTS §1.1, §1.2, §1.4, §6.7).
 *
 * - Every ENI of a managed member gets its class's groups (identity first, then rule holders),
 *   plus, unless the policy is exclusive, the groups someone else put there (they are unioned
 *   with ours and can widen access: reported as 'foreign-group'). One step per ENI whose set
 *   differs (compared as a set: order means nothing to EC2); ModifyNetworkInterfaceAttribute
 *   replaces the whole set, so foreign groups are written back by id.
 * - With `exclusive`, foreign groups come off in the 'revoke' phase, after ours are on (see
 *   exclusiveMembership): a first rollout is two writes per ENI, a later class move one.
 * - The set must fit `groupsPerInterface` INCLUDING kept foreign groups, else QuotaExceededError.
 * - An ENI that carries our groups but is no longer a managed member (its workload left every
 *   enforced segment, or its class vanished) is released: our groups come off, foreign ones
 *   stay; an ENI needs at least one group, so an otherwise empty one gets its VPC's default
 *   group. Other ENIs are never touched.
 */
import type { AwsDesired, AwsDesiredMembership } from '../compile/aws.ts';
import { cmp, describeUnit, AWS_DIRECTIONS } from '../compile/aws-units.ts';
import { QuotaExceededError } from '../errors.ts';
import type { AwsNetworkInterface } from '../model/native/aws.ts';
import { DEFAULT_GROUP_NAME, groupKey, scopeTag, type AwsActualIndex } from './aws-actual.ts';
import type { AwsGroupRef, AwsSetMembershipStep } from './aws-steps.ts';
import type { AwsBudget, Finding } from './step-base.ts';

export interface MembershipPlan {
  /** 'membership' phase: ENIs get their class's groups. */
  steps: AwsSetMembershipStep[];
  /** 'revoke' phase: foreign groups come off (exclusive), once our groups are in place. */
  detach: AwsSetMembershipStep[];
  findings: Finding[];
}

export function planMemberships(desired: AwsDesired, idx: AwsActualIndex, budget: AwsBudget, exclusive: boolean): MembershipPlan {
  const out: MembershipPlan = { steps: [], detach: [], findings: [] };
  const foreignUse = new Map<string, string[]>();
  const managed = new Set<string>();
  for (const m of desired.memberships) {
    managed.add(m.interfaceId);
    const eni = idx.interfaces.get(m.interfaceId);
    if (!eni) {
      out.findings.push({ severity: 'warning', code: 'interface-missing', cloud: 'aws', target: m.interfaceId, message: `ENI ${m.interfaceId} of ${m.workloadId} was not found in the state read; its membership is left for the next run` });
      continue;
    }
    const foreign = eni.Groups.filter((g) => !idx.isOwnedGroupId(g.GroupId)).map((g): AwsGroupRef => ({ vpcId: eni.VpcId, name: g.GroupName, id: g.GroupId }));
    if (!exclusive) for (const f of foreign) foreignUse.set(f.id!, [...(foreignUse.get(f.id!) ?? []), `${eni.NetworkInterfaceId} (${m.workloadId})`]);
    const ours = m.groups.map((name): AwsGroupRef => {
      const id = idx.ownedGroups.get(groupKey(m.vpcId, name))?.GroupId;
      return { vpcId: m.vpcId, name, ...(id ? { id } : {}) };
    });
    const where = { scope: m.scope, network: m.network, why: `class ${m.className} of ${m.workloadId}` };
    if (!exclusive) {
      checkFits(m, [...ours, ...foreign], foreign.length, false, budget);
      pushIfChanged(out.steps, idx, eni, [...ours, ...foreign], where, 'membership');
    } else {
      checkFits(m, ours, 0, true, budget);
      exclusiveMembership(out, idx, eni, ours, foreign, where, budget);
    }
  }
  release(out, idx, managed);
  out.findings.push(...[...foreignUse.entries()].sort(([a], [b]) => cmp(a, b)).map(([id, enis]) => foreignFinding(idx, id, enis)));
  return out;
}

/**
 * Exclusive: removing a foreign group is narrowing, so it waits for the revoke phase; meanwhile
 * the ENI carries ours AND theirs (a union: old ∪ new). If both do not fit on the ENI, the
 * swap is one write in the membership phase, reported because it is not make-before-break.
 */
function exclusiveMembership(out: MembershipPlan, idx: AwsActualIndex, eni: AwsNetworkInterface, ours: AwsGroupRef[], foreign: AwsGroupRef[], where: Where, budget: AwsBudget): void {
  if (foreign.length === 0) return pushIfChanged(out.steps, idx, eni, ours, where, 'membership');
  const interim = [...ours, ...foreign];
  if (interim.length <= budget.groupsPerInterface) {
    pushIfChanged(out.steps, idx, eni, interim, where, 'membership');
    return pushIfChanged(out.detach, idx, eni, ours, { ...where, why: `${where.why}, foreign groups removed (exclusive)` }, 'revoke', interim);
  }
  pushIfChanged(out.steps, idx, eni, ours, where, 'membership');
  out.findings.push({
    severity: 'warning', code: 'membership-swap', cloud: 'aws', target: eni.NetworkInterfaceId,
    message: `ENI ${eni.NetworkInterfaceId} cannot carry segsync's ${ours.length} group(s) beside its ${foreign.length} foreign group(s) (limit ${budget.groupsPerInterface}), so they are swapped in one write: flows the foreign groups allowed stop at that moment, before anything else moves`,
    hint: 'raise the AWS quota and limits.aws.groupsPerInterface for a gap-free rollout',
  });
}

function checkFits(m: AwsDesiredMembership, next: readonly AwsGroupRef[], foreign: number, exclusive: boolean, budget: AwsBudget): void {
  if (next.length <= budget.groupsPerInterface) return;
  throw new QuotaExceededError({
    segment: m.className, cloud: 'aws', object: `network interface ${m.interfaceId} of ${m.workloadId}`,
    limit: 'security groups per network interface', allowed: budget.groupsPerInterface, needed: next.length,
    hint: exclusive || foreign === 0 ? 'raise the AWS quota and limits.aws.groupsPerInterface'
      : `${foreign} foreign group(s) are kept on it; set exclusive: true in the policy to replace them, or remove them by hand`,
  });
}

/** Set comparison by id where known, else by name (a group this plan creates). */
function refKey(r: AwsGroupRef, idx: AwsActualIndex): string {
  const id = r.id ?? idx.ownedGroups.get(groupKey(r.vpcId, r.name))?.GroupId;
  return id ?? `name:${r.name}`;
}

interface Where { scope: string; network: string; why: string }

/** `from`: the set the ENI will have by then (an earlier step of this plan may change it first). */
function pushIfChanged(into: AwsSetMembershipStep[], idx: AwsActualIndex, eni: AwsNetworkInterface, next: AwsGroupRef[], ctx: Where, phase: 'membership' | 'revoke', from?: AwsGroupRef[]): void {
  const before = from ?? eni.Groups.map((g): AwsGroupRef => ({ vpcId: eni.VpcId, name: g.GroupName, id: g.GroupId }));
  const now = before.map((r) => refKey(r, idx)).sort(cmp);
  const then = next.map((r) => refKey(r, idx)).sort(cmp);
  if (now.join(',') === then.join(',')) return;
  into.push({
    cloud: 'aws', scope: ctx.scope, network: ctx.network, owner: idx.deploymentId, phase, kind: 'set-membership',
    target: eni.NetworkInterfaceId, interfaceId: eni.NetworkInterfaceId, vpcId: eni.VpcId, groups: next,
    summary: `~ ${eni.NetworkInterfaceId} (${ctx.why}): groups ${before.map((r) => r.name).join(', ') || 'none'} → ${next.map((r) => r.name).join(', ')}`,
  });
}

function release(out: MembershipPlan, idx: AwsActualIndex, managed: ReadonlySet<string>): void {
  const enis = [...idx.interfaces.values()].sort((a, b) => cmp(a.NetworkInterfaceId, b.NetworkInterfaceId));
  for (const eni of enis) {
    if (managed.has(eni.NetworkInterfaceId)) continue;
    const ours = eni.Groups.filter((g) => idx.isOwnedGroupId(g.GroupId));
    if (ours.length === 0) continue;
    const scope = scopeTag(idx.groupsById.get(ours[0]!.GroupId)!.Tags);
    const keep = eni.Groups.filter((g) => !idx.isOwnedGroupId(g.GroupId)).map((g): AwsGroupRef => ({ vpcId: eni.VpcId, name: g.GroupName, id: g.GroupId }));
    const fallback = [...idx.groupsById.values()].find((g) => g.VpcId === eni.VpcId && g.GroupName === DEFAULT_GROUP_NAME);
    if (keep.length === 0 && fallback) keep.push({ vpcId: eni.VpcId, name: fallback.GroupName, id: fallback.GroupId });
    if (keep.length === 0 || scope === undefined) {
      out.findings.push({ severity: 'error', code: 'interface-not-released', cloud: 'aws', target: eni.NetworkInterfaceId,
        message: `ENI ${eni.NetworkInterfaceId} is no longer managed but carries segsync's groups, and no group (not even the VPC's default) is known to put in their place` });
      continue;
    }
    pushIfChanged(out.steps, idx, eni, keep, { scope, network: `aws:${scope.replace('/', ':')}:${eni.VpcId}`, why: 'no longer managed' }, 'membership');
  }
}

function foreignFinding(idx: AwsActualIndex, id: string, enis: readonly string[]): Finding {
  const g = idx.groupsById.get(id);
  const rules = g ? AWS_DIRECTIONS.flatMap((d) => idx.units(g, d).map((u) => `${d} ${describeUnit(u, d)}`)) : [];
  const shown = rules.length === 0 ? 'no rules' : rules.slice(0, 5).join('; ') + (rules.length > 5 ? `; … ${rules.length - 5} more` : '');
  return {
    severity: 'warning', code: 'foreign-group', cloud: 'aws', target: id,
    message: `security group ${id}${g ? ` (${g.GroupName})` : ''} is not segsync's and stays on ${enis.length} managed interface(s) (${enis.join(', ')}); it adds ${shown}. Security groups are a union of allows, so it can widen what the policy allows`,
    hint: 'set exclusive: true in the policy to have segsync remove it from managed interfaces',
  };
}
