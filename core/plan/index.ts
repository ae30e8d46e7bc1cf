/**
 * plan(desired, actual) → ordered steps for all three clouds. Pure.
 *
 * Each cloud's planner diffs its own objects; this module only joins them and orders the result
 * by phase (create → authorize → membership → revoke → delete, DESIGN.md §3), keeping each
 * cloud's own order inside a phase, so an apply is make-before-break across clouds too.
 */
import type { Desired } from '../compile/index.ts';
import type { NativeState } from '../model/native/index.ts';
import { planAws } from './aws.ts';
import { planAzure } from './azure.ts';
import { planGcp } from './gcp.ts';
import { orderByPhase } from './phases.ts';
import type { Finding } from '../model/finding.ts';
import type { CompileContext } from '../model/budgets.ts';
import type { Step } from './step.ts';

export interface Plan {
  steps: Step[];
  findings: Finding[];
}

/**
 * @example
 * const p = plan(compile(policy, inventory, ctx), (await adapter.read()).state, ctx, { exclusive: policy.exclusive });
 * p.steps.length === 0; // up to date
 */
export function plan(
  desired: Desired,
  actual: NativeState,
  ctx: CompileContext,
  options: { exclusive: boolean },
): Plan {
  const parts: Array<{ steps: readonly Step[]; findings: Finding[] }> = [
    planAws(desired.aws, actual.aws, ctx, options),
    planAzure(desired.azure, actual.azure, ctx, options),
    planGcp(desired.gcp, actual.gcp, ctx, options),
  ];
  const ordered = orderByPhase(parts.flatMap((p): Step[] => [...p.steps]));
  return { steps: ordered, findings: [...desired.findings, ...parts.flatMap((p) => p.findings)] };
}

/** A plan with an error finding must not be applied: it would be half of what the policy says. */
export function blockingFindings(p: Plan): Finding[] {
  return p.findings.filter((f) => f.severity === 'error');
}
