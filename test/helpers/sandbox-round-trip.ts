/**
 * The plan → apply → verify harness of the sandbox round trips (test/adapters/<cloud>/sandbox.test.ts):
 * plan against what the adapter reads, judge a state with the native evaluator, and apply a plan
 * step by step with the make-before-break check (make-before-break.ts) after every step, and the
 * assertions the round trips of every cloud share.
 */
import { expect } from 'vitest';
import type { CloudAdapter, StateOf, StepOf } from '../../adapters/adapter.ts';
import { applySteps, type Clouds } from '../../adapters/reconcile.ts';
import { computeReach, type Reach } from '../../core/compile/reach.ts';
import type { CompileContext } from '../../core/model/budgets.ts';
import type { Finding } from '../../core/model/finding.ts';
import type { Workload } from '../../core/model/inventory.ts';
import type { NativeState } from '../../core/model/native/index.ts';
import type { Policy } from '../../core/policy/types.ts';
import { verify } from '../../core/verify/index.ts';
import { applyChecked, boundsViolations } from './make-before-break.ts';
import { emptyNative } from './native.ts';

/** One cloud's compile and plan stages (e.g. compileAws and planAws). */
export interface CloudStages<C extends keyof StateOf, D> {
  cloud: C;
  compile(reach: Reach, ctx: CompileContext): { desired: D; findings: Finding[] };
  plan(
    desired: D,
    actual: StateOf[C],
    ctx: CompileContext,
    options: { exclusive: boolean },
  ): { steps: StepOf[C][]; findings: Finding[] };
}

/** planNow, judge and applyEachChecked for one cloud; `w` is any test world holding that cloud's adapter. */
export function roundTrip<C extends keyof StateOf, D>(stages: CloudStages<C, D>, ctx: CompileContext) {
  type World = { adapter: CloudAdapter<C> };
  const native = (state: StateOf[C]): NativeState => ({ ...emptyNative(), [stages.cloud]: state });

  async function planNow(w: World, policy: Policy) {
    const workloads = (await w.adapter.read()).workloads;
    const state = (await w.adapter.read()).state;
    const compiled = stages.compile(computeReach(policy, workloads), ctx);
    const plan = stages.plan(compiled.desired, state, ctx, { exclusive: policy.exclusive });
    return { workloads, state, desired: compiled.desired, plan, findings: [...compiled.findings, ...plan.findings] };
  }

  const judge = (policy: Policy, workloads: Workload[], state: StateOf[C]) =>
    verify(policy, { workloads }, native(state));

  /** Applies every step; after each, make-before-break against the state before. */
  const applyEachChecked = (w: World, policy: Policy, workloads: Workload[], before: StateOf[C], steps: StepOf[C][]) =>
    applyChecked(
      steps,
      (step) => w.adapter.apply(step),
      async () =>
        boundsViolations(
          { native: native(before) },
          { policy, inventory: { workloads } },
          native((await w.adapter.read()).state),
        ),
    );

  /**
   * Applies a plan step by step with the make-before-break check; then verify finds nothing and a
   * re-plan is empty. Returns the state read back and how many flows verify checked.
   */
  async function expectConverged(w: World, policy: Policy, planned: Awaited<ReturnType<typeof planNow>>) {
    expect(await applyEachChecked(w, policy, planned.workloads, planned.state, planned.plan.steps)).toEqual([]);
    const after = (await w.adapter.read()).state;
    const { checked, disagreements } = judge(policy, planned.workloads, after);
    expect(disagreements).toEqual([]);
    expect((await planNow(w, policy)).plan.steps).toEqual([]);
    return { after, checked };
  }

  /** Plans and applies with the retrying apply loop (backoff without sleeping); returns what verify then finds. */
  async function disagreementsAfterRetries(w: World, policy: Policy) {
    const first = await planNow(w, policy);
    await applySteps(first.plan.steps, { [stages.cloud]: w.adapter } as unknown as Clouds, { sleep: async () => {} });
    return judge(policy, first.workloads, (await w.adapter.read()).state).disagreements;
  }

  return { planNow, judge, applyEachChecked, expectConverged, disagreementsAfterRetries };
}

/** `phase:kind` of every step, in plan order. */
export const kinds = (steps: readonly { phase: string; kind: string }[]) => steps.map((s) => `${s.phase}:${s.kind}`);
