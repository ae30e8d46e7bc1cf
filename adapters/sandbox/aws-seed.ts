/**
 * Builds the sandbox AWS state from an estate: VPCs with their default groups, the estate's
 * foreign groups, then instances with their ENIs. Processing follows the estate's order, so ids
 * are deterministic. The estate is expected to be validated (parseEstate); inconsistencies that
 * slip through (e.g. hand-built estates in tests) throw a plain Error naming the item.
 */
import type { AwsIpPermission, AwsNetworkInterface } from '../../core/model/native/aws.ts';
import { formatAddress, parseAddress, parseCidr } from '../../core/model/address.ts';
import type { Ec2Scope } from '../aws/api.ts';
import { expandPermissions, ruleWeight } from './aws-rules.ts';
import {
  defaultEgress,
  type AwsLimits,
  type GroupState,
  type IdGenerator,
  type RuleUnit,
  type ScopeState,
} from './aws-state.ts';
import type { Estate, EstateAwsInstance, EstateAwsSecurityGroup } from './estate-types.ts';

type StateOf = (scope: Ec2Scope) => ScopeState;

export function seedAws(estate: Estate, stateOf: StateOf, ids: IdGenerator, limits: AwsLimits): void {
  for (const [state, vpc] of registerVpcs(estate, stateOf)) addDefaultGroup(state, vpc, ids);
  for (const sg of estate.awsSecurityGroups) addForeignGroup(stateOf(sg), sg, limits);
  for (const instance of estate.aws) addInstance(stateOf(instance), instance, ids, limits);
}

const hasIpv6 = (i: EstateAwsInstance): boolean =>
  i.ipv6 !== undefined || (i.nics ?? []).some((n) => n.ipv6 !== undefined);

/** Every VPC the estate names, in first-seen order, marking those with any IPv6 address. */
function registerVpcs(estate: Estate, stateOf: StateOf): Array<[ScopeState, string]> {
  const order: Array<[ScopeState, string]> = [];
  const register = (state: ScopeState, vpc: string, ipv6: boolean): void => {
    const known = state.vpcs.get(vpc);
    if (known) known.ipv6 ||= ipv6;
    else {
      state.vpcs.set(vpc, { ipv6 });
      order.push([state, vpc]);
    }
  };
  for (const i of estate.aws) register(stateOf(i), i.vpc, hasIpv6(i));
  for (const g of estate.awsSecurityGroups) register(stateOf(g), g.vpc, false);
  return order;
}

/** AWS's default group: all inbound from its own members, all outbound (CLOUD-FACTS §1.1). */
function addDefaultGroup(state: ScopeState, vpc: string, ids: IdGenerator): void {
  const id = ids.next('sg');
  state.groups.set(id, {
    GroupId: id,
    GroupName: 'default',
    Description: 'default VPC security group',
    VpcId: vpc,
    OwnerId: state.scope.account,
    Tags: [],
    ingress: [{ protocol: '-1', peer: { kind: 'sg', id } }],
    egress: defaultEgress(state.vpcs.get(vpc)?.ipv6 ?? false),
  });
}

