/**
 * The estate as one event handler or drift run sees it: every managed location's snapshot, with
 * the parts it re-read folded in. Locations without a usable snapshot (none yet, unreadable, or
 * older than `maxAgeMs`) are read in full, once (DESIGN.md §4 "a stale or missing snapshot falls
 * back to a full read"). `save()` writes back only what changed, each with its conditional write.
 */
import { armKey, parseWorkloadId, workloadId, type WorkloadRef } from '../../core/model/ids.ts';
import type { Cloud } from '../../core/model/cloud.ts';
import type { Inventory, Workload } from '../../core/model/inventory.ts';
import type { NativeState } from '../../core/model/native/index.ts';
import type { StateOf } from '../adapter.ts';
import type { Clouds } from '../reconcile.ts';
import { refLocation, refReadId } from './hint.ts';
import { mergeScoped, type LocationView } from './merge.ts';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  snapshotKey,
  SnapshotConflictError,
  SnapshotFormatError,
  type SnapshotStore,
} from './snapshot.ts';
import { locationKey } from './touched.ts';

export const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'gcp'];
/** A snapshot whose last full read is older than this is not trusted for planning. */
export const DEFAULT_MAX_SNAPSHOT_AGE_MS = 24 * 3600_000;

export interface Entry {
  cloud: Cloud;
  location: string;
  view: LocationView;
  /** The stored version this view started from; undefined: none stored yet. */
  etag: string | undefined;
  /** What the snapshot held when loaded (label trust compares against it); undefined: nothing. */
  loaded: LocationView | undefined;
  fullReadAt: string;
  dirty: boolean;
  /** Why a full read replaced the snapshot, if it did. */
  fullRead?: 'missing' | 'stale' | 'unreadable' | 'drift';
}

export interface WorkingSetOptions {
  deploymentId: string;
  clouds: Clouds;
  store: SnapshotStore;
  now: () => Date;
  maxAgeMs?: number;
  /** Locations to read in full whatever their snapshot (the drift run's own location). */
  fullRead?: ReadonlySet<string>;
}

export class WorkingSet {
  private constructor(
    private readonly opts: WorkingSetOptions,
    readonly entries: Map<string, Entry>,
  ) {}

  static async load(opts: WorkingSetOptions): Promise<WorkingSet> {
    const tasks = CLOUDS.flatMap((cloud) => opts.clouds[cloud].locations().map((l) => loadEntry(opts, cloud, l)));
    const entries = await Promise.all(tasks);
    return new WorkingSet(opts, new Map(entries.map((e) => [locationKey(e.cloud, e.location), e])));
  }

  /** The entry of a managed location (Azure subscriptions without case), or undefined. */
  entry(cloud: Cloud, location: string): Entry | undefined {
    const exact = this.entries.get(locationKey(cloud, location));
    if (exact || cloud !== 'azure') return exact;
    return [...this.entries.values()].find((e) => e.cloud === cloud && armKey(e.location) === armKey(location));
  }

  inventory(): Inventory {
    return { workloads: [...this.entries.values()].flatMap((e) => e.view.workloads) };
  }

  state(): NativeState {
    const of = <C extends Cloud>(cloud: C): StateOf[C][] =>
      [...this.entries.values()].filter((e) => e.cloud === cloud).map((e) => e.view.state as StateOf[C]);
    const aws = of('aws');
    const azure = of('azure');
    const gcp = of('gcp');
    return {
      aws: {
        SecurityGroups: aws.flatMap((s) => s.SecurityGroups),
        NetworkInterfaces: aws.flatMap((s) => s.NetworkInterfaces),
        PrefixLists: aws.flatMap((s) => s.PrefixLists),
      },
      azure: {
        networkSecurityGroups: azure.flatMap((s) => s.networkSecurityGroups),
        applicationSecurityGroups: azure.flatMap((s) => s.applicationSecurityGroups),
        networkInterfaces: azure.flatMap((s) => s.networkInterfaces),
        subnetNetworkSecurityGroups: Object.assign({}, ...azure.map((s) => s.subnetNetworkSecurityGroups ?? {})),
      },
      gcp: { firewalls: gcp.flatMap((s) => s.firewalls), instances: gcp.flatMap((s) => s.instances) },
    };
  }

  /** The workload as the snapshot held it when loaded (before any re-read). */
  loadedWorkload(ref: WorkloadRef): Workload | undefined {
    const id = armKey(workloadId(ref));
    return this.entry(ref.cloud, refLocation(ref))?.loaded?.workloads.find((w) => armKey(w.id) === id);
  }

