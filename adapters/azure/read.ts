/**
 * Reads from one Azure subscription, mapped to core models (STYLE G3, G14): VMs and their NICs as
 * Workloads, and the native state the planner and the evaluator judge.
 *
 * - Workload: id `azure:<VM ARM id>`; location = the VM's; network = `azure:<VNet id>` of the
 *   primary NIC's primary IP configuration; addresses = private IPs of every IP configuration,
 *   primary NIC and primary configuration first; one attachment per IP configuration (ASG
 *   membership lives there, CLOUD-FACTS §2.2). Tags → labels with normalizeLabels('azure'), as
 *   VM tags never appear on NICs (§2.5).
 * - State: everything listed (NSGs owned or foreign, ASGs, NICs, subnet NSGs): the planner filters
 *   by ownership, and the evaluator needs every NSG a NIC or subnet references.
 * ARM ids are case-insensitive; they are matched lowercased and kept as the service spells them.
 */
import type { Attachment, Workload } from '../../core/model/inventory.ts';
import type {
  AzureIpConfiguration,
  AzureNetworkInterface,
  AzureState,
  AzureSubResource,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';
import { vnetOfSubnet } from '../../core/model/native/azure.ts';
import { azureNetworkId, workloadId } from '../../core/model/ids.ts';
import { normalizeLabels } from '../../core/policy/labels.ts';
import type { AzureNetworkApi } from './api.ts';

const key = (id: string): string => id.toLowerCase();
const byId = <T extends { id: string }>(a: T, b: T): number =>
  key(a.id) < key(b.id) ? -1 : key(a.id) > key(b.id) ? 1 : 0;

/** Primary first; ARM marks it with `properties.primary` (a VM's NIC references may carry it too). */
function primaryFirst<T>(items: readonly T[], isPrimary: (t: T) => boolean): T[] {
  const i = items.findIndex(isPrimary);
  return i <= 0 ? [...items] : [items[i]!, ...items.slice(0, i), ...items.slice(i + 1)];
}

const refIsPrimary = (r: AzureSubResource): boolean =>
  (r as AzureSubResource & { properties?: { primary?: boolean } }).properties?.primary === true;

function vmNics(vm: AzureVirtualMachine, nics: Map<string, AzureNetworkInterface>): AzureNetworkInterface[] {
  const refs = primaryFirst(vm.properties.networkProfile.networkInterfaces, refIsPrimary);
  return refs.map((r) => nics.get(key(r.id))).filter((n): n is AzureNetworkInterface => n !== undefined);
}

function configsOf(nic: AzureNetworkInterface): AzureIpConfiguration[] {
  return primaryFirst(nic.properties.ipConfigurations, (c) => c.properties.primary === true);
}

export function toWorkload(
  subscription: string,
  vm: AzureVirtualMachine,
  nics: Map<string, AzureNetworkInterface>,
): Workload | undefined {
  const configs = vmNics(vm, nics).flatMap(configsOf);
  const primary = configs[0];
  if (!primary) return undefined;
  const network = azureNetworkId(vnetOfSubnet(primary.properties.subnet.id));
  const attachments: Attachment[] = configs.map((c) => ({
    id: c.id,
    network: azureNetworkId(vnetOfSubnet(c.properties.subnet.id)),
    addresses: [c.properties.privateIPAddress],
  }));
  const { labels, problems } = normalizeLabels('azure', vm.tags ?? {});
  return {
    id: workloadId({ cloud: 'azure', vmId: vm.id }),
    nativeId: vm.name,
    cloud: 'azure',
    location: { cloud: 'azure', account: subscription, region: vm.location },
    network,
    labels,
    addresses: configs.map((c) => c.properties.privateIPAddress),
    publicAddresses: [],
    attachments,
    managed: true,
    labelProblems: problems,
  };
}

export async function readAzureInventory(api: AzureNetworkApi): Promise<Workload[]> {
  const [vms, nics] = await Promise.all([api.listVirtualMachines(), api.listNetworkInterfaces()]);
  const nicById = new Map(nics.map((n) => [key(n.id), n]));
  return vms
    .map((vm) => toWorkload(api.scope.subscription, vm, nicById))
    .filter((w): w is Workload => w !== undefined)
    .sort(byId);
}

export async function readAzureState(api: AzureNetworkApi): Promise<AzureState> {
  const [nsgs, asgs, nics, subnets] = await Promise.all([
    api.listNetworkSecurityGroups(),
    api.listApplicationSecurityGroups(),
    api.listNetworkInterfaces(),
    api.listSubnetNetworkSecurityGroups(),
  ]);
  return {
    networkSecurityGroups: nsgs.sort(byId),
    applicationSecurityGroups: asgs.sort(byId),
    networkInterfaces: nics.sort(byId),
    subnetNetworkSecurityGroups: subnets,
  };
}

/** Several subscriptions' states as one, sorted by id. */
export function mergeAzureStates(states: readonly AzureState[]): AzureState {
  return {
    networkSecurityGroups: states.flatMap((s) => s.networkSecurityGroups).sort(byId),
    applicationSecurityGroups: states.flatMap((s) => s.applicationSecurityGroups).sort(byId),
    networkInterfaces: states.flatMap((s) => s.networkInterfaces).sort(byId),
    subnetNetworkSecurityGroups: Object.fromEntries(
      states
        .flatMap((s) => Object.entries(s.subnetNetworkSecurityGroups ?? {}))
        .sort(([a], [b]) => (key(a) < key(b) ? -1 : 1)),
    ),
  };
}
