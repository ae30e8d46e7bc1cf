/**
 * planAzure(desired, actual) → ordered Azure steps and findings. Pure and deterministic.
 *
 * Order (make-before-break, DESIGN.md §3): create ASGs, then NSGs complete with their rules and
 * denies → authorize new rules in existing NSGs → membership (all 'join-asgs', then all
 * 'set-nic') → revoke stale rules → delete NSGs, then ASGs (an NSG rule may still name an ASG
 * until its NSG is gone). Within a phase, steps are sorted by object id or name. Planning
 * details: azure-groups.ts (owned objects, rules, priorities), azure-nics.ts (membership).
 */
import { compareStrings } from '../model/compare.ts';
import { azureBudget } from '../compile/azure.ts';
import type { AzureDesired } from '../compile/azure-model.ts';
import { armKey } from '../model/ids.ts';
import type { AzureState } from '../model/native/azure.ts';
import { isOwnedAzure } from '../ownership.ts';
import { indexState, planAsgs, planNsgs } from './azure-groups.ts';
import { planNics } from './azure-nics.ts';
import type { AzureStep } from './azure-steps.ts';
import { emptyPhased, orderByPhase } from './phases.ts';
import type { Finding } from '../model/finding.ts';
import type { CompileContext } from '../model/budgets.ts';

export type {
  AzureStep,
  CreateAsgStep,
  CreateNsgStep,
  DeleteAsgStep,
  DeleteNsgStep,
  DeleteRuleStep,
  NicMembership,
  NicStep,
  PutRuleStep,
} from './azure-steps.ts';

/**
 * @example
 * const { steps } = planAzure(compileAzure(reach, ctx).desired, (await readAzure(api)).state, ctx, { exclusive: false });
 * steps.map((s) => s.kind); // ['create-asg', 'create-nsg', 'join-asgs', 'set-nic']
 */
export function planAzure(
  desired: AzureDesired,
  actual: AzureState,
  ctx: CompileContext,
  options: { exclusive: boolean },
): { steps: AzureStep[]; findings: Finding[] } {
  const idx = indexState(actual);
  const pctx = { deploymentId: ctx.deploymentId, budget: azureBudget(ctx) };
  const out = emptyPhased<AzureStep>();
  const findings: Finding[] = [];
  planAsgs(desired, idx, pctx, out, findings);
  planNsgs(desired, idx, pctx, out, findings);
  const owned = <T extends { id: string; tags?: Record<string, string> }>(
    xs: Iterable<T>,
    extra: ReadonlyArray<{ id: string }>,
  ): Set<string> =>
    new Set([
      ...[...xs].filter((x) => isOwnedAzure(x.tags, ctx.deploymentId)).map((x) => armKey(x.id)),
      ...extra.map((x) => armKey(x.id)),
    ]);
  planNics(
    desired,
    {
      ...pctx,
      exclusive: options.exclusive,
      idx,
      ownedAsgs: owned(idx.asgs.values(), desired.asgs),
      ownedNsgs: owned(idx.nsgs.values(), desired.nsgs),
    },
    out,
    findings,
  );
  // An NSG's rules may name an ASG until the NSG is gone (the service refuses to delete an ASG in use).
  out.delete = [
    ...out.delete.filter((s) => s.kind === 'delete-nsg'),
    ...out.delete.filter((s) => s.kind !== 'delete-nsg'),
  ];
  return { steps: orderByPhase(Object.values(out).flat()), findings: findings.sort(byFinding) };
}

function byFinding(a: Finding, b: Finding): number {
  const ka = `${a.severity}|${a.code}|${armKey(a.target)}`;
  const kb = `${b.severity}|${b.code}|${armKey(b.target)}`;
  return compareStrings(ka, kb);
}
