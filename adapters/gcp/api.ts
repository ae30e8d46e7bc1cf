/**
 * The subset of the Compute Engine v1 API segsync calls, in its JSON shapes, for one project.
 * Implemented by @google-cloud/compute (client.ts) and by the sandbox (adapters/sandbox/gcp.ts).
 * Mutations complete before they resolve (the real client waits on the Operation and throws its
 * error). Errors are CloudApiError with the API's reason (e.g. 'alreadyExists', 'notFound',
 * 'conditionNotMet' for a stale fingerprint, 'invalid' for a bad tag) and HTTP status.
 */
import type { GcpFirewall, GcpInstance } from '../../core/model/native/gcp.ts';

export interface GcpScope {
  project: string;
}

export interface GcpComputeApi {
  readonly scope: GcpScope;
  /** instances.aggregatedList flattened. */
  listInstances(): Promise<GcpInstance[]>;
  listFirewalls(): Promise<GcpFirewall[]>;
  insertFirewall(firewall: GcpFirewall, requestId?: string): Promise<void>;
  /** firewalls.update: full replacement of the rule named `name`. */
  updateFirewall(name: string, firewall: GcpFirewall, requestId?: string): Promise<void>;
  deleteFirewall(name: string, requestId?: string): Promise<void>;
  /** instances.setTags; `fingerprint` must be the current one. */
  setTags(
    zone: string,
    instance: string,
    tags: { items: string[]; fingerprint: string },
    requestId?: string,
  ): Promise<void>;
}
