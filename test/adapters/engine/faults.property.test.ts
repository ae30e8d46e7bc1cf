/**
 * The apply engine under the clouds' failure responses (DESIGN.md §7 SEGSYNC_SANDBOX_FAULTS):
 * random policies × random estates (test/helpers/arbitraries.ts), applied fault-free, then changed
 * (a new policy, or one workload re-tagged) and applied through the engine with random throttling,
 * 5xx, stale-version conflicts and writes whose connection dropped after they took effect, on a
 * simulated clock (backoff and pacing cost no real time). Each case: reconcile converges (the next
 * plan is empty), verify finds 0 disagreements, and after every single step the make-before-break
 * bounds hold (for a re-tag both bounds, for a policy change the upper bound, as in
 * test/helpers/make-before-break.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planWorld, PlanBlockedError, readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { SimulatedClock } from '../../../adapters/engine/clock.ts';
import { sandboxClouds } from '../../../adapters/engine/clouds.ts';
import { Pacer } from '../../../adapters/engine/paced-api.ts';
import { RandomFaults } from '../../../adapters/sandbox/faults.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { verify } from '../../../core/verify/index.ts';
import { estateOf, instancesArb, labelsArb, policyArb, retag } from '../../helpers/arbitraries.ts';
import { boundsViolations } from '../../helpers/make-before-break.ts';

const ctx = { deploymentId: 'faults' };
// Each case applies two plans on three sandbox clouds and checks the bounds after every step.
const RUNS = 20;

const refusal = (e: unknown) => e instanceof QuotaExceededError || e instanceof PlanBlockedError;

describe('apply engine under random faults (property)', () => {
  it(`converges, verify finds 0 disagreements, make-before-break after every step (${RUNS} cases)`, async () => {
    let refused = 0;
    const injected = { throttle: 0, transient: 0, conflict: 0, dropped: 0 };
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        fc.option(policyArb, { nil: undefined }),
        instancesArb,
        fc.nat(),
        labelsArb,
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        async (oldText, newText, instances, pick, newLabels, seed) => {
          const oldPolicy = parsePolicy(oldText, 'old.yaml');
          const newPolicy = newText === undefined ? oldPolicy : parsePolicy(newText, 'new.yaml');
          const sandbox = Sandbox.fromEstate(estateOf(instances));
          try {
            await reconcile(oldPolicy, sandbox.clouds(), ctx);
          } catch (e) {
            if (!refusal(e)) throw e;
            return void refused++;
          }
          const old = await readWorld(sandbox.clouds());
          if (newText === undefined) {
            const w = old.inventory.workloads[pick % old.inventory.workloads.length]!;
            retag(sandbox, w.cloud, w.nativeId, w.location, newLabels);
          }
          const next = (await readWorld(sandbox.clouds())).inventory;

          const clock = new SimulatedClock();
          const faults = new RandomFaults({ throttle: 0.2, transient: 0.05, conflict: 0.05, dropped: 0.05, seed });
          const pacer = new Pacer({ clock });
          const clouds = sandboxClouds(sandbox, faults.wrap, pacer.wrap);
          const violations: string[] = [];
          try {
            await clock.run(() =>
              reconcile(newPolicy, clouds, ctx, {
                clock,
                maxRounds: 40,
                onStep: (step, i) => {
                  const before = { policy: oldPolicy, inventory: old.inventory };
                  const after = { policy: newPolicy, inventory: next };
                  for (const v of boundsViolations(before, after, sandbox.snapshot(), {
                    upperOnly: newText !== undefined,
                  }))
                    violations.push(`after step ${i + 1} (${step.cloud} ${step.kind} ${step.target}): ${v}`);
                },
              }),
            );
          } catch (e) {
            if (!refusal(e)) throw e;
            return void refused++;
          }
          for (const k of Object.keys(injected) as Array<keyof typeof injected>) injected[k] += faults.injected[k];
          expect(violations.slice(0, 3)).toEqual([]);
          const world = await readWorld(sandbox.clouds());
          expect(verify(newPolicy, world.inventory, world.state).disagreements.slice(0, 3)).toEqual([]);
          const again = await planWorld(newPolicy, sandbox.clouds(), ctx);
          expect(again.plan.steps.map((s) => `${s.cloud} ${s.kind} ${s.target}`)).toEqual([]);
        },
      ),
      // A fixed seed: conflicts only hit conditional writes (prefix-list versions, etags,
      // fingerprints), which some random estates barely make, so "every kind of fault happened"
      // below held in about 9 of 10 random seeds. Fixed, the 20 cases are the same in every run.
      { numRuns: RUNS, seed: 20261201 },
    );
    expect(refused).toBeLessThanOrEqual(RUNS / 4);
    // The faults really happened, of every kind.
    expect(injected.throttle).toBeGreaterThan(RUNS);
    expect(injected.transient).toBeGreaterThan(0);
    expect(injected.conflict).toBeGreaterThan(0);
    expect(injected.dropped).toBeGreaterThan(0);
  }, 240_000);
});
