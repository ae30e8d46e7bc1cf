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
import type { Inventory } from '../../core/model/inventory.ts';
import type { NativeState } from '../../core/model/native/index.ts';
import { allows } from '../../core/policy/intent.ts';
import { parsePolicy } from '../../core/policy/parse.ts';
import type { Policy } from '../../core/policy/types.ts';
import { prepareAws, prepareAzure, prepareGcp, samplePorts, sampleAddresses, verify } from '../../core/verify/index.ts';
import { estateOf, instancesArb, labelsArb, policyArb } from '../helpers/arbitraries.ts';

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

describe('pipeline properties', () => {
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
            for (const v of boundsViolations(policy, old.inventory, policy, next.inventory, sandbox.snapshot()))
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
            for (const v of boundsViolations(oldPolicy, next.inventory, newPolicy, next.inventory, sandbox.snapshot(), {
              upperOnly: true,
            }))
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

/**
 * For every side a flow is enforced on under both the old and the new intent, the native verdict
 * must lie between old ∧ new and old ∨ new (or only below old ∨ new with upperOnly).
 */
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