  /**
   * Re-reads the named workloads and objects of one location and folds them in. `adjust` may
   * change the fresh workloads before they are folded (label trust). True when the read found
   * something other than what the working set held.
   */
  async readScoped(
    cloud: Cloud,
    location: string,
    what: { workloads: readonly WorkloadRef[]; objects: readonly string[] },
    adjust: (fresh: Workload[]) => Workload[] = (w) => w,
  ): Promise<boolean> {
    const entry = this.entry(cloud, location);
    if (!entry || (what.workloads.length === 0 && what.objects.length === 0)) return false;
    const readIds = what.workloads.map(refReadId);
    const fresh = await this.opts.clouds[cloud].read({
      location: entry.location,
      ...(readIds.length ? { workloads: readIds } : {}),
      ...(what.objects.length ? { objects: [...what.objects] } : {}),
    });
    const request = { workloadIds: what.workloads.map(workloadId), readIds, objects: what.objects };
    const merged = mergeScoped(cloud, entry.view, request, { ...fresh, workloads: adjust(fresh.workloads) });
    // Compared whole: a few MB per location at 100k workloads, far cheaper than a needless re-plan.
    const changed = JSON.stringify(merged) !== JSON.stringify(entry.view);
    entry.view = merged;
    entry.dirty ||= changed;
    return changed;
  }

  /**
   * Publishes the inventory this plan is made from before anything is applied: writes every
   * changed location (conditional writes), then checks that no other location changed since it
   * was loaded. Two handlers that would compile from different views of the same workloads
   * cannot both pass: the later one sees the earlier one's write and starts again (a
   * SnapshotConflictError). Handlers that pass compile from the same inventory, so they want the
   * same native state and cannot undo each other's work.
   */
  async claim(): Promise<void> {
    await this.save();
    await Promise.all(
      [...this.entries.values()].map(async (e) => {
        const now = await this.opts.store.etag(this.opts.deploymentId, e.cloud, e.location);
        if (now !== e.etag) throw new SnapshotConflictError(snapshotKey(this.opts.deploymentId, e.cloud, e.location));
      }),
    );
  }

  /** Writes every changed location back (conditional writes); a SnapshotConflictError means re-load. */
  async save(): Promise<number> {
    const dirty = [...this.entries.values()].filter((e) => e.dirty);
    const now = this.opts.now().toISOString();
    await Promise.all(
      dirty.map(async (e) => {
        const snapshot = {
          format: SNAPSHOT_FORMAT,
          version: SNAPSHOT_VERSION,
          deploymentId: this.opts.deploymentId,
          cloud: e.cloud,
          location: e.location,
          fullReadAt: e.fullReadAt,
          updatedAt: now,
          workloads: e.view.workloads,
          state: e.view.state,
        } as const;
        e.etag = await this.opts.store.put(snapshot, e.etag);
        e.dirty = false;
      }),
    );
    return dirty.length;
  }
}

async function loadEntry(opts: WorkingSetOptions, cloud: Cloud, location: string): Promise<Entry> {
  let stored;
  let why: Entry['fullRead'];
  let unreadableEtag: string | undefined;
  try {
    stored = await opts.store.get(opts.deploymentId, cloud, location);
  } catch (e) {
    if (!(e instanceof SnapshotFormatError)) throw e;
    why = 'unreadable';
    // Replaced by the full read below, with If-Match on what is there (If-None-Match would fail forever).
    unreadableEtag = await opts.store.etag(opts.deploymentId, cloud, location);
  }
  const now = opts.now();
  const key = locationKey(cloud, location);
  if (stored && opts.fullRead?.has(key)) why = 'drift';
  else if (
    stored &&
    now.getTime() - Date.parse(stored.snapshot.fullReadAt) > (opts.maxAgeMs ?? DEFAULT_MAX_SNAPSHOT_AGE_MS)
  )
    why = 'stale';
  else if (!stored) why ??= opts.fullRead?.has(key) ? 'drift' : 'missing';
  const loaded = stored ? { workloads: stored.snapshot.workloads, state: stored.snapshot.state } : undefined;
  if (!why && stored)
    return {
      cloud,
      location,
      view: loaded!,
      etag: stored.etag,
      loaded,
      fullReadAt: stored.snapshot.fullReadAt,
      dirty: false,
    };
  const full = await opts.clouds[cloud].read({ location });
  return {
    cloud,
    location,
    view: { workloads: full.workloads, state: full.state },
    etag: stored?.etag ?? unreadableEtag,
    loaded,
    fullReadAt: now.toISOString(),
    dirty: true,
    fullRead: why!,
  };
}

/** A workload id back to its reference (for workloads named by a plan rather than an event). */
export function refOf(id: string): WorkloadRef | undefined {
  return parseWorkloadId(id);
}
