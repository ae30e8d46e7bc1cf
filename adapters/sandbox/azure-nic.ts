/**
 * NIC PUT in the sandbox Azure: what segsync changes on a NIC (ASG membership of its IP
 * configurations, its NSG, its tags) validated as Microsoft.Network does. See azure.ts for the
 * sources and for what is not modelled (adding/removing IP configurations, address changes).
 */
import type { AzureIpConfiguration, AzureNetworkInterface, AzureSubResource } from '../../core/model/native/azure.ts';
import { vnetOfSubnet } from '../../core/model/native/azure.ts';
import { asgVnets, azureError, key, sameRegion, type AzureLimits, type SubscriptionState } from './azure-model.ts';
import { invalidReference } from './azure-rules.ts';

const idSet = (refs: readonly AzureSubResource[] | undefined): string =>
  [...new Set((refs ?? []).map((r) => key(r.id)))].sort().join('|');

/** The request's IP configurations, matched by name to the current ones (the set cannot change here). */
function matchIpConfigurations(
  current: AzureNetworkInterface,
  request: AzureNetworkInterface,
): Array<[AzureIpConfiguration, AzureIpConfiguration]> {
  const wanted = new Map(request.properties.ipConfigurations.map((c) => [key(c.name), c]));
  const pairs = current.properties.ipConfigurations.map(
    (c): [AzureIpConfiguration, AzureIpConfiguration | undefined] => [c, wanted.get(key(c.name))],
  );
  if (
    wanted.size !== request.properties.ipConfigurations.length ||
    pairs.some(([, r]) => r === undefined) ||
    wanted.size !== pairs.length
  ) {
    throw azureError(
      'SandboxNotModelled',
      `The sandbox does not add, remove or rename IP configurations of ${current.id}; send every current IP configuration (${current.properties.ipConfigurations.map((c) => c.name).join(', ')}) once.`,
    );
  }
  return pairs as Array<[AzureIpConfiguration, AzureIpConfiguration]>;
}

function checkAsgs(
  sub: SubscriptionState,
  nic: AzureNetworkInterface,
  ipc: AzureIpConfiguration,
  refs: readonly AzureSubResource[],
  limits: AzureLimits,
): void {
  if (refs.length > limits.asgsPerIpConfiguration) {
    throw azureError(
      'NumberOfApplicationSecurityGroupsReferencedInIpConfigurationLimitReached',
      `IP configuration ${ipc.id} references ${refs.length} Application Security Groups; the limit is ${limits.asgsPerIpConfiguration}.`,
    );
  }
  for (const ref of refs) {
    const asg = sub.asgs.get(key(ref.id));
    if (!asg || !sameRegion(asg.location, nic.location)) throw invalidReference(ref.id, ipc.id);
  }
}

/** Every IP configuration of a NIC must reference the same set of ASGs (observed service rule). */
function checkSameAsgsOnAllIpConfigurations(pairs: ReadonlyArray<[AzureIpConfiguration, AzureIpConfiguration]>): void {
  const [first, ...rest] = pairs;
  if (!first) return;
  for (const [cur, req] of rest) {
    if (idSet(req.properties.applicationSecurityGroups) !== idSet(first[1].properties.applicationSecurityGroups)) {
      throw azureError(
        'AllIpConfigurationsOnANicMustBelongToTheSameApplicationSecurityGroups',
        `All IPConfigurations on a Network Interface should reference the same set of Application Security Groups. IPConfiguration ${first[0].id} references ASG(s) ${(first[1].properties.applicationSecurityGroups ?? []).map((a) => a.id).join(', ')}, wheras IPConfiguration ${cur.id} references ASG(s) ${(req.properties.applicationSecurityGroups ?? []).map((a) => a.id).join(', ')}.`,
      );
    }
  }
}

/** All NICs in an ASG must be in the VNet of the ones already in it (CLOUD-FACTS §2.2). */
function checkAsgVnet(
  sub: SubscriptionState,
  nic: AzureNetworkInterface,
  ipc: AzureIpConfiguration,
  refs: readonly AzureSubResource[],
): void {
  const others = asgVnets(sub, nic.id);
  const vnet = key(vnetOfSubnet(ipc.properties.subnet.id));
  for (const ref of refs) {
    const existing = [...(others.get(key(ref.id)) ?? [])].filter((v) => v !== vnet);
    if (existing.length > 0) {
      throw azureError(
        'ApplicationSecurityGroupIpConfigurationsInDifferentVirtualNetworks',
        `IP configuration ${ipc.id} in virtual network ${vnetOfSubnet(ipc.properties.subnet.id)} cannot join Application Security Group ${ref.id}: its IP configurations are in virtual network ${existing.join(', ')}. All network interfaces of an application security group must be in the same virtual network.`,
      );
    }
  }
}

function checkNsg(sub: SubscriptionState, nic: AzureNetworkInterface, nsg: AzureSubResource | undefined): void {
  if (!nsg) return;
  const found = sub.nsgs.get(key(nsg.id));
  if (!found || !sameRegion(found.location, nic.location)) throw invalidReference(nsg.id, nic.id);
}

/**
 * Validates a NIC PUT against the current NIC and returns the NIC to store: the request's ASG
 * memberships, NSG and tags on the current addresses, subnets and ids, with a new etag.
 */
export function updatedNic(
  sub: SubscriptionState,
  current: AzureNetworkInterface,
  request: AzureNetworkInterface,
  limits: AzureLimits,
  etag: string,
): AzureNetworkInterface {
  const pairs = matchIpConfigurations(current, request);
  for (const [cur, req] of pairs) checkAsgs(sub, current, cur, req.properties.applicationSecurityGroups ?? [], limits);
  checkSameAsgsOnAllIpConfigurations(pairs);
  for (const [cur, req] of pairs) checkAsgVnet(sub, current, cur, req.properties.applicationSecurityGroups ?? []);
  checkNsg(sub, current, request.properties.networkSecurityGroup);
  const ipConfigurations = pairs.map(([cur, req]): AzureIpConfiguration => {
    const { applicationSecurityGroups: _old, ...rest } = cur.properties;
    const asgs = req.properties.applicationSecurityGroups ?? [];
    return {
      ...cur,
      properties: {
        ...rest,
        ...(asgs.length > 0 ? { applicationSecurityGroups: asgs.map((a) => ({ id: a.id })) } : {}),
      },
    };
  });
  const { networkSecurityGroup: _nsg, ...props } = current.properties;
  const nsg = request.properties.networkSecurityGroup;
  return structuredClone({
    id: current.id,
    name: current.name,
    location: current.location,
    etag,
    ...(request.tags === undefined ? {} : { tags: request.tags }),
    properties: { ...props, ...(nsg ? { networkSecurityGroup: { id: nsg.id } } : {}), ipConfigurations },
  });
}
