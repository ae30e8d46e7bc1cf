/**
 * Planning the owned Azure objects: ASGs, NSGs and NSG rules (pure, deterministic).
 *
 * - Only objects carrying this deployment's owner tag are ever written or deleted (STYLE G7): a
 *   foreign object that happens to have segsync's name is a blocking finding, never a target.
 * - A new NSG is created complete (rules + catch-all denies) in the create phase. An existing
 *   one is changed rule by rule: new/changed rules in authorize, stale rules in revoke.
 * - Priorities (CLOUD-FACTS §2.1: 100–4096, unique per direction) are assigned here, not in
 *   compile: every custom rule but the deny is an Allow, so their order does not matter; a rule
 *   that exists keeps its slot, a new rule takes the lowest slot no current rule holds (not even
 *   one about to be revoked), and the last slot is the deny's. So a plan against an up-to-date
 *   state is empty, and adding a rule never moves another.
 * - While an NSG changes, old and new rules coexist; if that peak breaks a per-NSG budget the
 *   plan reports a blocking 'transient-quota' finding instead of revoking first (STYLE G5).
 */
import { compareStrings } from '../model/compare.ts';
import type { Phased as PhasedOf } from './phases.ts';
import { exceeded, costOf } from '../compile/azure-fit.ts';
import { ruleKey, type AzureDesired, type AzureDesiredNsg, type AzureDesiredRule } from '../compile/azure-model.ts';
import { armKey } from '../model/ids.ts';
import { armParts, azureNetworkId } from '../model/ids.ts';
import type {
  AzureApplicationSecurityGroup,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureState,
} from '../model/native/azure.ts';
import { vnetOfSubnet } from '../model/native/azure.ts';
import { assertOwned, isOwnedAzure, type Owned } from '../ownership.ts';
import type { AzureStep, DeleteRuleStep, PutRuleStep } from './azure-steps.ts';
import type { Finding } from '../model/finding.ts';
import type { AzureBudget } from '../model/budgets.ts';

export interface StateIndex {
  nsgs: Map<string, AzureNetworkSecurityGroup>;
  asgs: Map<string, AzureApplicationSecurityGroup>;
  nics: Map<string, AzureNetworkInterface>;
  subnetNsgs: Map<string, string>;
}

export function indexState(s: AzureState): StateIndex {
  const by = <T extends { id: string }>(xs: readonly T[]): Map<string, T> => new Map(xs.map((x) => [armKey(x.id), x]));
  return {
    nsgs: by(s.networkSecurityGroups),
    asgs: by(s.applicationSecurityGroups),
    nics: by(s.networkInterfaces),
    subnetNsgs: new Map(Object.entries(s.subnetNetworkSecurityGroups ?? {}).map(([k, v]) => [armKey(k), v])),
  };
}

export interface PlanContext {
  deploymentId: string;
  budget: AzureBudget;
}

export type Phased = PhasedOf<AzureStep>;

type Head = Pick<AzureStep, 'cloud' | 'scope' | 'network' | 'resourceGroup' | 'target' | 'summary'>;

function head(id: string, network: string, summary: string): Head {
  const { subscription, resourceGroup } = armParts(id);
  return { cloud: 'azure', scope: subscription, network, resourceGroup, target: id, summary };
}

const byName = <T extends { name: string }>(a: T, b: T): number =>
  compareStrings(a.name.toLowerCase(), b.name.toLowerCase());
const sameTags = (a: Record<string, string> | undefined, b: Record<string, string>): boolean =>
  Object.entries(b).every(([k, v]) => a?.[k] === v);

function nameConflict(id: string, what: string): Finding {
  return {
    severity: 'error',
    code: 'name-conflict',
    cloud: 'azure',
    target: id,
    message: `an ${what} named like segsync's already exists without this deployment's owner tag; segsync will not touch it`,
    hint: 'rename or delete that object, or use another deployment id',
  };
}

/** Where an owned object no longer desired belongs, for grouping the rendered plan. */
function orphanNetwork(id: string, idx: StateIndex): string {
  const key = armKey(id);
  for (const nic of idx.nics.values()) {
    for (const ipc of nic.properties.ipConfigurations) {
      const uses =
        armKey(nic.properties.networkSecurityGroup?.id ?? '') === key ||
        (ipc.properties.applicationSecurityGroups ?? []).some((a) => armKey(a.id) === key);
      if (uses) return azureNetworkId(vnetOfSubnet(ipc.properties.subnet.id));
    }
  }
  const { subscription, resourceGroup } = armParts(id);
  return azureNetworkId(`/subscriptions/${subscription}/resourceGroups/${resourceGroup}`);
}

