/**
 * What the local ARM server adds to the sandbox's state to answer as ARM does: resource `type`s,
 * provisioning states, the VM's Compute shape, the VNet list (derived from the NICs' subnets),
 * and the NIC fields the sandbox does not model (DNS settings, accelerated networking, public IP
 * references, allocation methods...), kept per NIC and replaced by each NIC PUT like ARM does.
 */
import type {
  AzureApplicationSecurityGroup,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';
import { vnetOfSubnet } from '../../core/model/native/azure.ts';

type Json = Record<string, unknown>;
const key = (s: string): string => s.toLowerCase();

/** NIC properties the service sets; a PUT body's copy of them is ignored. */
const NIC_READ_ONLY = new Set([
  'virtualMachine',
  'privateEndpoint',
  'tapConfigurations',
  'macAddress',
  'primary',
  'vnetEncryptionSupported',
  'defaultOutboundConnectivityEnabled',
  'hostedWorkloads',
  'dscpConfiguration',
  'resourceGuid',
  'provisioningState',
]);
/** NIC and IP-configuration properties the sandbox itself keeps. */
const NIC_MODELLED = new Set(['ipConfigurations', 'networkSecurityGroup']);
const IPC_MODELLED = new Set([
  'privateIPAddress',
  'privateIPAddressVersion',
  'subnet',
  'primary',
  'applicationSecurityGroups',
  'provisioningState',
  'privateLinkConnectionProperties',
]);

export interface NicExtras {
  /** Writable NIC properties outside the sandbox model (replaced by every PUT). */
  writable: Json;
  /** Read-only ones the service set (kept across PUTs). */
  readOnly: Json;
  /** Per IP configuration (by lowercased name), writable properties outside the model. */
  ipConfigurations: Map<string, Json>;
}

export function seedNicExtras(nic: AzureNetworkInterface, index: number): NicExtras {
  const hex = [...key(nic.id)]
    .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
    .toString(16)
    .padStart(8, '0');
  return {
    writable: {
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      dnsSettings: { dnsServers: [] },
      nicType: 'Standard',
    },
    readOnly: {
      macAddress: `00-0D-3A-${hex.slice(0, 2)}-${hex.slice(2, 4)}-${hex.slice(4, 6)}`.toUpperCase(),
      primary: index === 0,
      resourceGuid: `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`,
    },
    ipConfigurations: new Map(
      nic.properties.ipConfigurations.map((c) => [key(c.name), { privateIPAllocationMethod: 'Dynamic' }]),
    ),
  };
}

/** The extras a NIC PUT body sets: everything it sends outside the model and the read-only set. */
export function extrasFromPut(body: Json, before: NicExtras): NicExtras {
  const props = (body.properties ?? {}) as Json;
  const writable = Object.fromEntries(
    Object.entries(props).filter(([k]) => !NIC_READ_ONLY.has(k) && !NIC_MODELLED.has(k)),
  );
  const ipConfigurations = new Map<string, Json>();
  for (const c of (props.ipConfigurations ?? []) as Json[]) {
    const p = (c.properties ?? {}) as Json;
    ipConfigurations.set(
      key(String(c.name ?? '')),
      Object.fromEntries(Object.entries(p).filter(([k]) => !IPC_MODELLED.has(k))),
    );
  }
  return { writable, readOnly: before.readOnly, ipConfigurations };
}

export function wireNic(nic: AzureNetworkInterface, extras: NicExtras | undefined, state = 'Succeeded'): Json {
  return {
    ...nic,
    type: 'Microsoft.Network/networkInterfaces',
    properties: {
      ...extras?.writable,
      ...extras?.readOnly,
      ...nic.properties,
      provisioningState: state,
      ipConfigurations: nic.properties.ipConfigurations.map((c) => ({
        ...c,
        etag: nic.etag,
        type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
        properties: { ...extras?.ipConfigurations.get(key(c.name)), ...c.properties, provisioningState: state },
      })),
    },
  };
}

export const wireRule = (r: AzureSecurityRule): Json => ({
  ...r,
  type: 'Microsoft.Network/networkSecurityGroups/securityRules',
});

export function wireNsg(nsg: AzureNetworkSecurityGroup, state = 'Succeeded'): Json {
  return {
    ...nsg,
    type: 'Microsoft.Network/networkSecurityGroups',
    properties: {
      ...nsg.properties,
      provisioningState: state,
      securityRules: nsg.properties.securityRules.map(wireRule),
      defaultSecurityRules: (nsg.properties.defaultSecurityRules ?? []).map((r) => ({
        ...r,
        type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
      })),
    },
  };
}

export const wireAsg = (a: AzureApplicationSecurityGroup, state = 'Succeeded'): Json => ({
  ...a,
  type: 'Microsoft.Network/applicationSecurityGroups',
  properties: { ...a.properties, provisioningState: state },
});

/** A VM as Compute's GET returns it (api-version 2026-03-01): the parts segsync reads, plus a size. */
export function wireVm(vm: AzureVirtualMachine): Json {
  return {
    id: vm.id,
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: vm.tags ?? {},
    properties: {
      provisioningState: 'Succeeded',
      hardwareProfile: { vmSize: 'Standard_B2s' },
      networkProfile: {
        networkInterfaces: vm.properties.networkProfile.networkInterfaces.map((r, i) => ({
          id: r.id,
          properties: { primary: i === 0 },
        })),
      },
    },
  };
}

/** The VNets the NICs sit in, with their subnets and each subnet's NSG (from `subnetNsgs`). */
export function wireVnets(nics: readonly AzureNetworkInterface[], subnetNsgs: ReadonlyMap<string, string>): Json[] {
  const vnets = new Map<string, { id: string; location: string; subnets: Map<string, string> }>();
  for (const nic of nics)
    for (const c of nic.properties.ipConfigurations) {
      const vnetId = vnetOfSubnet(c.properties.subnet.id);
      const v = vnets.get(key(vnetId)) ?? { id: vnetId, location: nic.location, subnets: new Map() };
      v.subnets.set(key(c.properties.subnet.id), c.properties.subnet.id);
      vnets.set(key(vnetId), v);
    }
  return [...vnets.values()]
    .sort((a, b) => (key(a.id) < key(b.id) ? -1 : 1))
    .map((v) => ({
      id: v.id,
      name: v.id.slice(v.id.lastIndexOf('/') + 1),
      type: 'Microsoft.Network/virtualNetworks',
      location: v.location,
      properties: {
        provisioningState: 'Succeeded',
        subnets: [...v.subnets.values()].map((s) => ({
          id: s,
          name: s.slice(s.lastIndexOf('/') + 1),
          properties: {
            provisioningState: 'Succeeded',
            ...(subnetNsgs.has(key(s)) ? { networkSecurityGroup: { id: subnetNsgs.get(key(s)) } } : {}),
          },
        })),
      },
    }));
}
