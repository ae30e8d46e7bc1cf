/**
 * SandboxEc2: an in-memory EC2 for one (account, Region), implementing the Ec2Api subset
 * segsync calls. See aws.ts for the list of what is modelled and what is not.
 *
 * Every call first asks the fault injector (a throttle or server error changes nothing), then
 * validates the whole request before changing anything: a call either applies entirely or fails
 * entirely. Inputs and outputs are deep copies, so no caller can reach into sandbox state.
 */
import type {
  AwsInstance,
  AwsIpPermission,
  AwsNetworkInterface,
  AwsPrefixList,
  AwsSecurityGroup,
  AwsTag,
} from '../../core/model/native/aws.ts';
import type { Ec2Api, Ec2Filter, Ec2Scope } from '../aws/api.ts';
import { describeGroups, describeInstances, describeNetworkInterfaces, describePrefixLists } from './aws-describe.ts';
import type { FaultInjector } from './faults.ts';
import {
  createPrefixList,
  deletePrefixList,
  findPrefixList,
  modifyPrefixList,
  type ModifyInput,
} from './aws-prefix-lists.ts';
import { describeUnit, expandPermissions, ruleWeight, rulesLimitError, toPermissions, unitKey } from './aws-rules.ts';
import {
  checkTags,
  defaultEgress,
  ec2Error,
  type AwsLimits,
  type Direction,
  type GroupState,
  type IdGenerator,
  type RuleUnit,
  type ScopeState,
} from './aws-state.ts';

/** Group names and descriptions: ≤ 255 of a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$* (CLOUD-FACTS §1.3). */
const GROUP_TEXT = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

export class SandboxEc2 implements Ec2Api {
  readonly scope: Ec2Scope;

  constructor(
    private readonly state: ScopeState,
    private readonly ids: IdGenerator,
    private readonly limits: AwsLimits,
    private readonly faults: FaultInjector,
  ) {
    this.scope = { ...state.scope };
  }

  async describeInstances(input?: { InstanceIds?: string[]; Filters?: Ec2Filter[] }): Promise<AwsInstance[]> {
    this.faults.check('aws', 'DescribeInstances');
    return describeInstances(this.state, input);
  }

  async describeNetworkInterfaces(input?: {
    NetworkInterfaceIds?: string[];
    Filters?: Ec2Filter[];
  }): Promise<AwsNetworkInterface[]> {
    this.faults.check('aws', 'DescribeNetworkInterfaces');
    return describeNetworkInterfaces(this.state, input);
  }

  async describeSecurityGroups(input?: { GroupIds?: string[]; Filters?: Ec2Filter[] }): Promise<AwsSecurityGroup[]> {
    this.faults.check('aws', 'DescribeSecurityGroups');
    return describeGroups(this.state, input).map(toSecurityGroup);
  }

  async describeManagedPrefixLists(input?: {
    PrefixListIds?: string[];
    Filters?: Ec2Filter[];
  }): Promise<AwsPrefixList[]> {
    this.faults.check('aws', 'DescribeManagedPrefixLists');
    return describePrefixLists(this.state, input);
  }

  async createSecurityGroup(raw: {
    GroupName: string;
    Description: string;
    VpcId: string;
    Tags: AwsTag[];
  }): Promise<{ GroupId: string }> {
    this.faults.check('aws', 'CreateSecurityGroup');
    const input = structuredClone(raw);
    const vpc = this.state.vpcs.get(input.VpcId);
    if (!vpc) throw ec2Error('InvalidVpcID.NotFound', `The vpc ID '${input.VpcId}' does not exist`);
    checkGroupText('GroupName', input.GroupName);
    checkGroupText('GroupDescription', input.Description);
    checkTags(input.Tags);
    if ([...this.state.groups.values()].some((g) => g.VpcId === input.VpcId && g.GroupName === input.GroupName)) {
      throw ec2Error(
        'InvalidGroup.Duplicate',
        `The security group '${input.GroupName}' already exists for VPC '${input.VpcId}'`,
      );
    }
    if (this.state.groups.size >= this.limits.groupsPerRegion) {
      throw ec2Error(
        'SecurityGroupLimitExceeded',
        `The maximum number of security groups (${this.limits.groupsPerRegion}) for this Region has been reached.`,
      );
    }
    const id = this.ids.next('sg');
    this.state.groups.set(id, {
      GroupId: id,
      GroupName: input.GroupName,
      Description: input.Description,
      VpcId: input.VpcId,
      OwnerId: this.scope.account,
      Tags: input.Tags,
      ingress: [],
      egress: defaultEgress(vpc.ipv6),
    });
    return { GroupId: id };
  }

  async deleteSecurityGroup(input: { GroupId: string }): Promise<void> {
    this.faults.check('aws', 'DeleteSecurityGroup');
    const group = this.group(input.GroupId);
    if (group.GroupName === 'default') {
      throw ec2Error(
        'CannotDelete',
        `the specified group: "${group.GroupId}" name: "default" cannot be deleted by a user`,
      );
    }
    const attached = [...this.state.enis.values()].some((e) => e.Groups.some((g) => g.GroupId === group.GroupId));
    const referenced = [...this.state.groups.values()].some(
      (g) =>
        g.GroupId !== group.GroupId &&
        [...g.ingress, ...g.egress].some((u) => u.peer.kind === 'sg' && u.peer.id === group.GroupId),
    );
    if (attached || referenced)
      throw ec2Error('DependencyViolation', `resource ${group.GroupId} has a dependent object`);
    this.state.groups.delete(group.GroupId);
  }

  async authorizeSecurityGroupIngress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void> {
    this.faults.check('aws', 'AuthorizeSecurityGroupIngress');
    this.authorize('ingress', structuredClone(input));
  }

