/**
 * Reads from one Azure subscription, mapped to core models (STYLE G3, G14): VMs and their NICs as
 * Workloads, and the native state the planner and the evaluator judge.
 *
 * - Workload: id `azure:<VM ARM id>`; location = the VM's; network = `azure:<VNet id>` of the
 *   primary NIC's primary IP configuration; addresses = private IPs of every IP configuration,
 *   primary NIC and primary configuration first; one attachment per IP configuration (ASG
 *   membership lives there, CLOUD-FACTS §2.2). Tags → labels with normalizeLabels('azure'), as
 *   VM tags never appear on NICs (§2.5).
 * - Full read (readAzure): each list (VMs, NICs, NSGs, ASGs, subnet NSGs) once per subscription;
 *   state = everything listed (NSGs owned or foreign, ASGs, NICs, subnet NSGs): the planner
 *   filters by ownership, and the evaluator needs every NSG a NIC or subnet references.
 * - Scoped read: VMs by ARM id (GET), their NICs (GET each), the subnet NSGs of those NICs'
 *   subnets, and NSGs / ASGs by ARM id (GET); a NIC id among the objects reads the VM it is
 *   attached to; a 404 is "gone": absent from the result.
 * - ARM responses are completed into core's types here (toVirtualMachine, toNetworkInterface,
 *   toNetworkSecurityGroup), the one place that does.
 * ARM ids are case-insensitive; they are matched lowercased and kept as the service spells them.
 */
