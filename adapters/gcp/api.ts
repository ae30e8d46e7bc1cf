/**
 * The subset of the Compute Engine v1 API segsync calls, in its JSON shapes, for one project.
 * Implemented by @google-cloud/compute (client.ts) and by the sandbox (adapters/sandbox/gcp.ts).
 * Mutations complete before they resolve (the real client waits on the Operation and throws its
 * error). Errors are CloudApiError with the API's reason (e.g. 'alreadyExists', 'notFound',
 * 'conditionNotMet' for a stale fingerprint, 'invalid' for a bad tag) and HTTP status.
 */
import type { GcpFirewall } from '../../core/model/native/gcp.ts';

export interface GcpScope {
  project: string;
}

/**
 * An instance as instances.get / aggregatedList return it: the API omits empty fields (an
 * instance without network tags has `tags: { fingerprint }` and no `items`; one without labels
 * has no `labels`; an IPv4-only NIC has no `ipv6Address`). read.ts completes it into core's
 * GcpInstance, the one place that does.
 */
export interface GcpInstanceResource {
  id?: string;
  name: string;
  /** Full URL `https://…/projects/<p>/zones/<zone>`, `projects/<p>/zones/<zone>`, or the bare zone. */
  zone: string;
  status?: string;
  tags?: { items?: string[]; fingerprint?: string };
  labels?: Record<string, string>;
  labelFingerprint?: string;
  networkInterfaces?: { name?: string; network?: string; networkIP?: string; ipv6Address?: string }[];
  selfLink?: string;
}

export interface GcpComputeApi {
  readonly scope: GcpScope;
  /** instances.aggregatedList flattened. */
  listInstances(): Promise<GcpInstanceResource[]>;
  /** instances.get; 404 `notFound` when there is no such instance in that zone. */
  getInstance(zone: string, name: string): Promise<GcpInstanceResource>;
  listFirewalls(): Promise<GcpFirewall[]>;
  /** firewalls.get; 404 `notFound` when there is no rule of that name. */
  getFirewall(name: string): Promise<GcpFirewall>;
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
