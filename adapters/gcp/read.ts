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
 * The whole state is read (every firewall of the project, owned or not, and every instance):
 * the planner needs foreign rules for findings and every instance's tag fingerprint.
 */
import type { Workload } from '../../core/model/inventory.ts';
import type { GcpInstance, GcpNetworkInterface, GcpState } from '../../core/model/native/gcp.ts';
import { normalizeLabels } from '../../core/policy/labels.ts';
import { gcpAttachmentId, gcpNetworkId, gcpZoneName, workloadId } from '../../core/model/ids.ts';
import type { GcpComputeApi } from './api.ts';
import { classifyGcpError } from './errors.ts';

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
 * @example
 * const workloads = await readGcpInventory(sandbox.api('my-project'));
 */
export async function readGcpInventory(api: GcpComputeApi): Promise<Workload[]> {
  let instances: GcpInstance[];
  try {
    instances = await api.listInstances();
  } catch (e) {
    throw classifyGcpError(e, { kind: 'list-instances', target: api.scope.project });
  }
  return instances
    .map((i) => toWorkload(i, api.scope.project))
    .filter((w): w is Workload => w !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every firewall rule and instance of the project, in a stable order. */
export async function readGcpState(api: GcpComputeApi): Promise<GcpState> {
  try {
    const [firewalls, instances] = await Promise.all([api.listFirewalls(), api.listInstances()]);
    const by =
      <T>(key: (x: T) => string) =>
      (a: T, b: T) =>
        key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
    return {
      firewalls: [...firewalls].sort(by((f) => f.name)),
      instances: [...instances].sort(by((i) => `${gcpZoneName(i.zone)}/${i.name}`)),
    };
  } catch (e) {
    throw classifyGcpError(e, { kind: 'read-state', target: api.scope.project });
  }
}
