/**
 * What an event says, once parsed (STYLE G4): which workload may have changed, and who changed it.
 * Never what changed: the handler re-reads the workload. functions/events/<cloud>.ts `toRefs`
 * build these from each source's own format.
 */
import { armKey, armParts, workloadId, type WorkloadRef } from '../../core/model/ids.ts';
import type { Cloud } from '../../core/model/cloud.ts';
import type { Actor } from '../../core/model/trust.ts';

export type Hint = {
  /** The event's own id (EventBridge id, Event Grid id, audit log insertId), for logs. */
  eventId: string;
  /** Who made the change, when the event says (label trust). */
  actor?: Actor;
} & (
  | { workload: WorkloadRef }
  /** Azure NIC events name the NIC, not its VM: resolved through the snapshot's attachments. */
  | { azureNic: string }
);

export function hintCloud(hint: Hint): Cloud {
  return 'workload' in hint ? hint.workload.cloud : 'azure';
}

/** The location (as adapters list them) a workload lives in. */
export function refLocation(ref: WorkloadRef): string {
  if (ref.cloud === 'aws') return `${ref.account}/${ref.region}`;
  if (ref.cloud === 'azure') return armParts(ref.vmId).subscription;
  return ref.project;
}

/** The id the adapter's scoped read takes (adapters/adapter.ts ReadRequest.workloads). */
export function refReadId(ref: WorkloadRef): string {
  if (ref.cloud === 'aws') return ref.instance;
  if (ref.cloud === 'azure') return ref.vmId;
  return `${ref.zone}/${ref.instance}`;
}

/** Compares workload ids the way the clouds do (ARM ids without case). */
export function sameWorkload(a: WorkloadRef, b: WorkloadRef): boolean {
  return armKey(workloadId(a)) === armKey(workloadId(b));
}
