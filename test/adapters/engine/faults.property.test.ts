/**
 * The apply engine under the clouds' failure responses (DESIGN.md §7 SEGSYNC_SANDBOX_FAULTS):
 * random policies × random estates (test/helpers/arbitraries.ts), applied fault-free, then changed
 * (a new policy, or one workload re-tagged) and applied through the engine with random throttling,
 * 5xx, stale-version conflicts and writes whose connection dropped after they took effect, on a
 * simulated clock (backoff and pacing cost no real time). Each case: reconcile converges (the next
 * plan is empty), verify finds 0 disagreements, and after every single step the make-before-break
 * bounds hold (for a re-tag both bounds, for a policy change the upper bound, as in
 * test/core/pipeline.property.test.ts).
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
import type { Inventory } from '../../../core/model/inventory.ts';
import type { NativeState } from '../../../core/model/native/index.ts';
import { allows } from '../../../core/policy/intent.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import type { Policy } from '../../../core/policy/types.ts';
import {
  prepareAws,
  prepareAzure,
  prepareGcp,
  sampleAddresses,
  samplePorts,
  verify,
} from '../../../core/verify/index.ts';
import { estateOf, instancesArb, labelsArb, policyArb } from '../../helpers/arbitraries.ts';

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
                  for (const v of boundsViolations(oldPolicy, old.inventory, newPolicy, next, sandbox.snapshot(), {
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
      { numRuns: RUNS },
    );
    expect(refused).toBeLessThanOrEqual(RUNS / 4);
    // The faults really happened, of every kind.
    expect(injected.throttle).toBeGreaterThan(RUNS);
    expect(injected.transient).toBeGreaterThan(0);
    expect(injected.conflict).toBeGreaterThan(0);
    expect(injected.dropped).toBeGreaterThan(0);
  }, 240_000);
});

function retag(
  sandbox: Sandbox,
  cloud: string,
  nativeId: string,
  location: { account: string; region: string },
  labels: Record<string, string>,
): void {
  const tags: Record<string, string | null> = { app: null, tier: null, env: null, ...labels };
  if (cloud === 'aws') sandbox.aws.tagInstance({ account: location.account, region: location.region }, nativeId, tags);
  if (cloud === 'azure') sandbox.azure.tagVm(location.account, nativeId, tags);
  if (cloud === 'gcp') sandbox.gcp.setLabels(location.account, 'europe-west1-b', nativeId, tags);
}

// boundsViolations: as in test/core/pipeline.property.test.ts (kept in step with it).
/** For every side a flow is enforced on under both intents, the native verdict lies between old ∧ new and old ∨ new (or below old ∨ new with upperOnly). */
function boundsViolations(
  oldPolicy: Policy,
  oldInv: Inventory,
  newPolicy: Policy,
  newInv: Inventory,
  native: NativeState,
  opts: { upperOnly?: boolean } = {},
): string[] {
  const ev = { aws: prepareAws(native.aws), azure: prepareAzure(native.azure), gcp: prepareGcp(native.gcp) };
  const oldById = new Map(oldInv.workloads.map((w) => [w.id, w]));
  const points = [
    ...newInv.workloads.map((w) => ({ id: w.id, address: w.addresses[0]!, next: w, prev: oldById.get(w.id) ?? w })),
    ...[...new Set([...sampleAddresses(oldPolicy, oldInv), ...sampleAddresses(newPolicy, newInv)])]
      .filter((a) => !a.includes(':'))
      .map((a) => ({ id: a, address: a, next: undefined, prev: undefined })),
  ];
  const ports = [
    ...new Map(
      [...samplePorts(oldPolicy), ...samplePorts(newPolicy)].map((p) => [`${p.protocol}/${p.port}`, p]),
    ).values(),
  ];
  const out: string[] = [];
  for (const s of points) {
    for (const d of points) {
      if (s === d || (!s.next && !d.next)) continue;
      for (const p of ports) {
        const flowOf = (src: typeof s.next, dst: typeof d.next) => ({
          src: src ? { ...src, address: s.address } : s.address,
          dst: dst ? { ...dst, address: d.address } : d.address,
          protocol: p.protocol,
          ...(p.port !== undefined ? { port: p.port } : {}),
        });
        const o = allows(oldPolicy, flowOf(s.prev, d.prev)).checks;
        const n = allows(newPolicy, flowOf(s.next, d.next)).checks;
        const nf = {
          src: { address: s.address, attachment: s.next?.attachments[0]?.id },
          dst: { address: d.address, attachment: d.next?.attachments[0]?.id },
          protocol: p.protocol,
          ...(p.port !== undefined ? { port: p.port } : {}),
        };
        for (const side of ['ingress', 'egress'] as const) {
          const ov = o[side];
          const nv = n[side];
          const at = side === 'ingress' ? d.next : s.next;
          if (ov === undefined || nv === undefined || !at) continue;
          const actual = ev[at.cloud][side](nf).allowed;
          if (actual && !ov && !nv)
            out.push(`${side} ${s.id} → ${d.id} ${p.protocol}/${p.port ?? ''} opened though old and new deny`);
          if (!opts.upperOnly && !actual && ov && nv)
            out.push(`${side} ${s.id} → ${d.id} ${p.protocol}/${p.port ?? ''} interrupted though old and new allow`);
        }
      }
    }
  }
  return out;
}
