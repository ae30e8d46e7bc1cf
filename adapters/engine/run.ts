/**
 * The apply engine (DESIGN.md §3 "Apply engine"):
 * - phases are global barriers: every location finishes 'create' before any starts 'authorize',
 *   and so on, so cross-cloud address sets exist before any member moves;
 * - inside a phase, locations (AWS account+Region, Azure subscription, GCP project) run in
 *   parallel; inside a location, at most `maxInFlight` steps at once (a p-queue), ordered by
 *   order.ts; the calls themselves are paced by the location's buckets (paced-api.ts);
 * - a step that fails with a retryable error (5xx, a dropped connection, throttling beyond the
 *   call-level retries) is re-run whole after a jittered backoff (steps are idempotent), at most
 *   `attempts` times; a 4xx is never retried unchanged (terminal: nothing new starts anywhere,
 *   running steps finish, the error is thrown);
 * - a ConflictError stops that location's phase (nothing more starts there); the other locations
 *   finish the phase, and the run ends with the ConflictError so reconcile re-reads and re-plans.
 */
import PQueue from 'p-queue';
import { ConflictError, SegsyncError } from '../../core/errors.ts';
import { PHASES } from '../../core/plan/step-base.ts';
import type { Step } from '../../core/plan/step.ts';
import { realClock, type Clock } from './clock.ts';
import { stepOrder } from './order.ts';
import { RATE_TABLES } from './paced-api.ts';

export interface StepEvent {
  step: Step;
  /** Steps finished so far in this run, this one included. */
  done: number;
  total: number;
  attempts: number;
  /** Clock time the step took, ms (waiting for tokens included). */
  ms: number;
}

export interface RunOptions {
  clock?: Clock;
  /** Steps in flight per location; default the cloud's table (rates-*.ts). */
  maxInFlight?: number;
  /** Runs of one step for retryable errors (default 6). */
  attempts?: number;
  /** Random source for backoff jitter (default Math.random). */
  random?: () => number;
  /** After each step succeeds (progress, and the make-before-break checks in tests). */
  onStep?: (step: Step, index: number) => void | Promise<void>;
  onProgress?: (event: StepEvent) => void;
}

export interface RunResult {
  applied: number;
  /** Step re-runs after retryable failures. */
  retries: number;
  ms: number;
}

export function locationOf(step: Step): string {
  return `${step.cloud} ${step.cloud === 'azure' ? step.scope.toLowerCase() : step.scope}`;
}

export async function runSteps(
  steps: readonly Step[],
  execute: (step: Step) => Promise<void>,
  options: RunOptions = {},
): Promise<RunResult> {
  const clock = options.clock ?? realClock;
  const attempts = options.attempts ?? 6;
  const random = options.random ?? Math.random;
  const start = clock.now();
  const state = {
    applied: 0,
    retries: 0,
    failure: undefined as unknown,
    conflict: undefined as ConflictError | undefined,
  };

  const runOne = async (step: Step): Promise<void> => {
    const began = clock.now();
    let attempt = 1;
    for (; ; attempt++) {
      try {
        await execute(step);
        break;
      } catch (e) {
        const retryable = e instanceof SegsyncError && e.retryable && !(e instanceof ConflictError);
        if (!retryable || attempt >= attempts) throw e;
        state.retries += 1;
        // Full jitter (CLOUD-FACTS §1.5): many writers on one bucket must not retry in lockstep.
        await clock.sleep(random() * Math.min(20_000, 200 * 2 ** attempt));
      }
    }
    const done = ++state.applied;
    await options.onStep?.(step, done - 1);
    options.onProgress?.({ step, done, total: steps.length, attempts: attempt, ms: clock.now() - began });
  };

  const runLocation = async (located: readonly Step[]): Promise<void> => {
    const cloud = located[0]!.cloud;
    const queue = new PQueue({ concurrency: options.maxInFlight ?? RATE_TABLES[cloud].maxInFlight });
    let stopped = false;
    const ranks = [...new Set(located.map((s) => stepOrder(s).rank))].sort((a, b) => a - b);
    for (const rank of ranks) {
      const chains = new Map<string, Promise<void>>();
      for (const step of located) {
        const order = stepOrder(step);
        if (order.rank !== rank) continue;
        const previous = chains.get(order.key) ?? Promise.resolve();
        const task = previous.then(() =>
          queue.add(async () => {
            if (stopped || state.failure !== undefined) throw new Skipped();
            try {
              await runOne(step);
            } catch (e) {
              if (e instanceof ConflictError) {
                stopped = true;
                state.conflict ??= e;
              } else if (!(e instanceof Skipped)) state.failure ??= e;
              throw e;
            }
          }),
        );
        chains.set(order.key, task);
      }
      await Promise.allSettled(chains.values());
      if (stopped || state.failure !== undefined) return;
    }
  };

  for (const phase of PHASES) {
    const byLocation = new Map<string, Step[]>();
    for (const s of steps) {
      if (s.phase !== phase) continue;
      const key = locationOf(s);
      const list = byLocation.get(key);
      if (list) list.push(s);
      else byLocation.set(key, [s]);
    }
    await Promise.all([...byLocation.values()].map(runLocation));
    if (state.failure !== undefined) throw state.failure;
    if (state.conflict) throw state.conflict;
  }
  return { applied: state.applied, retries: state.retries, ms: clock.now() - start };
}

/** A step not started because its location stopped (conflict) or the run failed. */
class Skipped extends Error {}
