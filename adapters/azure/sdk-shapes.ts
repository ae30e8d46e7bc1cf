/**
 * The one place where @azure/arm-network 36 and @azure/arm-compute 24 models meet segsync's ARM
 * shapes (api.ts): one mapper per type and direction. The SDKs flatten `properties` into the
 * resource (x-ms-client-flatten); api.ts keeps ARM's wire shape, which is what the sandbox, the
 * planner and the evaluator speak. Only the fields segsync reads or writes are mapped; everything
 * else on a NIC survives a write because client.ts merges into the NIC as the SDK read it.
 */
import type {
  ApplicationSecurityGroup as SdkAsg,
  NetworkInterface as SdkNic,
  NetworkInterfaceIPConfiguration as SdkIpConfiguration,
  NetworkSecurityGroup as SdkNsg,
  SecurityRule as SdkRule,
  SubResource as SdkRef,
} from '@azure/arm-network';
import type { VirtualMachine as SdkVm } from '@azure/arm-compute';
import type {
  AzureApplicationSecurityGroup,
  AzureSecurityRule,
  AzureSubResource,
} from '../../core/model/native/azure.ts';
import type { ArmIpConfiguration, ArmNetworkInterface, ArmNetworkSecurityGroup, ArmVirtualMachine } from './api.ts';

/** Drops undefined fields, so mapped objects compare and print like ARM JSON. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const ref = (r: SdkRef | undefined): AzureSubResource | undefined => (r?.id === undefined ? undefined : { id: r.id });
const refs = (rs: readonly SdkRef[] | undefined): AzureSubResource[] | undefined =>
  rs === undefined ? undefined : rs.filter((r) => r.id !== undefined).map((r) => ({ id: r.id! }));

/** A rule's ports and addresses: the same fields in the SDK's flattened rule and in ARM's `properties`. */
const rangesOf = (r: SdkRule | AzureSecurityRule['properties']) => ({
  sourcePortRange: r.sourcePortRange,
  sourcePortRanges: r.sourcePortRanges,
  destinationPortRange: r.destinationPortRange,
  destinationPortRanges: r.destinationPortRanges,
  sourceAddressPrefix: r.sourceAddressPrefix,
  sourceAddressPrefixes: r.sourceAddressPrefixes,
  destinationAddressPrefix: r.destinationAddressPrefix,
  destinationAddressPrefixes: r.destinationAddressPrefixes,
});

/** The fields every tracked ARM resource has at its top level (the SDK leaves them optional). */
const trackedFromSdk = (r: SdkAsg | SdkNsg | SdkNic) => ({
  id: r.id ?? '',
  name: r.name ?? '',
  location: r.location ?? '',
  etag: r.etag,
  tags: r.tags,
});

export function ruleFromSdk(r: SdkRule): AzureSecurityRule {
  return defined<AzureSecurityRule>({
    id: r.id,
    name: r.name ?? '',
    etag: r.etag,
    properties: defined({
      description: r.description,
      protocol: r.protocol ?? '*',
      ...rangesOf(r),
      sourceApplicationSecurityGroups: refs(r.sourceApplicationSecurityGroups),
      destinationApplicationSecurityGroups: refs(r.destinationApplicationSecurityGroups),
      access: r.access as 'Allow' | 'Deny',
      priority: r.priority ?? 0,
      direction: r.direction as 'Inbound' | 'Outbound',
      provisioningState: r.provisioningState,
    }),
  });
}

/** The writable fields of a rule, flattened for the SDK (ids and etags are the service's). */
export function ruleToSdk(r: AzureSecurityRule): SdkRule {
  const p = r.properties;
  return defined({
    name: r.name,
    description: p.description,
    protocol: p.protocol,
    ...rangesOf(p),
    sourceApplicationSecurityGroups: p.sourceApplicationSecurityGroups?.map((a) => ({ id: a.id })),
    destinationApplicationSecurityGroups: p.destinationApplicationSecurityGroups?.map((a) => ({ id: a.id })),
    access: p.access,
    priority: p.priority,
    direction: p.direction,
  });
}

export function nsgFromSdk(n: SdkNsg): ArmNetworkSecurityGroup {
  return defined({
    ...trackedFromSdk(n),
    properties: defined({
      securityRules: n.securityRules?.map(ruleFromSdk),
      defaultSecurityRules: n.defaultSecurityRules?.map(ruleFromSdk),
      networkInterfaces: refs(n.networkInterfaces),
      subnets: refs(n.subnets),
      provisioningState: n.provisioningState,
    }),
  });
}

export function asgFromSdk(a: SdkAsg): AzureApplicationSecurityGroup {
  return defined({
    ...trackedFromSdk(a),
    properties: defined({ provisioningState: a.provisioningState }),
  });
}

function ipConfigurationFromSdk(c: SdkIpConfiguration): ArmIpConfiguration {
  return {
    id: c.id ?? '',
    name: c.name ?? '',
    properties: defined({
      privateIPAddress: c.privateIPAddress,
      privateIPAddressVersion: c.privateIPAddressVersion as 'IPv4' | 'IPv6' | undefined,
      subnet: { id: c.subnet?.id ?? '' },
      primary: c.primary,
      applicationSecurityGroups: refs(c.applicationSecurityGroups),
    }),
  };
}

export function nicFromSdk(n: SdkNic): ArmNetworkInterface {
  return defined({
    ...trackedFromSdk(n),
    properties: defined({
      networkSecurityGroup: ref(n.networkSecurityGroup),
      ipConfigurations: n.ipConfigurations?.map(ipConfigurationFromSdk),
      virtualMachine: ref(n.virtualMachine),
    }),
  });
}

/**
 * The NIC to PUT: the NIC as the SDK last read it, with segsync's part of `wanted` (tags, the
 * NIC's NSG, each IP configuration's ASGs, matched by name) put in. Everything else (DNS
 * settings, accelerated networking, public IPs, load-balancer pools...) goes back unchanged: a
 * NIC PUT replaces the whole resource.
 */
export function nicToSdk(read: SdkNic, wanted: ArmNetworkInterface): SdkNic {
  const byName = new Map((wanted.properties.ipConfigurations ?? []).map((c) => [c.name.toLowerCase(), c]));
  const missing = [...byName.keys()].filter(
    (n) => !(read.ipConfigurations ?? []).some((c) => (c.name ?? '').toLowerCase() === n),
  );
  if (missing.length > 0)
    throw new Error(`NIC ${read.id}: IP configuration(s) ${missing.join(', ')} not on the NIC; segsync never adds any`);
  const nsg = wanted.properties.networkSecurityGroup;
  return {
    ...read,
    tags: wanted.tags,
    networkSecurityGroup: nsg === undefined ? undefined : { id: nsg.id },
    ipConfigurations: (read.ipConfigurations ?? []).map((c) => {
      const asgs = byName.get((c.name ?? '').toLowerCase())?.properties.applicationSecurityGroups;
      return { ...c, applicationSecurityGroups: asgs?.map((a) => ({ id: a.id })) };
    }),
  };
}

export function vmFromSdk(vm: SdkVm): ArmVirtualMachine {
  const nics = vm.networkProfile?.networkInterfaces;
  return defined({
    id: vm.id ?? '',
    name: vm.name ?? '',
    location: vm.location,
    tags: vm.tags,
    properties:
      nics === undefined
        ? undefined
        : {
            networkProfile: {
              networkInterfaces: nics
                .filter((r) => r.id !== undefined)
                .map((r) => ({
                  id: r.id!,
                  ...(r.primary === undefined ? {} : { properties: { primary: r.primary } }),
                })),
            },
          },
  });
}
