/**
 * GCP fit (issue 9), for all random policies × estates (two GCP networks in one project):
 * - rules merged across target tags and chunked by every per-rule budget stay exact: applied to
 *   the sandbox, the GCP evaluator agrees with the intent oracle on every flow;
 * - the project quota refuses exactly when segsync's own rules of a project exceed it, naming
 *   that project, and a refusal writes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanBlockedError, readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { compile } from '../../../core/compile/index.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { verify } from '../../../core/verify/index.ts';
import { estateOf, instancesArb, policyArb } from '../../helpers/arbitraries.ts';

// Each exactness case builds three sandbox clouds and applies a full plan: 30 cases take ~7 s idle.
const APPLY_RUNS = 30;
// Compile only: a few ms per case.
const QUOTA_RUNS = 100;

const BIG = 1_000_000_000;
/** Every per-rule budget at its smallest useful value, so merged rules split on every axis. */
const tight: CompileContext = {
  deploymentId: 'gfit',
  limits: { gcp: { targetTagsPerRule: 2, sourceTagsPerRule: 1, rangesPerRule: 1 } },
};
/** Only GCP's project quota can refuse: AWS and Azure budgets lifted. */
const onlyGcpQuota = (firewallsPerProject: number): CompileContext => ({
  deploymentId: 'gfit',
  limits: {
    aws: { rulesPerGroupPerDirectionPerFamily: BIG, groupsPerInterface: BIG, prefixListMaxEntries: BIG },
    azure: { rulesPerNsg: BIG, prefixesPerNsgSide: BIG, asgsPerIpConfiguration: BIG, asgsPerNsg: BIG },
    gcp: { firewallsPerProject },
  },
});

describe('GCP fit properties', () => {
  it(
    'GIVEN random estates WHEN compiled with tiny per-rule GCP budgets and applied THEN evaluator == oracle on every flow',
    { timeout: 240_000 },
    async () => {
      let applied = 0;
      let checked = 0;
      let chunkedTargets = 0;
      await fc.assert(
        fc.asyncProperty(policyArb, instancesArb, async (policyText, instances) => {
          const policy = parsePolicy(policyText, 'generated.yaml');
          const sandbox = Sandbox.fromEstate(estateOf(instances));
          const clouds = sandbox.clouds();
          const before = JSON.stringify(sandbox.snapshot());
          try {
            await reconcile(policy, clouds, tight);
          } catch (e) {
            if (!(e instanceof QuotaExceededError || e instanceof PlanBlockedError)) throw e;
            expect(JSON.stringify(sandbox.snapshot())).toBe(before);
            return;
          }
          applied++;
          const world = await readWorld(clouds);
          // Merged allow rules of several classes, split into chunks of two targets.
          if (world.state.gcp.firewalls.some((f) => f.allowed && f.targetTags?.length === 2)) chunkedTargets++;
          const result = verify(policy, world.inventory, world.state);
          expect(result.disagreements.slice(0, 3)).toEqual([]);
          checked += result.checked;
        }),
        { numRuns: APPLY_RUNS },
      );
      expect(applied).toBeGreaterThan(APPLY_RUNS / 2);
      expect(checked).toBeGreaterThan(0);
      expect(chunkedTargets).toBeGreaterThan(0);
    },
  );

  it('GIVEN random estates and quotas WHEN compiled THEN refused iff a project has more own rules than the quota, naming it', async () => {
    let refused = 0;
    let fitted = 0;
    await fc.assert(
      fc.asyncProperty(policyArb, instancesArb, fc.nat({ max: 40 }), async (policyText, instances, quota) => {
        const policy = parsePolicy(policyText, 'generated.yaml');
        const { inventory } = await readWorld(Sandbox.fromEstate(estateOf(instances)).clouds());
        const wanted = compile(policy, inventory, onlyGcpQuota(BIG)).gcp.firewalls;
        const perProject = new Map<string, number>();
        for (const f of wanted) perProject.set(f.project, (perProject.get(f.project) ?? 0) + 1);
        const over = [...perProject].filter(([, n]) => n > Math.max(1, quota)).map(([p]) => `project ${p}`);
        let error: unknown;
        try {
          const d = compile(policy, inventory, onlyGcpQuota(Math.max(1, quota)));
          expect(d.gcp.firewalls).toEqual(wanted);
        } catch (e) {
          error = e;
        }
        if (over.length === 0) {
          expect(error).toBeUndefined();
          fitted++;
          return;
        }
        expect(error).toBeInstanceOf(QuotaExceededError);
        expect((error as QuotaExceededError).violations.map((v) => v.object)).toEqual(over.sort());
        refused++;
      }),
      { numRuns: QUOTA_RUNS },
    );
    expect(refused).toBeGreaterThan(0);
    expect(fitted).toBeGreaterThan(0);
  });
});
