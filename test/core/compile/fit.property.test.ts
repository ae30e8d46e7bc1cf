/**
 * The fit (issue 9) is exact: member sets merged per rule unit, small sets inline, large sets split
 * into several prefix lists, all give the same evaluator answers as the intent oracle. Random
 * policies × random estates, applied to the sandbox clouds under budgets small enough that
 * merging, splitting and rule-holder groups all happen; a refusal must leave the clouds untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanBlockedError, readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { verify } from '../../../core/verify/index.ts';
import { estateOf, instancesArb, policyArb } from '../../helpers/arbitraries.ts';

const RUNS = 24;

/** Every prefix list at most 3 entries (so sets of 4+ split), everything else a list (no inline). */
const tight: CompileContext = {
  deploymentId: 'fit',
  limits: { aws: { rulesPerGroupPerDirectionPerFamily: 3, groupsPerInterface: 5, inlineCidrsMax: 0 } },
};
/** The defaults: ≤ 3 CIDRs inline, lists sized to entries + headroom. */
const defaults: CompileContext = { deploymentId: 'fit' };

describe('fit: merged, inline and split address sets are exact', () => {
  it.each([
    ['tight budgets, no inline sets', tight],
    ['default budgets', defaults],
  ])(
    'GIVEN random estates WHEN compiled with %s and applied THEN evaluator == oracle on every flow, or nothing was written',
    async (_, ctx) => {
      let applied = 0;
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(policyArb, instancesArb, async (policyText, instances) => {
          const policy = parsePolicy(policyText, 'generated.yaml');
          const sandbox = Sandbox.fromEstate(estateOf(instances));
          const clouds = sandbox.clouds();
          const before = JSON.stringify(sandbox.snapshot());
          try {
            await reconcile(policy, clouds, ctx);
          } catch (e) {
            if (!(e instanceof QuotaExceededError || e instanceof PlanBlockedError)) throw e;
            expect(JSON.stringify(sandbox.snapshot())).toBe(before);
            return;
          }
          applied++;
          const world = await readWorld(clouds);
          const result = verify(policy, world.inventory, world.state);
          expect(result.disagreements.slice(0, 3)).toEqual([]);
          checked += result.checked;
        }),
        { numRuns: RUNS },
      );
      expect(applied).toBeGreaterThan(RUNS / 2);
      expect(checked).toBeGreaterThan(0);
    },
    180_000,
  );
});
