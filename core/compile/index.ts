/**
 * compile(policy, inventory) → desired native state for all three clouds. Pure and
 * deterministic: reach.ts computes the exact allow-sets once, cloud-neutrally; aws.ts, azure.ts
 * and gcp.ts only translate them into each cloud's objects within its budgets.
 */
import { QuotaExceededError } from '../errors.ts';
import type { Inventory } from '../model/inventory.ts';
import type { Policy } from '../policy/types.ts';
import type { Finding } from '../model/finding.ts';
import type { CompileContext } from '../model/budgets.ts';
import type { Workload } from '../model/inventory.ts';
import type { AwsDesired } from './aws.ts';
import type { AzureDesired } from './azure.ts';
import type { GcpDesired } from './gcp.ts';
import { assemble, networkMemo, type NetworkMemo } from './assemble.ts';
import { ReachState, type Reach } from './reach.ts';
import { policyWarnings } from '../policy/coverage.ts';
import { WarningsMemo } from './warnings-memo.ts';

export interface Desired {
  reach: Reach;
  aws: AwsDesired;
  azure: AzureDesired;
  gcp: GcpDesired;
  findings: Finding[];
}

/**
 * @example
 * const desired = compile(policy, { workloads }, { deploymentId: 'prod' });
 * desired.aws; // security groups, prefix lists and ENI memberships to converge on
 */
export function compile(policy: Policy, inventory: Inventory, ctx: CompileContext): Desired {
  const state = ReachState.build(policy, inventory.workloads);
  const memo: Memo = {
    state,
    policy,
    ctx: ctxKey(ctx),
    networks: networkMemo(),
    workloads: new Map(inventory.workloads.map((w) => [w.id, w])),
    warnings: new WarningsMemo(policy, policyFindings(policy, inventory)),
  };
  const desired = finish(state.reach, policy, inventory, ctx, memo);
  MEMOS.set(desired, memo);
  return desired;
}

/**
 * compile() after a change, redoing only what the change touches: the classes the changed
 * workloads leave and join, the classes whose rules read those classes' members, and the
 * networks that hold any of them; every other network's reach and cloud objects are reused.
 * The result equals compile(policy, inventory, ctx) byte for byte (property-tested).
 *
 * `changedWorkloadIds` must name every workload added, removed or modified since `previous`
 * (ids of the new inventory and of the previous one); `previous` must come from compile() or
 * recompile() and is consumed: its memo moves to the result, so recompiling from it a second
 * time, or with another policy or context, is a full compile.
 *
 * @example
 * let desired = compile(policy, inventory, ctx);
 * desired = recompile(desired, policy, nextInventory, ['i-0abc'], ctx); // one re-tag
 */
export function recompile(
  previous: Desired,
  policy: Policy,
  inventory: Inventory,
  changedWorkloadIds: Iterable<string>,
  ctx: CompileContext,
): Desired {
  const memo = MEMOS.get(previous);
  if (!memo || memo.policy !== policy || memo.ctx !== ctxKey(ctx)) return compile(policy, inventory, ctx);
  MEMOS.delete(previous);
  const changed = new Set(changedWorkloadIds);
  const prev = new Map<string, Workload>();
  const next = new Map<string, Workload>();
  for (const id of changed) {
    const w = memo.workloads.get(id);
    if (w) prev.set(id, w);
  }
  for (const w of inventory.workloads) if (changed.has(w.id)) next.set(w.id, w);
  const findingsHold = memo.warnings.update(memo.workloads.values(), prev, next);
  for (const id of prev.keys()) memo.workloads.delete(id);
  for (const [id, w] of next) memo.workloads.set(id, w);
  const reach = memo.state.update(prev, next);
  if (!findingsHold) memo.warnings.findings = policyFindings(policy, inventory);
  const desired = finish(reach, policy, inventory, ctx, memo);
  MEMOS.set(desired, memo);
  return desired;
}

/** What recompile keeps of a compile: the reach state and each network's cloud objects. */
interface Memo {
  state: ReachState;
  policy: Policy;
  ctx: string;
  networks: NetworkMemo;
  workloads: Map<string, Workload>;
  /** The policy findings, kept while a change cannot alter them. */
  warnings: WarningsMemo;
}
const MEMOS = new WeakMap<Desired, Memo>();
const ctxKey = (ctx: CompileContext) => JSON.stringify([ctx.deploymentId, ctx.limits ?? null]);

function finish(reach: Reach, policy: Policy, inventory: Inventory, ctx: CompileContext, memo: Memo): Desired {
  // Every cloud compiles even when another refuses, so one error lists every violation.
  const { aws, azure, gcp, refusals } = assemble(reach, ctx, policy, memo.networks);
  if (!aws || !azure || !gcp) throw QuotaExceededError.combine(refusals);
  const findings = [
    ...memo.warnings.findings,
    ...labelFindings(inventory),
    ...aws.findings,
    ...azure.findings,
    ...gcp.findings,
  ];
  return { reach, aws: aws.desired, azure: azure.desired, gcp: gcp.desired, findings };
}

/** What the policy means for this estate: selectors matching nothing, address peers covering workloads. */
function policyFindings(policy: Policy, inventory: Inventory): Finding[] {
  return policyWarnings(policy, inventory.workloads).map((w): Finding => ({
    severity: 'warning',
    code: w.code,
    target: w.target,
    message: w.message,
    hint: w.hint,
  }));
}

/** Tag problems (collisions, invalid keys) are workload errors the user must see in every plan. */
function labelFindings(inventory: Inventory): Finding[] {
  return inventory.workloads.flatMap((w) =>
    w.labelProblems.map((p): Finding => ({
      severity: 'warning',
      code: p.code,
      cloud: w.cloud,
      target: w.id,
      message: p.message,
      hint: p.hint,
    })),
  );
}
