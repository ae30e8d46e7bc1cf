/**
 * The one use case every entry point runs (CLI, demo, event handlers, drift schedule): read the
 * clouds, compile, plan, apply in order, and say what happened. The imperative shell around the
 * pure core; events only decide *when* it runs, never *what* it does (DESIGN.md §4).
 */
import { compile, type Desired } from '../core/compile/index.ts';
import { ConflictError, SegsyncError } from '../core/errors.ts';
import type { Inventory } from '../core/model/inventory.ts';
import type { NativeState } from '../core/model/native/index.ts';
import { blockingFindings, plan, type Plan } from '../core/plan/index.ts';
import type { CompileContext } from '../core/model/budgets.ts';
import type { Step } from '../core/plan/step.ts';
import type { Policy } from '../core/policy/types.ts';
import type { CloudAdapter } from './adapter.ts';
import { realClock, type Clock } from './engine/clock.ts';
import { runSteps, type RunOptions } from './engine/run.ts';

export interface Clouds {
  aws: CloudAdapter<'aws'>;
  azure: CloudAdapter<'azure'>;
  gcp: CloudAdapter<'gcp'>;
}

export interface World {
  inventory: Inventory;
  state: NativeState;
}

/** One read per location of every cloud (workloads and native state together), all clouds in parallel. */
export async function readWorld(clouds: Clouds): Promise<World> {
  const [aws, azure, gcp] = await Promise.all([clouds.aws.read(), clouds.azure.read(), clouds.gcp.read()]);
  return {
    inventory: { workloads: [...aws.workloads, ...azure.workloads, ...gcp.workloads] },
    state: { aws: aws.state, azure: azure.state, gcp: gcp.state },
  };
}

export interface Planned extends World {
  desired: Desired;
  plan: Plan;
}

export async function planWorld(policy: Policy, clouds: Clouds, ctx: CompileContext): Promise<Planned> {
  const world = await readWorld(clouds);
  const desired = compile(policy, world.inventory, ctx);
  return { ...world, desired, plan: plan(desired, world.state, ctx, { exclusive: policy.exclusive }) };
}

export interface ApplyOptions extends Omit<RunOptions, 'clock'> {
  /** Injected so tests do not wait (backoff only); `clock` replaces it. */
  sleep?: (ms: number) => Promise<void>;
  /** The engine's clock (backoff, pacing in paced clouds); default real time. */
  clock?: Clock;
}

/** Applies the steps with the engine (adapters/engine/run.ts): phases as barriers, locations in parallel. */
export async function applySteps(steps: readonly Step[], clouds: Clouds, options: ApplyOptions = {}): Promise<number> {
  const { sleep, clock, ...rest } = options;
  const engineClock = clock ?? (sleep ? { now: realClock.now, sleep } : realClock);
  return (await runSteps(steps, (step) => applyOne(step, clouds), { ...rest, clock: engineClock })).applied;
}

function applyOne(step: Step, clouds: Clouds): Promise<void> {
  switch (step.cloud) {
    case 'aws':
      return clouds.aws.apply(step);
    case 'azure':
      return clouds.azure.apply(step);
    case 'gcp':
      return clouds.gcp.apply(step);
  }
}

export interface ReconcileResult {
  rounds: number;
  applied: number;
  last: Planned;
}

/**
 * Plan and apply until nothing is left; a conflict (someone else wrote first) re-reads and
 * re-plans instead of forcing. Refuses, before any write, a plan with error findings.
 */
export async function reconcile(
  policy: Policy,
  clouds: Clouds,
  ctx: CompileContext,
  options: ApplyOptions & { maxRounds?: number } = {},
): Promise<ReconcileResult> {
  let applied = 0;
  for (let round = 1; ; round++) {
    const planned = await planWorld(policy, clouds, ctx);
    const blocking = blockingFindings(planned.plan);
    if (blocking.length > 0) throw new PlanBlockedError(blocking.map((f) => `${f.cloud} ${f.target}: ${f.message}`));
    if (planned.plan.steps.length === 0 || round > (options.maxRounds ?? 3))
      return { rounds: round, applied, last: planned };
    try {
      applied += await applySteps(planned.plan.steps, clouds, options);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
}

export class PlanBlockedError extends SegsyncError {
  readonly retryable = false;
  constructor(readonly reasons: string[]) {
    super(`the plan has ${reasons.length} blocking problem(s); nothing was applied:\n  ${reasons.join('\n  ')}`);
  }
}
