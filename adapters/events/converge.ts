/**
 * The part the event path and the drift run share: plan from the working set, read back what the
 * plan touches, plan again, until the plan only touches what was read fresh (DESIGN.md §4 "reads
 * back only the native objects the plan touches"); then apply, read back what was written, and
 * hand the working set back for saving.
 *
 * Cost: each round compiles the whole inventory (the snapshot's, with the re-read workloads
 * replaced) and plans against the whole state. That is the full compile, not an incremental one:
 * milliseconds for a few thousand workloads, seconds at 100,000 (bench/event.ts measures it).
 */
import { compile, type Desired } from '../../core/compile/index.ts';
import type { CompileContext } from '../../core/model/budgets.ts';
import type { Cloud } from '../../core/model/cloud.ts';
import { armKey, parseWorkloadId } from '../../core/model/ids.ts';
import type { Finding } from '../../core/model/finding.ts';
import type { Workload } from '../../core/model/inventory.ts';
import { blockingFindings, plan, type Plan } from '../../core/plan/index.ts';
import type { Step } from '../../core/plan/step.ts';
import type { Policy } from '../../core/policy/types.ts';
import { judgeLabels, type Actor } from '../../core/model/trust.ts';
import { applySteps, PlanBlockedError, type ApplyOptions, type Clouds } from '../reconcile.ts';
import type { SnapshotStore } from './snapshot.ts';
import { locationKey, touchedBy } from './touched.ts';
import { refOf, type WorkingSet } from './working-set.ts';

/** Plan rounds before applying what the last one says (each round reads only what the last one newly touched). */
const MAX_PLAN_ROUNDS = 4;

export interface UseCaseDeps {
  policy: Policy;
  clouds: Clouds;
  ctx: CompileContext;
  store: SnapshotStore;
  now?: () => Date;
  /** A snapshot whose last full read is older is replaced by a full read (default 24 h). */
  maxSnapshotAgeMs?: number;
  apply?: ApplyOptions;
  /** Tries when someone else wrote first (a cloud conflict or a snapshot conflict), default 6. */
  maxAttempts?: number;
}

/** A label change that was not honoured (label trust). */
export interface TrustNote {
  workload: string;
  kind: 'refused' | 'deferred';
  actor?: string;
  reason: string;
  wanted: Workload['labels'];
  honoured: Workload['labels'];
}

export interface Converged {
  desired: Desired;
  plan: Plan;
}

/** Re-reads what each plan touches until a plan touches nothing stale; refuses a plan with blocking findings. */
export async function planFresh(
  ws: WorkingSet,
  deps: UseCaseDeps,
  refreshed: Map<string, Set<string>>,
  adjust: Adjust,
): Promise<Converged> {
  let desired: Desired | undefined;
  for (let round = 1; ; round++) {
    const inventory = ws.inventory();
    // A round that re-read only native objects leaves the inventory as it was: re-plan, not re-compile.
    desired ??= compile(deps.policy, inventory, deps.ctx);
    const planned = plan(desired, ws.state(), deps.ctx, { exclusive: deps.policy.exclusive });
    const blocking = blockingFindings(planned);
    if (blocking.length > 0) throw new PlanBlockedError(blocking.map((f) => `${f.cloud} ${f.target}: ${f.message}`));
    const reads: Promise<boolean>[] = [];
    let rereadWorkloads = false;
    for (const [key, t] of touchedBy(planned.steps, inventory)) {
      const entry = ws.entry(t.cloud, t.location);
      if (!entry || entry.fullRead) continue; // read in full during this run: already fresh
      const seen = refreshed.get(key) ?? new Set<string>();
      refreshed.set(key, seen);
      const objects = [...t.objects].filter((o) => !seen.has(`o:${o}`));
      const workloads = [...t.workloads].filter((w) => !seen.has(`w:${armKey(w)}`));
      objects.forEach((o) => seen.add(`o:${o}`));
      workloads.forEach((w) => seen.add(`w:${armKey(w)}`));
      rereadWorkloads ||= workloads.length > 0;
      if (objects.length || workloads.length)
        reads.push(
          ws.readScoped(t.cloud, t.location, { workloads: workloads.map((w) => refOf(w)!), objects }, adjust(t.cloud)),
        );
    }
    if (reads.length === 0 || round >= MAX_PLAN_ROUNDS) return { desired, plan: planned };
    // The cloud holds what the snapshot said: this plan stands (no re-plan).
    if (!(await Promise.all(reads)).some(Boolean)) return { desired, plan: planned };
    if (rereadWorkloads) desired = undefined;
  }
}

