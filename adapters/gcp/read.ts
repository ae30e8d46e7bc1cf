/**
 * Reads one GCP project: instances as core Workloads (inventory) and the raw firewall rules and
 * instances (native state). Native API shapes stop here (STYLE G14).
 *
 * Mapping (core/model/inventory.ts id formats; CLOUD-FACTS.md §3.3):
 * - id `gcp:<project>:<zone>:<name>`; location.region = the zone without its `-<letter>` suffix.
 * - network = nic0's network as `gcp:projects/<p>/global/networks/<n>` (full URLs and partial
 *   paths both normalise to it).
 * - addresses: nic0 `networkIP`, nic0 `ipv6Address`, then the other NICs' in order; one
 *   attachment per NIC, `gcp:<project>/<zone>/<instance>/<nic name>`.
 * - labels through normalizeLabels('gcp', …): labels are only read, never written.
 * A full read lists instances and firewalls once each (readGcp): every firewall of the project,
 * owned or not, and every instance (the planner needs foreign rules for findings and every
 * instance's tag fingerprint). A scoped read gets the named instances (instances.get, by zone and
 * name) and firewalls (firewalls.get, by name); a 404 means the thing is gone: absent, not an error.
 */
import type { Workload } from '../../core/model/inventory.ts';
import type { GcpFirewall, GcpInstance, GcpNetworkInterface, GcpState } from '../../core/model/native/gcp.ts';
import { normalizeLabels } from '../../core/policy/labels.ts';
import { gcpAttachmentId, gcpNetworkId, gcpZoneName, workloadId } from '../../core/model/ids.ts';
import { isScoped, type ReadRequest } from '../adapter.ts';
import { classifyCloudError, cloudErrorKind } from '../errors.ts';
import type { GcpComputeApi, GcpInstanceResource } from './api.ts';
import { GCP_ERRORS } from './errors.ts';

/** `europe-west1-b` → `europe-west1`. */
export function regionOfZone(zone: string): string {
  return zone.replace(/-[a-z]$/, '');
}

function nicAddresses(nic: GcpNetworkInterface): string[] {
  return [nic.networkIP, ...(nic.ipv6Address ? [nic.ipv6Address] : [])].filter((a) => a !== undefined && a !== '');
}

/** One instance as a workload, or undefined when it has no network interface (nothing to enforce). */
export function toWorkload(instance: GcpInstance, project: string): Workload | undefined {
  const nic0 = instance.networkInterfaces[0];
  if (nic0 === undefined) return undefined;
  const zone = gcpZoneName(instance.zone);
  const normalized = normalizeLabels('gcp', instance.labels ?? {});
  const attachments = instance.networkInterfaces.map((nic) => ({
    id: gcpAttachmentId({ project, zone, instance: instance.name, nic: nic.name }),
    network: gcpNetworkId(nic.network, project),
    addresses: nicAddresses(nic),
  }));
  return {
    id: workloadId({ cloud: 'gcp', project, zone, instance: instance.name }),
    nativeId: instance.name,
    cloud: 'gcp',
    location: { cloud: 'gcp', account: project, region: regionOfZone(zone) },
    network: gcpNetworkId(nic0.network, project),
    labels: normalized.labels,
    addresses: attachments.flatMap((a) => a.addresses),
    // External addresses (accessConfigs) are not in the native model; rules never name them.
    publicAddresses: [],
    attachments,
    managed: true,
    labelProblems: normalized.problems,
  };
}

/**
 * The one place an API instance is completed into core's GcpInstance: a missing tag fingerprint
 * becomes '' (setTags then fails with conditionNotMet and the plan re-reads), a NIC without a
 * name gets the API's default `nic<i>`. Absent `tags.items` and `labels` stay absent: core reads
 * them as "none".
 */
export function toGcpInstance(r: GcpInstanceResource): GcpInstance {
  return {
    ...r,
    tags: { ...(r.tags?.items !== undefined ? { items: r.tags.items } : {}), fingerprint: r.tags?.fingerprint ?? '' },
    networkInterfaces: (r.networkInterfaces ?? []).map((n, i) => ({
      name: n.name ?? `nic${i}`,
      network: n.network ?? '',
      networkIP: n.networkIP ?? '',
      ...(n.ipv6Address !== undefined ? { ipv6Address: n.ipv6Address } : {}),
    })),
  };
}

/** `<zone>/<name>` or `…/zones/<zone>/instances/<name>` → zone and name. */
export function parseGcpInstanceRef(ref: string): { zone: string; name: string } {
  const m = /(?:^|\/zones\/)([^/]+)\/(?:instances\/)?([^/]+)$/.exec(ref);
  if (!m) throw new Error(`not a GCP instance reference (want <zone>/<name>): "${ref}"`);
  return { zone: m[1]!, name: m[2]! };
}

const by =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** A get whose 404 means "gone": undefined. */
async function getIfAny<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (e) {
    if (cloudErrorKind(e, GCP_ERRORS) === 'not-found') return undefined;
    throw e;
  }
}

async function scopedGcp(
  api: GcpComputeApi,
  request: ReadRequest,
): Promise<{ instances: GcpInstanceResource[]; firewalls: GcpFirewall[] }> {
  const refs = [...new Set(request.workloads ?? [])].map(parseGcpInstanceRef);
  const names = [...new Set(request.objects ?? [])];
  const [instances, firewalls] = await Promise.all([
    Promise.all(refs.map((r) => getIfAny(() => api.getInstance(r.zone, r.name)))),
    Promise.all(names.map((n) => getIfAny(() => api.getFirewall(n)))),
  ]);
  return {
    instances: instances.filter((i): i is GcpInstanceResource => i !== undefined),
    firewalls: firewalls.filter((f): f is GcpFirewall => f !== undefined),
  };
}

/**
 * One read of one project: instances (→ workloads and state) and firewalls, each listed once.
 * @example
 * const { workloads, state } = await readGcp(sandbox.api('my-project'));
 */
export async function readGcp(
  api: GcpComputeApi,
  request?: ReadRequest,
): Promise<{ workloads: Workload[]; state: GcpState }> {
  try {
    const raw = isScoped(request)
      ? await scopedGcp(api, request ?? {})
      : await Promise.all([api.listInstances(), api.listFirewalls()]).then(([instances, firewalls]) => ({
          instances,
          firewalls,
        }));
    const instances = raw.instances.map(toGcpInstance).sort(by((i) => `${gcpZoneName(i.zone)}/${i.name}`));
    const workloads = instances
      .map((i) => toWorkload(i, api.scope.project))
      .filter((w): w is Workload => w !== undefined)
      .sort(by((w) => w.id));
    return { workloads, state: { firewalls: [...raw.firewalls].sort(by((f) => f.name)), instances } };
  } catch (e) {
    throw classifyCloudError(e, GCP_ERRORS, { cloud: 'gcp', kind: 'read', target: api.scope.project });
  }
}