import type { Attachment, Workload } from '../../core/model/inventory.ts';
import type {
  AzureApplicationSecurityGroup,
  AzureIpConfiguration,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureState,
  AzureSubResource,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';
import { vnetOfSubnet } from '../../core/model/native/azure.ts';
import { armParts, azureNetworkId, workloadId } from '../../core/model/ids.ts';
import { normalizeLabels } from '../../core/policy/labels.ts';
import { isScoped, type ReadRequest } from '../adapter.ts';
import { classifyCloudError, cloudErrorKind } from '../errors.ts';
import {
  type ArmNetworkInterface,
  type ArmNetworkSecurityGroup,
  type ArmVirtualMachine,
  type AzureNetworkApi,
} from './api.ts';
import { AZURE_ERRORS } from './errors.ts';

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

export function toVirtualMachine(vm: ArmVirtualMachine): AzureVirtualMachine {
  return {
    ...vm,
    properties: { networkProfile: { networkInterfaces: vm.properties?.networkProfile?.networkInterfaces ?? [] } },
  };
}

export function toNetworkInterface(nic: ArmNetworkInterface): AzureNetworkInterface {
  return {
    ...nic,
    properties: {
      ...nic.properties,
      ipConfigurations: (nic.properties.ipConfigurations ?? []).map((c) => ({
        ...c,
        properties: { ...c.properties, privateIPAddress: c.properties.privateIPAddress ?? '' },
      })),
    },
  };
}

export function toNetworkSecurityGroup(nsg: ArmNetworkSecurityGroup): AzureNetworkSecurityGroup {
  return { ...nsg, properties: { ...nsg.properties, securityRules: nsg.properties.securityRules ?? [] } };
}

function workloadsOf(
  subscription: string,
  vms: readonly AzureVirtualMachine[],
  nics: readonly AzureNetworkInterface[],
) {
  const nicById = new Map(nics.map((n) => [key(n.id), n]));
  return vms
    .map((vm) => toWorkload(subscription, vm, nicById))
    .filter((w): w is Workload => w !== undefined)
    .sort(byId);
}

/** One read of one subscription: workloads and state from one pass of list (or get) calls. */
export async function readAzure(
  api: AzureNetworkApi,
  request?: ReadRequest,
): Promise<{ workloads: Workload[]; state: AzureState }> {
  try {
    const raw = isScoped(request) ? await scopedAzure(api, request ?? {}) : await fullAzure(api);
    const vms = raw.vms.map(toVirtualMachine);
    const nics = raw.nics.map(toNetworkInterface).sort(byId);
    return {
      workloads: workloadsOf(api.scope.subscription, vms, nics),
      state: {
        networkSecurityGroups: raw.nsgs.map(toNetworkSecurityGroup).sort(byId),
        applicationSecurityGroups: [...raw.asgs].sort(byId),
        networkInterfaces: nics,
        subnetNetworkSecurityGroups: raw.subnets,
      },
    };
  } catch (e) {
    throw classifyCloudError(e, AZURE_ERRORS, { cloud: 'azure', kind: 'read', target: api.scope.subscription });
  }
}

interface RawAzure {
  vms: ArmVirtualMachine[];
  nics: ArmNetworkInterface[];
  nsgs: ArmNetworkSecurityGroup[];
  asgs: AzureApplicationSecurityGroup[];
  subnets: Record<string, string>;
}

async function fullAzure(api: AzureNetworkApi): Promise<RawAzure> {
  const [vms, nics, nsgs, asgs, subnets] = await Promise.all([
    api.listVirtualMachines(),
    api.listNetworkInterfaces(),
    api.listNetworkSecurityGroups(),
    api.listApplicationSecurityGroups(),
    api.listSubnetNetworkSecurityGroups(),
  ]);
  return { vms, nics, nsgs, asgs, subnets };
}

/** A GET by ARM id whose 404 means "gone": undefined. */
async function getById<T>(id: string, get: (rg: string, name: string) => Promise<T>): Promise<T | undefined> {
  try {
    const { resourceGroup, name } = armParts(id);
    return await get(resourceGroup, name);
  } catch (e) {
    if (cloudErrorKind(e, AZURE_ERRORS) === 'gone') return undefined;
    throw e;
  }
}

const present = <T>(items: readonly (T | undefined)[]): T[] => items.filter((t): t is T => t !== undefined);
const ofType = (ids: readonly string[], type: string) => ids.filter((id) => key(id).includes(`/${type}/`));

async function scopedAzure(api: AzureNetworkApi, request: ReadRequest): Promise<RawAzure> {
  const objects = [...new Set(request.objects ?? [])];
  // A NIC named as an object (an Event Grid event on a NIC) stands for the VM it is attached to.
  const namedNics = present(
    await Promise.all(
      ofType(objects, 'networkinterfaces').map((id) => getById(id, (rg, n) => api.getNetworkInterface(rg, n))),
    ),
  );
  const vmIds = [
    ...(request.workloads ?? []),
    ...namedNics.flatMap((n) => (n.properties.virtualMachine ? [n.properties.virtualMachine.id] : [])),
  ];
  const [vms, nsgs, asgs] = await Promise.all([
    Promise.all(
      [...new Map(vmIds.map((id) => [key(id), id])).values()].map((id) =>
        getById(id, (rg, n) => api.getVirtualMachine(rg, n)),
      ),
    ),
    Promise.all(
      ofType(objects, 'networksecuritygroups').map((id) => getById(id, (rg, n) => api.getNetworkSecurityGroup(rg, n))),
    ),
    Promise.all(
      ofType(objects, 'applicationsecuritygroups').map((id) =>
        getById(id, (rg, n) => api.getApplicationSecurityGroup(rg, n)),
      ),
    ),
  ]);
  const nicIds = [
    ...new Set(present(vms).flatMap((vm) => (vm.properties?.networkProfile?.networkInterfaces ?? []).map((r) => r.id))),
  ];
  const nics = present(await Promise.all(nicIds.map((id) => getById(id, (rg, n) => api.getNetworkInterface(rg, n)))));
  const subnets = new Set(
    nics.flatMap((n) => (n.properties.ipConfigurations ?? []).map((c) => key(c.properties.subnet.id))),
  );
  const allSubnets = subnets.size > 0 ? await api.listSubnetNetworkSecurityGroups() : {};
  return {
    vms: present(vms),
    nics,
    nsgs: present(nsgs),
    asgs: present(asgs),
    subnets: Object.fromEntries(Object.entries(allSubnets).filter(([s]) => subnets.has(key(s)))),
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
