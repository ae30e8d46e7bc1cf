/**
 * The one use case behind every event (DESIGN.md §4, STYLE G4): hints name workloads that may
 * have changed; load the snapshot, re-read those workloads by id, recompile, read back what the
 * plan touches, apply, write the snapshot back with a conditional write. Someone else writing
 * first (a cloud conflict, a snapshot conflict) starts again from a fresh load.
 *
 * The same hints twice, or in another order, end in the same state: nothing here depends on what
 * an event says changed, only on what the re-read finds.
 */
import type { Finding } from '../../core/model/finding.ts';
import { armKey, workloadId, type WorkloadRef } from '../../core/model/ids.ts';
import type { Actor } from '../../core/model/trust.ts';
import { trusted } from '../../core/model/trust.ts';
import { ConflictError } from '../../core/errors.ts';
import type { Step } from '../../core/plan/step.ts';
import {
  applyAndReadBack,
  trustFindings,
  backoff,
  judgeFullReads,
  keepHonoured,
  planFresh,
  type TrustNote,
  type UseCaseDeps,
} from './converge.ts';
import { refLocation, type Hint } from './hint.ts';
import { locationKey } from './touched.ts';
import { WorkingSet } from './working-set.ts';

export interface HandleResult {
  outcome: 'applied' | 'no-change' | 'ignored';
  /** Workload ids re-read. */
  workloads: string[];
  ignored: { eventId: string; reason: string }[];
  steps: number;
  applied: number;
  /** The steps planned (and applied unless something failed); render with core/plan/render.ts summaryLine. */
  planned: readonly Step[];
  findings: Finding[];
  trust: TrustNote[];
  attempts: number;
  /** Locations read in full because their snapshot was missing, stale or unreadable. */
  fullReads: string[];
  snapshotsWritten: number;
  durationMs: number;
}

export async function handleHints(hints: readonly Hint[], deps: UseCaseDeps): Promise<HandleResult> {
  const started = performance.now();
  const max = deps.maxAttempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await handleOnce(hints, deps);
      return { ...result, attempts: attempt, durationMs: Math.round(performance.now() - started) };
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= max) throw e;
      await backoff(attempt);
    }
  }
}

async function handleOnce(
  hints: readonly Hint[],
  deps: UseCaseDeps,
): Promise<Omit<HandleResult, 'attempts' | 'durationMs'>> {
  const now = deps.now ?? (() => new Date());
  const ws = await WorkingSet.load({
    deploymentId: deps.ctx.deploymentId,
    clouds: deps.clouds,
    store: deps.store,
    now,
    ...(deps.maxSnapshotAgeMs !== undefined ? { maxAgeMs: deps.maxSnapshotAgeMs } : {}),
  });
  const notes: TrustNote[] = [];
  judgeFullReads(ws, deps, notes);
  const { byLocation, actors, ignored } = resolveHints(hints, ws, deps);

  const refreshed = new Map<string, Set<string>>();
  const actorOf = (id: string) => actors.get(id);
  await Promise.all(
    [...byLocation.values()].map(({ cloud, location, refs }) => {
      refreshed.set(locationKey(cloud, location), new Set(refs.map((r) => `w:${armKey(workloadId(r))}`)));
      return ws.readScoped(
        cloud,
        location,
        { workloads: refs, objects: [] },
        keepHonoured(ws, deps, notes, actorOf)(cloud),
      );
    }),
  );
  const { plan } = await planFresh(ws, deps, refreshed, keepHonoured(ws, deps, notes));
  const applied = await applyAndReadBack(ws, plan.steps, deps);
  const snapshotsWritten = await ws.save();
  const workloads = [...byLocation.values()].flatMap((l) => l.refs.map(workloadId));
  return {
    outcome: workloads.length === 0 ? 'ignored' : plan.steps.length > 0 ? 'applied' : 'no-change',
    workloads,
    ignored,
    steps: plan.steps.length,
    applied,
    planned: plan.steps,
    findings: [...plan.findings, ...trustFindings(notes)],
    trust: notes,
    fullReads: [...ws.entries.values()].filter((e) => e.fullRead).map((e) => `${e.cloud}:${e.location}`),
    snapshotsWritten,
  };
}

interface Resolved {
  byLocation: Map<string, { cloud: WorkloadRef['cloud']; location: string; refs: WorkloadRef[] }>;
  /** Workload id (ARM ids lowercased) → the actor that counts: a trusted one if any hint has one. */
  actors: Map<string, Actor | undefined>;
  ignored: { eventId: string; reason: string }[];
}

function resolveHints(hints: readonly Hint[], ws: WorkingSet, deps: UseCaseDeps): Resolved {
  const out: Resolved = { byLocation: new Map(), actors: new Map(), ignored: [] };
  for (const hint of hints) {
    const ref = 'workload' in hint ? hint.workload : nicOwner(ws, hint.azureNic);
    if (!ref) {
      out.ignored.push({
        eventId: hint.eventId,
        reason: `NIC ${'azureNic' in hint ? hint.azureNic : ''} is attached to no VM segsync knows (its VM's own event or the drift run covers it)`,
      });
      continue;
    }
    const entry = ws.entry(ref.cloud, refLocation(ref));
    if (!entry) {
      out.ignored.push({
        eventId: hint.eventId,
        reason: `${ref.cloud} location ${refLocation(ref)} is not managed by this deployment`,
      });
      continue;
    }
    const key = locationKey(ref.cloud, entry.location);
    const group = out.byLocation.get(key) ?? { cloud: ref.cloud, location: entry.location, refs: [] };
    out.byLocation.set(key, group);
    const id = armKey(workloadId(ref));
    if (!group.refs.some((r) => armKey(workloadId(r)) === id)) group.refs.push(ref);
    const current = out.actors.get(id);
    if (
      !current ||
      (hint.actor &&
        trusted(deps.policy.labelTrust, ref.cloud, hint.actor) &&
        !trusted(deps.policy.labelTrust, ref.cloud, current))
    )
      out.actors.set(id, hint.actor ?? current);
  }
  return out;
}

/** The VM whose attachment hangs below an Azure NIC id, from the working set. */
function nicOwner(ws: WorkingSet, nicId: string): WorkloadRef | undefined {
  const prefix = `${armKey(nicId)}/ipconfigurations/`;
  const w = ws
    .inventory()
    .workloads.find((x) => x.cloud === 'azure' && x.attachments.some((a) => armKey(a.id).startsWith(prefix)));
  return w ? { cloud: 'azure', vmId: w.id.slice('azure:'.length) } : undefined;
}