  async authorizeSecurityGroupEgress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void> {
    this.faults.check('aws', 'AuthorizeSecurityGroupEgress');
    this.authorize('egress', structuredClone(input));
  }

  async revokeSecurityGroupIngress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void> {
    this.faults.check('aws', 'RevokeSecurityGroupIngress');
    this.revoke('ingress', structuredClone(input));
  }

  async revokeSecurityGroupEgress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void> {
    this.faults.check('aws', 'RevokeSecurityGroupEgress');
    this.revoke('egress', structuredClone(input));
  }

  async modifyNetworkInterfaceAttribute(input: { NetworkInterfaceId: string; Groups: string[] }): Promise<void> {
    this.faults.check('aws', 'ModifyNetworkInterfaceAttribute');
    const eni = this.eni(input.NetworkInterfaceId);
    const ids = [...input.Groups];
    // [?] EC2's wording for an empty group list; an empty set is never applied.
    if (ids.length === 0) throw ec2Error('InvalidParameterCombination', 'No attributes specified.');
    if (new Set(ids).size !== ids.length)
      throw ec2Error('InvalidParameterValue', 'The same security group must not appear multiple times');
    const groups = ids.map((id) => this.group(id));
    if (groups.some((g) => g.VpcId !== eni.VpcId)) {
      throw ec2Error('InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
    }
    if (groups.length > this.limits.groupsPerInterface) {
      throw ec2Error(
        'SecurityGroupsPerInterfaceLimitExceeded',
        'The maximum number of security groups per interface has been reached.',
      );
    }
    eni.Groups = groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName }));
  }

  async createManagedPrefixList(input: {
    PrefixListName: string;
    AddressFamily: 'IPv4' | 'IPv6';
    MaxEntries: number;
    Entries: { Cidr: string; Description?: string }[];
    Tags: AwsTag[];
  }): Promise<{ PrefixListId: string; Version: number }> {
    this.faults.check('aws', 'CreateManagedPrefixList');
    return createPrefixList(this.state, this.ids, this.limits, structuredClone(input));
  }

  async modifyManagedPrefixList(input: ModifyInput): Promise<{ Version: number }> {
    this.faults.check('aws', 'ModifyManagedPrefixList');
    return modifyPrefixList(this.state, this.limits, structuredClone(input));
  }

  async deleteManagedPrefixList(input: { PrefixListId: string }): Promise<void> {
    this.faults.check('aws', 'DeleteManagedPrefixList');
    deletePrefixList(this.state, input.PrefixListId);
  }

  private group(id: string): GroupState {
    const group = this.state.groups.get(id);
    if (!group) throw ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return group;
  }

  private eni(id: string): AwsNetworkInterface {
    const eni = this.state.enis.get(id);
    if (!eni) throw ec2Error('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`);
    return eni;
  }

  /** Referenced groups must exist in the same VPC (peering is not modelled); prefix lists must exist. */
  private checkPeers(group: GroupState, units: readonly RuleUnit[]): void {
    for (const u of units) {
      if (u.peer.kind === 'pl') findPrefixList(this.state, u.peer.id);
      if (u.peer.kind === 'sg' && this.group(u.peer.id).VpcId !== group.VpcId) {
        throw ec2Error('InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
      }
    }
  }

  private authorize(direction: Direction, input: { GroupId: string; IpPermissions: AwsIpPermission[] }): void {
    const group = this.group(input.GroupId);
    const units = expandPermissions(input.IpPermissions);
    this.checkPeers(group, units);
    const existing = new Set(group[direction].map(unitKey));
    const duplicate = units.find((u) => existing.has(unitKey(u)));
    if (duplicate)
      throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeUnit(duplicate)}" already exists`);
    const next = [...group[direction], ...units];
    const w = ruleWeight(next, (id) => this.state.prefixLists.get(id)?.MaxEntries ?? 0);
    const limit = this.limits.rulesPerGroupPerDirectionPerFamily;
    if (w.ipv4 > limit || w.ipv6 > limit) {
      throw rulesLimitError(
        group.GroupId,
        `${direction} would count ${w.ipv4} IPv4 and ${w.ipv6} IPv6 rules, limit ${limit} each`,
      );
    }
    group[direction] = next;
  }

  /** Non-default VPC behaviour: any rule that does not exist fails the call and revokes nothing. */
  private revoke(direction: Direction, input: { GroupId: string; IpPermissions: AwsIpPermission[] }): void {
    const group = this.group(input.GroupId);
    const keys = new Set(expandPermissions(input.IpPermissions).map(unitKey));
    const existing = new Set(group[direction].map(unitKey));
    for (const key of keys) {
      if (!existing.has(key))
        throw ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    }
    group[direction] = group[direction].filter((u) => !keys.has(unitKey(u)));
  }
}

function checkGroupText(field: 'GroupName' | 'GroupDescription', value: string): void {
  if (field === 'GroupName' && value.startsWith('sg-')) {
    throw ec2Error(
      'InvalidParameterValue',
      `Value (${value}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`,
    );
  }
  if (!GROUP_TEXT.test(value)) {
    throw ec2Error(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${field} is invalid: use 1-255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*`,
    );
  }
}

/** The EC2 DescribeSecurityGroups shape of a stored group (shares the stored arrays: copy before handing out). */
export function toSecurityGroup(g: GroupState): AwsSecurityGroup {
  return {
    GroupId: g.GroupId,
    GroupName: g.GroupName,
    Description: g.Description,
    VpcId: g.VpcId,
    OwnerId: g.OwnerId,
    IpPermissions: toPermissions(g.ingress, g.OwnerId),
    IpPermissionsEgress: toPermissions(g.egress, g.OwnerId),
    Tags: g.Tags,
  };
}