/**
 * Plans one kind of owned group (ASGs or NSGs) of `desired` against the indexed state: steps go
 * into `out`, blocking conflicts into `findings`.
 */
type GroupPlanner = (
  desired: AzureDesired,
  idx: StateIndex,
  ctx: PlanContext,
  out: Phased,
  findings: Finding[],
) => void;

export const planAsgs: GroupPlanner = (desired, idx, ctx, out, findings) => {
  for (const d of desired.asgs) {
    const a = idx.asgs.get(armKey(d.id));
    if (a && !isOwnedAzure(a.tags, ctx.deploymentId)) findings.push(nameConflict(d.id, 'application security group'));
    else if (!a || !sameTags(a.tags, d.tags)) {
      out.create.push({
        ...head(d.id, d.network, `+ ASG ${d.name} (${d.className})`),
        kind: 'create-asg',
        phase: 'create',
        name: d.name,
        location: d.location,
        tags: d.tags,
      });
    }
  }
  deleteUnwanted(idx.asgs.values(), desired.asgs, { label: 'ASG', kind: 'delete-asg' }, idx, ctx, out);
};

export const planNsgs: GroupPlanner = (desired, idx, ctx, out, findings) => {
  for (const d of desired.nsgs) {
    const a = idx.nsgs.get(armKey(d.id));
    if (!a) {
      out.create.push({
        ...head(d.id, d.network, `+ NSG ${d.name} (${d.rules.length} rule${d.rules.length === 1 ? '' : 's'})`),
        kind: 'create-nsg',
        phase: 'create',
        name: d.name,
        location: d.location,
        tags: d.tags,
        securityRules: withFreshPriorities(d.rules, ctx.budget),
      });
    } else if (!isOwnedAzure(a.tags, ctx.deploymentId)) {
      findings.push(nameConflict(d.id, 'NSG'));
    } else {
      diffRules(
        d,
        assertOwned(a, (x) => isOwnedAzure(x.tags, ctx.deploymentId), `NSG ${a.id}`),
        ctx,
        out,
        findings,
      );
    }
  }
  deleteUnwanted(idx.nsgs.values(), desired.nsgs, { label: 'NSG', kind: 'delete-nsg' }, idx, ctx, out);
};

/** Deletes, in name order, every ASG or NSG this deployment owns that `desired` no longer holds. */
function deleteUnwanted(
  found: Iterable<AzureApplicationSecurityGroup | AzureNetworkSecurityGroup>,
  desired: readonly { id: string }[],
  what: { label: 'ASG' | 'NSG'; kind: 'delete-asg' | 'delete-nsg' },
  idx: StateIndex,
  ctx: PlanContext,
  out: Phased,
): void {
  const wanted = new Set(desired.map((d) => armKey(d.id)));
  for (const a of [...found].sort(byName)) {
    if (!isOwnedAzure(a.tags, ctx.deploymentId) || wanted.has(armKey(a.id))) continue;
    const owned = assertOwned(a, (x) => isOwnedAzure(x.tags, ctx.deploymentId), `${what.label} ${a.id}`);
    out.delete.push({
      ...head(owned.id, orphanNetwork(owned.id, idx), `- ${what.label} ${owned.name}`),
      kind: what.kind,
      phase: 'delete',
      name: owned.name,
    });
  }
}

const toRule = (r: AzureDesiredRule, priority: number): AzureSecurityRule => ({
  name: r.name,
  properties: { ...r.properties, priority },
});

/** A new NSG: allows numbered from priorityMin per direction in name order, the deny at its slot. */
function withFreshPriorities(rules: readonly AzureDesiredRule[], budget: AzureBudget): AzureSecurityRule[] {
  const next = { Inbound: budget.priorityMin, Outbound: budget.priorityMin };
  return rules.map((r) => toRule(r, r.fixedPriority ?? next[r.properties.direction]++));
}

class Slots {
  private readonly used = { Inbound: new Set<number>(), Outbound: new Set<number>() };
  constructor(
    rules: readonly AzureSecurityRule[],
    private readonly budget: AzureBudget,
  ) {
    for (const r of rules) this.used[r.properties.direction]?.add(r.properties.priority);
  }
  /** A slot a fixed rule (the probe allow, the deny) will take: no allow may be given it. */
  reserve(direction: 'Inbound' | 'Outbound', priority: number): void {
    this.used[direction].add(priority);
  }
  /** Lowest slot no current rule holds, below the deny's. */
  take(direction: 'Inbound' | 'Outbound'): number | undefined {
    for (let p = this.budget.priorityMin; p < this.budget.priorityMax; p++) {
      if (!this.used[direction].has(p)) {
        this.used[direction].add(p);
        return p;
      }
    }
    return undefined;
  }
}

