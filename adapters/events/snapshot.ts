/**
 * The snapshot (DESIGN.md §4): per managed location, the last known workloads and native state, so
 * an event re-reads one workload instead of the whole estate. Written by the drift run (full read)
 * and by every event handler (after a scoped re-read), always with a conditional write: a writer
 * that read version N can only replace version N, so two handlers never lose each other's update.
 *
 * One object per location (`snapshots/<deploymentId>/<cloud>/<location>.json`): locations are the
 * unit of the drift fan-out and of the queue's ordering, so they are the unit of contention too.
 */
import { ConflictError, SegsyncError } from '../../core/errors.ts';
import type { Cloud } from '../../core/model/cloud.ts';
import type { Workload } from '../../core/model/inventory.ts';
import type { StateOf } from '../adapter.ts';

export const SNAPSHOT_FORMAT = 'segsync-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface LocationSnapshot<C extends Cloud = Cloud> {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  deploymentId: string;
  cloud: C;
  location: string;
  /** ISO time of the last full read of this location (the drift run); staleness is measured from it. */
  fullReadAt: string;
  /** ISO time of the last write (full or scoped). */
  updatedAt: string;
  /**
   * The workloads as segsync honours them: with label trust, the labels are the last trusted ones
   * (adapters/events/label-trust.ts), which may differ from the cloud's current tags.
   */
  workloads: Workload[];
  state: StateOf[C];
}

export interface StoredSnapshot<C extends Cloud = Cloud> {
  snapshot: LocationSnapshot<C>;
  /** Opaque version token: the S3 ETag, or a hash of the local file. */
  etag: string;
}

export interface SnapshotStore {
  /** Where snapshots live, for messages. */
  readonly where: string;
  get<C extends Cloud>(deploymentId: string, cloud: C, location: string): Promise<StoredSnapshot<C> | undefined>;
  /**
   * Writes `snapshot` if the stored version is still `etag` (undefined: only if none exists yet).
   * Returns the new etag; throws SnapshotConflictError when someone wrote first.
   */
  put(snapshot: LocationSnapshot, etag: string | undefined): Promise<string>;
  /** The stored version now, without reading the content (undefined: none). */
  etag(deploymentId: string, cloud: Cloud, location: string): Promise<string | undefined>;
}

/** The store's key (S3) or relative path (file store) of one location's snapshot. */
export function snapshotKey(deploymentId: string, cloud: Cloud, location: string): string {
  return `snapshots/${deploymentId}/${cloud}/${location}.json`;
}

/** Another writer replaced the snapshot since it was read: re-load and re-plan (retryable). */
export class SnapshotConflictError extends ConflictError {
  constructor(key: string) {
    super(`snapshot ${key} was written by someone else since it was read`);
  }
}

/** A stored snapshot that this version cannot read: the caller falls back to a full read. */
export class SnapshotFormatError extends SegsyncError {
  readonly retryable = false;
}

/** Checks the envelope of stored data; the content is segsync's own output. */
export function parseSnapshot<C extends Cloud>(text: string, key: string, cloud: C): LocationSnapshot<C> {
  let data: Partial<LocationSnapshot<C>>;
  try {
    data = JSON.parse(text) as Partial<LocationSnapshot<C>>;
  } catch (e) {
    throw new SnapshotFormatError(`snapshot ${key} is not JSON: ${(e as Error).message}`);
  }
  if (data.format !== SNAPSHOT_FORMAT || data.version !== SNAPSHOT_VERSION || data.cloud !== cloud)
    throw new SnapshotFormatError(
      `snapshot ${key} is not a ${cloud} snapshot of version ${SNAPSHOT_VERSION} (format ${String(data.format)}, version ${String(data.version)})`,
    );
  if (!Array.isArray(data.workloads) || typeof data.state !== 'object' || data.state === null)
    throw new SnapshotFormatError(`snapshot ${key} has no workloads or state`);
  return data as LocationSnapshot<C>;
}
