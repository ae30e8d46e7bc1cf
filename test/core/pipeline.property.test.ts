/**
 * The proof that the translation is exact (DESIGN.md §3, §6.2): random policies × random estates
 * across AWS, Azure and GCP and six networks → compile → plan → apply to the sandbox clouds →
 * the native evaluators agree with the intent oracle on every flow checked; a second plan is
 * empty; and every intermediate state of a change is make-before-break.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applySteps,
  planWorld,
  PlanBlockedError,
  readWorld,
  reconcile,
  type Clouds,
} from '../../adapters/reconcile.ts';
import { QuotaExceededError } from '../../core/errors.ts';
import { blockingFindings } from '../../core/plan/index.ts';
import type { CompileContext } from '../../core/model/budgets.ts';
import { Sandbox } from '../../adapters/sandbox/index.ts';
import { parsePolicy } from '../../core/policy/parse.ts';
import type { Policy } from '../../core/policy/types.ts';
import { verify } from '../../core/verify/index.ts';
import { estateOf, instancesArb, labelsArb, policyArb, retag } from '../helpers/arbitraries.ts';
import { boundsViolations } from '../helpers/make-before-break.ts';

const ctx = { deploymentId: 'prop' };

/**
 * Some random policies legitimately cannot fit a cloud's budgets (e.g. "everything except …"
 * carved around many addresses needs more than 5 groups × 60 AWS rules), or cannot change
 * without a transient quota overflow. segsync must then refuse with a named error before any
 * write. `applyOrRefuse` returns false for such a case after checking that nothing was written;
 * each property also bounds how many cases may be refused, so refusals cannot hide a bug.
 */
async function applyOrRefuse(
  policy: Policy,
  sandbox: Sandbox,
  clouds: Clouds,
  context: CompileContext = ctx,
): Promise<boolean> {
  const before = JSON.stringify(sandbox.snapshot());
  try {
    await reconcile(policy, clouds, context);
    return true;
  } catch (e) {
    if (!(e instanceof QuotaExceededError || e instanceof PlanBlockedError)) throw e;
    expect(JSON.stringify(sandbox.snapshot())).toBe(before);
    return false;
  }
}

async function planOrRefuse(policy: Policy, clouds: Clouds) {
  try {
    const planned = await planWorld(policy, clouds, ctx);
    return blockingFindings(planned.plan).length > 0 ? undefined : planned;
  } catch (e) {
    if (e instanceof QuotaExceededError) return undefined;
    throw e;
  }
}
// Each case builds three sandbox clouds and applies a full plan; 60 cases run in well under a minute.
const RUNS = 60;

// Each property replays a whole estate through the sandbox per case: about 30 s on an idle 2-core
// machine, several times that when other work shares it, so the budget is generous.
describe('pipeline properties', { timeout: 300_000 }, () => {
  it('traffic-preserving: evaluator(apply(compile(p))) == allows(p), and a second plan is empty', async () => {
    let checked = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(policyArb, instancesArb, async (policyText, instances) => {
        const policy = parsePolicy(policyText, 'generated.yaml');
        const sandbox = Sandbox.fromEstate(estateOf(instances));
        const clouds = sandbox.clouds();
        if (!(await applyOrRefuse(policy, sandbox, clouds))) return void refused++;
        const world = await readWorld(clouds);
        const result = verify(policy, world.inventory, world.state);
        expect(result.disagreements.slice(0, 3)).toEqual([]);
        checked += result.checked;
        const again = await planWorld(policy, clouds, ctx);
        expect(again.plan.steps.map((s) => `${s.cloud} ${s.kind} ${s.target}`)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // Some generated cases enforce nothing; the run as a whole must have checked real flows.
    expect(checked).toBeGreaterThan(RUNS * 50);
    expect(refused).toBeLessThanOrEqual(RUNS / 10);
  });

  it('make-before-break: after every single step, old ∩ new ⊆ effective ⊆ old ∪ new (one re-tag)', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(policyArb, instancesArb, fc.nat(), labelsArb, async (policyText, instances, pick, newLabels) => {
        const policy = parsePolicy(policyText, 'generated.yaml');
        const before = estateOf(instances);
        const sandbox = Sandbox.fromEstate(before);
        const clouds = sandbox.clouds();
        if (!(await applyOrRefuse(policy, sandbox, clouds))) return void refused++;
        const old = await readWorld(clouds);
        const w = old.inventory.workloads[pick % old.inventory.workloads.length]!;
        retag(sandbox, w.cloud, w.nativeId, w.location, newLabels);
        const next = await planOrRefuse(policy, clouds);
        if (!next) return void refused++;
        const violations: string[] = [];
        await applySteps(next.plan.steps, clouds, {
          onStep: (step, i) => {
            const before = { policy, inventory: old.inventory };
            for (const v of boundsViolations(before, { policy, inventory: next.inventory }, sandbox.snapshot()))
              violations.push(`after step ${i + 1} (${step.cloud} ${step.kind} ${step.target}): ${v}`);
          },
        });
        expect(violations.slice(0, 3)).toEqual([]);
      }),
      { numRuns: RUNS / 2 },
    );
    expect(refused).toBeLessThanOrEqual(RUNS / 10);
  });

  it('make-before-break: after every single step of a policy change, no flow is opened that both policies deny', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(policyArb, policyArb, instancesArb, async (oldText, newText, instances) => {
        const oldPolicy = parsePolicy(oldText, 'old.yaml');
        const newPolicy = parsePolicy(newText, 'new.yaml');
        const sandbox = Sandbox.fromEstate(estateOf(instances));
        const clouds = sandbox.clouds();
        if (!(await applyOrRefuse(oldPolicy, sandbox, clouds))) return void refused++;
        const next = await planOrRefuse(newPolicy, clouds);
        if (!next) return void refused++;
        const violations: string[] = [];
        await applySteps(next.plan.steps, clouds, {
          onStep: (step, i) => {
            const before = { policy: oldPolicy, inventory: next.inventory };
            const after = { policy: newPolicy, inventory: next.inventory };
            for (const v of boundsViolations(before, after, sandbox.snapshot(), { upperOnly: true }))
              violations.push(`after step ${i + 1} (${step.cloud} ${step.kind} ${step.target}): ${v}`);
          },
        });
        expect(violations.slice(0, 3)).toEqual([]);
      }),
      { numRuns: RUNS / 2 },
    );
    expect(refused).toBeLessThanOrEqual(RUNS / 10);
  });
});