interface RuleDiff {
  allowPuts: AzureSecurityRule[];
  denyNow: AzureSecurityRule[];
  denyLater: AzureSecurityRule[];
  deletes: AzureSecurityRule[];
  exhausted: string[];
}

function ruleDiff(d: AzureDesiredNsg, rules: readonly AzureSecurityRule[], budget: AzureBudget): RuleDiff {
  const current = new Map(rules.map((r) => [r.name.toLowerCase(), r]));
  const wanted = new Set(d.rules.map((r) => r.name.toLowerCase()));
  const slots = new Slots(rules, budget);
  for (const r of d.rules) if (r.fixedPriority !== undefined) slots.reserve(r.properties.direction, r.fixedPriority);
  const diff: RuleDiff = {
    allowPuts: [],
    denyNow: [],
    denyLater: [],
    deletes: rules.filter((r) => !wanted.has(r.name.toLowerCase())).sort(byName),
    exhausted: [],
  };
  const same = (cur: AzureSecurityRule | undefined, r: AzureDesiredRule): boolean =>
    cur !== undefined && ruleKey(cur.properties) === ruleKey(r.properties);
  for (const r of d.rules) {
    const cur = current.get(r.name.toLowerCase());
    const dir = r.properties.direction;
    if (r.fixedPriority !== undefined) {
      if (same(cur, r) && cur!.properties.priority === r.fixedPriority) continue;
      const occupant = rules.find(
        (x) =>
          x.properties.direction === dir &&
          x.properties.priority === r.fixedPriority &&
          x.name.toLowerCase() !== r.name.toLowerCase(),
      );
      // A rule about to be revoked still holds the deny's slot until the revoke phase.
      (occupant && !wanted.has(occupant.name.toLowerCase()) ? diff.denyLater : diff.denyNow).push(
        toRule(r, r.fixedPriority),
      );
      continue;
    }
    const keep =
      cur !== undefined &&
      cur.properties.direction === dir &&
      cur.properties.priority >= budget.priorityMin &&
      cur.properties.priority < budget.priorityMax;
    if (keep && same(cur, r)) continue;
    const priority = keep ? cur!.properties.priority : slots.take(dir);
    if (priority === undefined) diff.exhausted.push(r.name);
    else diff.allowPuts.push(toRule(r, priority));
  }
  return diff;
}

function diffRules(
  d: AzureDesiredNsg,
  a: Owned<AzureNetworkSecurityGroup>,
  ctx: PlanContext,
  out: Phased,
  findings: Finding[],
): void {
  const diff = ruleDiff(d, a.properties.securityRules, ctx.budget);
  const put = (r: AzureSecurityRule, phase: 'authorize' | 'revoke'): PutRuleStep => ({
    ...head(`${a.id}/securityRules/${r.name}`, d.network, `+ rule ${r.name} @${r.properties.priority} in ${a.name}`),
    kind: 'put-rule',
    phase,
    nsgName: a.name,
    rule: r,
  });
  const del = (r: AzureSecurityRule): DeleteRuleStep => ({
    ...head(`${a.id}/securityRules/${r.name}`, d.network, `- rule ${r.name} from ${a.name}`),
    kind: 'delete-rule',
    phase: 'revoke',
    nsgName: a.name,
    ruleName: r.name,
  });
  out.authorize.push(
    ...diff.allowPuts.map((r) => put(r, 'authorize')),
    ...diff.denyNow.map((r) => put(r, 'authorize')),
  );
  out.revoke.push(...diff.deletes.map(del), ...diff.denyLater.map((r) => put(r, 'revoke')));
  for (const name of diff.exhausted) {
    findings.push({
      severity: 'error',
      code: 'priority-exhausted',
      cloud: 'azure',
      target: a.id,
      message: `no free priority below ${ctx.budget.priorityMax} for rule ${name} in ${a.name}`,
    });
  }
  const peak = new Map<string, Pick<AzureSecurityRule, 'properties'>>(
    a.properties.securityRules.map((r) => [r.name.toLowerCase(), r]),
  );
  for (const r of [...diff.allowPuts, ...diff.denyNow]) peak.set(r.name.toLowerCase(), r);
  const over = exceeded(costOf([...peak.values()]), ctx.budget, 1, false);
  if (over) {
    findings.push({
      severity: 'error',
      code: 'transient-quota',
      cloud: 'azure',
      target: a.id,
      message: `while ${a.name} changes, its old and new rules together need ${over.needed} ${over.limit} (limit ${over.allowed}); segsync adds before it removes, so this change cannot be applied safely in one plan`,
      hint: 'raise the Azure limit, or roll the policy change out in two smaller steps',
    });
  }
}
