/**
 * State, ids, etags, limits and estate seeding of the sandbox Azure (what is modelled and the
 * sources: azure.ts). ARM ids and names are case-insensitive, so every map is keyed by the
 * lower-cased id while the stored objects keep the caller's spelling.
 */
import { compareStrings } from '../../core/model/compare.ts';
import type {
  AzureApplicationSecurityGroup,
  AzureIpConfiguration,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';
import { armId } from '../../core/model/ids.ts';
import { vnetOfSubnet } from '../../core/model/native/azure.ts';
import { CloudApiError } from '../errors.ts';
import type { Estate, EstateAzureVm, EstateNic } from './estate-types.ts';

/**
 * Quotas the sandbox enforces (CLOUD-FACTS §2.1, §2.3); defaults are Azure's documented ones.
 * They repeat core/model/budgets.ts on purpose: the sandbox stands for Azure, so a wrong compiler
 * budget must fail against it instead of being trusted by it.
 */
export interface AzureLimits {
  rulesPerNsg: number;
  prefixesPerNsgSide: number;
  asgsPerIpConfiguration: number;
  asgsPerNsg: number;
  asgsPerRuleSide: number;
  priorityMin: number;
  priorityMax: number;
}

export const DEFAULT_AZURE_LIMITS: Readonly<AzureLimits> = {
  rulesPerNsg: 1000,
  prefixesPerNsgSide: 4000,
  asgsPerIpConfiguration: 20,
  asgsPerNsg: 100,
  asgsPerRuleSide: 10,
  priorityMin: 100,
  priorityMax: 4096,
};

export interface SubscriptionState {
  readonly subscription: string;
  /** Lower-cased names of the resource groups that exist (the API has no way to create one). */
  readonly resourceGroups: Set<string>;
  readonly vms: Map<string, AzureVirtualMachine>;
  readonly nics: Map<string, AzureNetworkInterface>;
  /** Stored without defaultSecurityRules/networkInterfaces/subnets: those are derived on read. */
  readonly nsgs: Map<string, AzureNetworkSecurityGroup>;
  readonly asgs: Map<string, AzureApplicationSecurityGroup>;
  /** Subnet NSG associations, keyed by lower-cased subnet id. */
  readonly subnetNsgs: Map<string, { subnet: string; nsg: string }>;
}

export const key = (id: string): string => id.toLowerCase();

/** ARM compares regions without case or spaces ('West Europe' = 'westeurope'). */
export const sameRegion = (a: string, b: string): boolean =>
  a.replace(/\s+/g, '').toLowerCase() === b.replace(/\s+/g, '').toLowerCase();

export function azureError(code: string, message: string, status = 400): CloudApiError {
  return new CloudApiError('azure', code, message, status);
}

/**
 * One counter for every etag of a sandbox: deterministic for a given sequence of calls, and
 * never equal for two writes, so an etag read from one resource never matches another.
 */
export class EtagClock {
  /** `n`: the last etag number handed out (`count` of a persisted sandbox), 0 for a new one. */
  constructor(private n = 0) {}
  get count(): number {
    return this.n;
  }
  next(): string {
    this.n += 1;
    return `W/"${this.n}"`;
  }
}

export function resourceId(subscription: string, rg: string, provider: string, type: string, name: string): string {
  return armId(subscription, rg, type, name, provider);
}

export const networkId = (sub: string, rg: string, type: string, name: string): string =>
  resourceId(sub, rg, 'Microsoft.Network', type, name);

/** The six default rules, exactly as the service returns them (specs/azure/examples/NetworkSecurityGroupCreate.json). */
const DEFAULT_RULES: ReadonlyArray<[string, string, string, string, 'Allow' | 'Deny', number, 'Inbound' | 'Outbound']> =
  [
    [
      'AllowVnetInBound',
      'Allow inbound traffic from all VMs in VNET',
      'VirtualNetwork',
      'VirtualNetwork',
      'Allow',
      65000,
      'Inbound',
    ],
    [
      'AllowAzureLoadBalancerInBound',
      'Allow inbound traffic from azure load balancer',
      'AzureLoadBalancer',
      '*',
      'Allow',
      65001,
      'Inbound',
    ],
    ['DenyAllInBound', 'Deny all inbound traffic', '*', '*', 'Deny', 65500, 'Inbound'],
    [
      'AllowVnetOutBound',
      'Allow outbound traffic from all VMs to all VMs in VNET',
      'VirtualNetwork',
      'VirtualNetwork',
      'Allow',
      65000,
      'Outbound',
    ],
    [
      'AllowInternetOutBound',
      'Allow outbound traffic from all VMs to Internet',
      '*',
      'Internet',
      'Allow',
      65001,
      'Outbound',
    ],
    ['DenyAllOutBound', 'Deny all outbound traffic', '*', '*', 'Deny', 65500, 'Outbound'],
  ];

function defaultRules(nsg: AzureNetworkSecurityGroup): AzureSecurityRule[] {
  return DEFAULT_RULES.map(([name, description, source, destination, access, priority, direction]) => ({
    id: `${nsg.id}/defaultSecurityRules/${name}`,
    name,
    ...(nsg.etag === undefined ? {} : { etag: nsg.etag }),
    properties: {
      provisioningState: 'Succeeded',
      description,
      protocol: '*',
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: source,
      destinationAddressPrefix: destination,
      access,
      priority,
      direction,
    },
  }));
}

const byId = <T extends { id: string }>(a: T, b: T): number => compareStrings(key(a.id), key(b.id));
const byName = <T extends { name: string }>(a: T, b: T): number => compareStrings(key(a.name), key(b.name));
export const sortById = <T extends { id: string }>(items: Iterable<T>): T[] => [...items].sort(byId);

/**
 * The NSG as GET returns it: rules sorted by name (so equal states print equally), child etags
 * equal to the NSG's (a child write is a write of the parent), and the read-only back references.
 */
export function renderNsg(sub: SubscriptionState, nsg: AzureNetworkSecurityGroup): AzureNetworkSecurityGroup {
  const copy = structuredClone(nsg);
  const securityRules = copy.properties.securityRules
    .sort(byName)
    .map((r) => ({ ...r, ...(nsg.etag === undefined ? {} : { etag: nsg.etag }) }));
  const nics = sortById(
    [...sub.nics.values()].filter(
      (n) => n.properties.networkSecurityGroup && key(n.properties.networkSecurityGroup.id) === key(nsg.id),
    ),
  );
  const subnets = [...sub.subnetNsgs.values()]
    .filter((s) => key(s.nsg) === key(nsg.id))
    .map((s) => ({ id: s.subnet }))
    .sort(byId);
  return {
    ...copy,
    properties: {
      securityRules,
      defaultSecurityRules: defaultRules(nsg),
      ...(nics.length > 0 ? { networkInterfaces: nics.map((n) => ({ id: n.id })) } : {}),
      ...(subnets.length > 0 ? { subnets } : {}),
      provisioningState: 'Succeeded',
    },
  };
}

/** ASG id (lower) → the VNet ids (lower) of the NIC IP configurations that are its members. */
export function asgVnets(sub: SubscriptionState, excludeNic?: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const nic of sub.nics.values()) {
    if (excludeNic !== undefined && key(nic.id) === key(excludeNic)) continue;
    for (const ipc of nic.properties.ipConfigurations) {
      for (const asg of ipc.properties.applicationSecurityGroups ?? []) {
        const set = out.get(key(asg.id)) ?? new Set<string>();
        set.add(key(vnetOfSubnet(ipc.properties.subnet.id)));
        out.set(key(asg.id), set);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Seeding from the estate

function subscriptionState(subs: Map<string, SubscriptionState>, subscription: string): SubscriptionState {
  const existing = subs.get(key(subscription));
  if (existing) return existing;
  const created: SubscriptionState = {
    subscription,
    resourceGroups: new Set(),
    vms: new Map(),
    nics: new Map(),
    nsgs: new Map(),
    asgs: new Map(),
    subnetNsgs: new Map(),
  };
  subs.set(key(subscription), created);
  return created;
}

function ipConfiguration(
  nicId: string,
  name: string,
  ip: string,
  version: 'IPv4' | 'IPv6',
  subnet: string,
  primary: boolean,
): AzureIpConfiguration {
  return {
    id: `${nicId}/ipConfigurations/${name}`,
    name,
    properties: { privateIPAddress: ip, privateIPAddressVersion: version, subnet: { id: subnet }, primary },
  };
}

interface Placement {
  vm: EstateAzureVm;
  rg: string;
  vnetRg: string;
  vmId: string;
}

function seedNic(p: Placement, nic: EstateNic, name: string, etag: string): AzureNetworkInterface {
  const sub = p.vm.subscription;
  const id = networkId(sub, p.rg, 'networkInterfaces', name);
  const subnet = `${networkId(sub, p.vnetRg, 'virtualNetworks', p.vm.vnet)}/subnets/${nic.subnet ?? p.vm.subnet ?? 'default'}`;
  const ipConfigurations = [ipConfiguration(id, 'ipconfig1', nic.ip, 'IPv4', subnet, true)];
  if (nic.ipv6 !== undefined)
    ipConfigurations.push(ipConfiguration(id, 'ipconfig-v6', nic.ipv6, 'IPv6', subnet, false));
  return { id, name, location: p.vm.region, etag, properties: { ipConfigurations, virtualMachine: { id: p.vmId } } };
}

/** The estate's foreign NSG on the primary NIC: an NSG with only the default rules. */
function seedNsg(sub: SubscriptionState, p: Placement, clock: EtagClock): string {
  const name = p.vm.nsg as string;
  const id = networkId(p.vm.subscription, p.rg, 'networkSecurityGroups', name);
  if (!sub.nsgs.has(key(id))) {
    sub.nsgs.set(key(id), { id, name, location: p.vm.region, etag: clock.next(), properties: { securityRules: [] } });
  }
  return id;
}

function seedVm(sub: SubscriptionState, p: Placement, clock: EtagClock): void {
  const { vm } = p;
  if (sub.vms.has(key(p.vmId))) throw new Error(`estate: Azure VM ${p.vmId} is listed twice`);
  const nics = [
    seedNic(p, { ip: vm.ip, ...(vm.ipv6 === undefined ? {} : { ipv6: vm.ipv6 }) }, `${vm.id}-nic0`, clock.next()),
  ];
  (vm.nics ?? []).forEach((n, i) => nics.push(seedNic(p, n, n.id ?? `${vm.id}-nic${i + 1}`, clock.next())));
  const primary = nics[0] as AzureNetworkInterface;
  if (vm.nsg !== undefined) primary.properties.networkSecurityGroup = { id: seedNsg(sub, p, clock) };
  for (const nic of nics) {
    if (sub.nics.has(key(nic.id))) throw new Error(`estate: Azure NIC ${nic.id} is listed twice`);
    sub.nics.set(key(nic.id), nic);
  }
  sub.vms.set(key(p.vmId), {
    id: p.vmId,
    name: vm.id,
    location: vm.region,
    tags: { ...vm.tags },
    properties: { networkProfile: { networkInterfaces: nics.map((n) => ({ id: n.id })) } },
  });
}

/**
 * One subscription state per estate subscription. A VNet's resource group is the first VM's
 * (in estate order) in that VNet, so VMs of one VNet in different resource groups still share
 * one VNet id, which is what ASG same-VNet checks compare.
 */
export function seedAzure(estate: Estate, clock: EtagClock): Map<string, SubscriptionState> {
  const subs = new Map<string, SubscriptionState>();
  const vnetRgs = new Map<string, string>();
  for (const vm of estate.azure) {
    const sub = subscriptionState(subs, vm.subscription);
    const rg = vm.resourceGroup ?? `rg-${vm.vnet}`;
    const vnetKey = key(`${vm.subscription}/${vm.vnet}`);
    const vnetRg = vnetRgs.get(vnetKey) ?? rg;
    vnetRgs.set(vnetKey, vnetRg);
    sub.resourceGroups.add(key(rg)).add(key(vnetRg));
    seedVm(
      sub,
      { vm, rg, vnetRg, vmId: resourceId(vm.subscription, rg, 'Microsoft.Compute', 'virtualMachines', vm.id) },
      clock,
    );
  }
  return subs;
}
