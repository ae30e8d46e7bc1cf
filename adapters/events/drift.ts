/**
 * The scheduled drift run for one location (DESIGN.md §4, the level-triggered safety net): read
 * the location in full, plan against the rest of the estate's snapshots, apply (or only report),
 * write the snapshot. Objects segsync does not own are reported by the plan's findings, never
 * touched.
 */
import type { Cloud } from '../../core/model/cloud.ts';
import type { Finding } from '../../core/model/finding.ts';
import type { AwsState, AzureState, GcpState } from '../../core/model/native/index.ts';
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
import { locationKey } from './touched.ts';
import { WorkingSet, type Entry } from './working-set.ts';

export interface DriftResult {
  cloud: Cloud;
  location: string;
  driftFound: number;
  driftCorrected: number;
  objectsChecked: number;
  durationMs: number;
  mode: 'apply' | 'report';
  /** The steps planned (applied in apply mode); render with core/plan/render.ts summaryLine. */
  planned: readonly Step[];
  /** What the plan reports and does not change (foreign objects that widen access, …). */
  findings: Finding[];
  trust: TrustNote[];
  attempts: number;
}

export async function driftLocation(
  target: { cloud: Cloud; location: string },
  mode: 'apply' | 'report',
  deps: UseCaseDeps,
): Promise<DriftResult> {
  const started = performance.now();
  const max = deps.maxAttempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await driftOnce(target, mode, deps);
      return { ...r, attempts: attempt, durationMs: Math.round(performance.now() - started) };
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= max) throw e;
      await backoff(attempt);
    }
  }
}

async function driftOnce(
  target: { cloud: Cloud; location: string },
  mode: 'apply' | 'report',
  deps: UseCaseDeps,
): Promise<Omit<DriftResult, 'attempts' | 'durationMs'>> {
  const managed = deps.clouds[target.cloud].locations();
  if (!managed.includes(target.location))
    throw new Error(
      `${target.cloud} location "${target.location}" is not managed (managed: ${managed.join(', ') || 'none'})`,
    );
  const ws = await WorkingSet.load({
    deploymentId: deps.ctx.deploymentId,
    clouds: deps.clouds,
    store: deps.store,
    now: deps.now ?? (() => new Date()),
    fullRead: new Set([locationKey(target.cloud, target.location)]),
    ...(deps.maxSnapshotAgeMs !== undefined ? { maxAgeMs: deps.maxSnapshotAgeMs } : {}),
  });
  const notes: TrustNote[] = [];
  judgeFullReads(ws, deps, notes);
  const entry = ws.entry(target.cloud, target.location)!;
  const objectsChecked = countObjects(entry);
  const { plan } = await planFresh(ws, deps, new Map(), keepHonoured(ws, deps, notes));
  const corrected = mode === 'apply' ? await applyAndReadBack(ws, plan.steps, deps) : 0;
  await ws.save();
  return {
    cloud: target.cloud,
    location: target.location,
    driftFound: plan.steps.length,
    driftCorrected: corrected,
    objectsChecked,
    mode,
    planned: plan.steps,
    findings: [
      ...plan.findings.filter((f) => f.cloud === undefined || f.cloud === target.cloud),
      ...trustFindings(notes),
    ],
    trust: notes,
  };
}

/** Native objects and workloads the full read returned. */
function countObjects(entry: Entry): number {
  const s = entry.view.state;
  const n =
    entry.cloud === 'aws'
      ? (s as AwsState).SecurityGroups.length +
        (s as AwsState).NetworkInterfaces.length +
        (s as AwsState).PrefixLists.length
      : entry.cloud === 'azure'
        ? (s as AzureState).networkSecurityGroups.length +
          (s as AzureState).applicationSecurityGroups.length +
          (s as AzureState).networkInterfaces.length
        : (s as GcpState).firewalls.length + (s as GcpState).instances.length;
  return n + entry.view.workloads.length;
}