/**
 * Claims the working set (WorkingSet.claim: the inventory is published, or someone else's newer
 * one makes this run start again), applies the steps, then reads back everything they wrote so
 * the snapshot holds the result.
 */
export async function applyAndReadBack(ws: WorkingSet, steps: readonly Step[], deps: UseCaseDeps): Promise<number> {
  await ws.claim();
  if (steps.length === 0) return 0;
  const inventory = ws.inventory();
  const applied = await applySteps(steps, deps.clouds, deps.apply);
  await Promise.all(
    [...touchedBy(steps, inventory).values()].map((t) =>
      ws.readScoped(
        t.cloud,
        t.location,
        { workloads: [...t.workloads].map((w) => refOf(w)!), objects: [...t.objects] },
        keepHonoured(ws, deps, [])(t.cloud),
      ),
    ),
  );
  return applied;
}

/** Changes fresh workloads before they join the working set (label trust). */
export type Adjust = (cloud: Cloud) => (fresh: Workload[]) => Workload[];

/**
 * Label trust on re-read workloads: labels that changed count only when `actorOf` names a trusted
 * principal; otherwise the labels honoured so far (the working set's) stay, or are taken away.
 */
export function keepHonoured(
  ws: WorkingSet,
  deps: UseCaseDeps,
  notes: TrustNote[],
  actorOf: (workloadId: string) => Actor | undefined = () => undefined,
): Adjust {
  const trust = deps.policy.labelTrust;
  return (cloud) => (fresh) => {
    if (!trust?.[cloud]) return fresh;
    const honoured = new Map(ws.inventory().workloads.map((w) => [armKey(w.id), w.labels]));
    return fresh.map((w) => {
      const actor = actorOf(armKey(w.id));
      const verdict = judgeLabels(trust, cloud, honoured.get(armKey(w.id)), w.labels, actor);
      if (verdict.honour) return w;
      notes.push({
        workload: w.id,
        kind: verdict.kind,
        ...(actor ? { actor: actor.id } : {}),
        reason: verdict.reason,
        wanted: w.labels,
        honoured: verdict.labels,
      });
      return { ...w, labels: verdict.labels };
    });
  };
}

/**
 * Label trust on locations read in full during this run: compared with the snapshot they had
 * (none: the first read is the baseline, every label counts).
 */
export function judgeFullReads(ws: WorkingSet, deps: UseCaseDeps, notes: TrustNote[]): void {
  const trust = deps.policy.labelTrust;
  for (const entry of ws.entries.values()) {
    if (!entry.fullRead || !entry.loaded || !trust?.[entry.cloud]) continue;
    const before = new Map(entry.loaded.workloads.map((w) => [armKey(w.id), w.labels]));
    entry.view = {
      ...entry.view,
      workloads: entry.view.workloads.map((w) => {
        const verdict = judgeLabels(trust, entry.cloud, before.get(armKey(w.id)), w.labels, undefined);
        if (verdict.honour) return w;
        notes.push({
          workload: w.id,
          kind: verdict.kind,
          reason: verdict.reason,
          wanted: w.labels,
          honoured: verdict.labels,
        });
        return { ...w, labels: verdict.labels };
      }),
    };
  }
}

export { locationKey };

/** Before another try: a short random pause, longer each time, so racing handlers fall out of step. */
export function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * 25 * attempt));
}

/** Label-trust notes as plan findings, so every report of the plan carries them. */
export function trustFindings(notes: readonly TrustNote[]): Finding[] {
  return notes.map((n) => ({
    severity: 'warning' as const,
    code: n.kind === 'refused' ? 'label-change-refused' : 'label-change-deferred',
    cloud: parseWorkloadId(n.workload)?.cloud ?? 'aws',
    target: n.workload,
    message: `labels ${JSON.stringify(n.wanted)}${n.actor ? ` set by ${n.actor}` : ''} not honoured: ${n.reason}; segsync keeps ${JSON.stringify(n.honoured)}`,
    hint: 'add the principal to spec.labelTrust if the change is legitimate',
  }));
}