/** Estate rule → an EC2 permission; "ports" is "22" or "8000-8100" (for ICMP: "type" or "type-code"). */
function toPermission(rule: { protocol: string; ports?: string; cidr: string }): AwsIpPermission {
  const protocol = rule.protocol === 'all' ? '-1' : rule.protocol;
  const [lo, hi] = rule.ports === undefined ? [] : rule.ports.split('-').map(Number);
  const ports =
    protocol === 'tcp' || protocol === 'udp'
      ? { FromPort: lo ?? 0, ToPort: hi ?? lo ?? 65535 }
      : protocol === 'icmp' || protocol === 'icmpv6'
        ? { FromPort: lo ?? -1, ToPort: hi ?? -1 }
        : {};
  const v6 = parseCidr(rule.cidr).ok && rule.cidr.includes(':');
  return {
    IpProtocol: protocol,
    ...ports,
    IpRanges: v6 ? [] : [{ CidrIp: rule.cidr }],
    Ipv6Ranges: v6 ? [{ CidrIpv6: rule.cidr }] : [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
}

function unitsOf(sg: EstateAwsSecurityGroup, rules: EstateAwsSecurityGroup['ingress']): RuleUnit[] {
  try {
    return (rules ?? []).length === 0 ? [] : expandPermissions((rules ?? []).map(toPermission));
  } catch (e) {
    throw new Error(`estate security group ${sg.id}: ${(e as Error).message}`);
  }
}

function addForeignGroup(state: ScopeState, sg: EstateAwsSecurityGroup, limits: AwsLimits): void {
  if (state.groups.has(sg.id)) throw new Error(`estate security group ${sg.id} is defined twice`);
  const name = sg.name ?? sg.id.replace(/^sg-/, '');
  const group: GroupState = {
    GroupId: sg.id,
    GroupName: name,
    Description: name,
    VpcId: sg.vpc,
    OwnerId: sg.account,
    Tags: [],
    ingress: unitsOf(sg, sg.ingress),
    // A group created without explicit egress gets AWS's allow-all outbound rule.
    egress: sg.egress ? unitsOf(sg, sg.egress) : defaultEgress(state.vpcs.get(sg.vpc)?.ipv6 ?? false),
  };
  for (const units of [group.ingress, group.egress]) {
    const w = ruleWeight(units, () => 0);
    if (Math.max(w.ipv4, w.ipv6) > limits.rulesPerGroupPerDirectionPerFamily) {
      throw new Error(
        `estate security group ${sg.id} has more rules than the limit of ${limits.rulesPerGroupPerDirectionPerFamily}`,
      );
    }
  }
  state.groups.set(sg.id, group);
}

function groupsFor(state: ScopeState, instance: EstateAwsInstance, limits: AwsLimits): AwsNetworkInterface['Groups'] {
  const ids =
    instance.securityGroups ??
    [...state.groups.values()]
      .filter((g) => g.VpcId === instance.vpc && g.GroupName === 'default')
      .map((g) => g.GroupId);
  if (ids.length > limits.groupsPerInterface) {
    throw new Error(
      `estate instance ${instance.id} has ${ids.length} security groups, more than the limit of ${limits.groupsPerInterface} per interface`,
    );
  }
  return ids.map((id) => {
    const g = state.groups.get(id);
    if (!g || g.VpcId !== instance.vpc)
      throw new Error(`estate instance ${instance.id}: security group ${id} does not exist in ${instance.vpc}`);
    return { GroupId: g.GroupId, GroupName: g.GroupName };
  });
}

const canonical = (ip: string): string => {
  const parsed = parseAddress(ip);
  return parsed.ok ? formatAddress(parsed.value.family, parsed.value.value) : ip;
};

function addInstance(state: ScopeState, instance: EstateAwsInstance, ids: IdGenerator, limits: AwsLimits): void {
  if (state.instances.has(instance.id)) throw new Error(`estate instance ${instance.id} is defined twice`);
  const groups = groupsFor(state, instance, limits);
  const zone = `${instance.region}a`;
  const subnetOf = (subnet: string | undefined): string => subnet ?? `subnet-${instance.vpc.replace(/^vpc-/, '')}`;
  // A terminated instance's ENIs are gone (primary ENIs are deleted on termination).
  const nics =
    instance.state === 'terminated'
      ? []
      : [{ id: undefined, ip: instance.ip, ipv6: instance.ipv6, subnet: instance.subnet }, ...(instance.nics ?? [])];
  const eniIds = nics.map((nic, index) => {
    const id = nic.id ?? ids.next('eni');
    if (state.enis.has(id)) throw new Error(`estate instance ${instance.id}: network interface ${id} is defined twice`);
    state.enis.set(id, {
      NetworkInterfaceId: id,
      VpcId: instance.vpc,
      SubnetId: subnetOf(nic.subnet),
      AvailabilityZone: zone,
      OwnerId: state.scope.account,
      PrivateIpAddress: nic.ip,
      PrivateIpAddresses: [{ PrivateIpAddress: nic.ip, Primary: true }],
      Ipv6Addresses: nic.ipv6 ? [{ Ipv6Address: canonical(nic.ipv6) }] : [],
      Groups: groups.map((g) => ({ ...g })),
      Attachment: { InstanceId: instance.id, DeviceIndex: index },
      TagSet: [],
    });
    return id;
  });
  state.instances.set(instance.id, {
    InstanceId: instance.id,
    VpcId: instance.vpc,
    SubnetId: subnetOf(instance.subnet),
    PrivateIpAddress: instance.ip,
    Placement: { AvailabilityZone: zone },
    State: { Name: instance.state ?? 'running' },
    Tags: Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value })),
    NetworkInterfaces: eniIds.map((id, index) => ({ NetworkInterfaceId: id, Attachment: { DeviceIndex: index } })),
  });
}
