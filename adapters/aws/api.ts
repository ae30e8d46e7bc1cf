/**
 * The subset of the EC2 API segsync calls, in the API's own request/response shapes, for one
 * account and Region. Two implementations: the real SDK (client.ts) and the sandbox
 * (adapters/sandbox/aws.ts); read.ts and apply.ts are written once against this interface.
 *
 * Errors are thrown as CloudApiError with the cloud's own error code (e.g.
 * 'InvalidPermission.Duplicate'); only errors.ts interprets codes.
 */
import type { AwsIpPermission, AwsTag } from '../../core/model/native/aws.ts';

export interface Ec2Scope {
  account: string;
  region: string;
}

/**
 * An EC2 filter: objects match when the named field equals one of the values (`*` and `?` are
 * wildcards). Several filters must all match. Unknown filter names are InvalidParameterValue.
 * Filters used: DescribeInstances `instance-id`, `vpc-id`, `tag:<key>`, `tag-key`;
 * DescribeNetworkInterfaces `network-interface-id`, `attachment.instance-id`, `vpc-id`, `group-id`;
 * DescribeSecurityGroups `group-id`, `group-name`, `vpc-id`, `tag:<key>`, `tag-key`;
 * DescribeManagedPrefixLists `prefix-list-id`, `prefix-list-name`, `owner-id`, `tag:<key>`, `tag-key`.
 */
export interface Ec2Filter {
  Name: string;
  Values: string[];
}

/*
 * Response shapes as the EC2 API documents them: a field the API may omit is optional here
 * (an untagged resource has no Tags, an IPv4-only ENI may have no Ipv6Addresses, an ENI attached
 * to a NAT gateway has no Attachment.InstanceId). read.ts completes them into core's
 * AwsSecurityGroup / AwsNetworkInterface / AwsPrefixList, the one place that does.
 */

export interface Ec2IpPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6: string; Description?: string }[];
  PrefixListIds?: { PrefixListId: string; Description?: string }[];
  UserIdGroupPairs?: { GroupId: string; UserId?: string; Description?: string }[];
}

export interface Ec2SecurityGroup {
  GroupId: string;
  GroupName: string;
  Description?: string;
  VpcId: string;
  OwnerId?: string;
  IpPermissions?: Ec2IpPermission[];
  IpPermissionsEgress?: Ec2IpPermission[];
  Tags?: AwsTag[];
}

export interface Ec2NetworkInterface {
  NetworkInterfaceId: string;
  VpcId: string;
  SubnetId?: string;
  AvailabilityZone?: string;
  OwnerId?: string;
  PrivateIpAddress?: string;
  PrivateIpAddresses?: { PrivateIpAddress: string; Primary?: boolean }[];
  Ipv6Addresses?: { Ipv6Address: string }[];
  Groups?: { GroupId: string; GroupName?: string }[];
  Attachment?: { InstanceId?: string; DeviceIndex?: number };
  TagSet?: AwsTag[];
}

export interface Ec2PrefixList {
  PrefixListId: string;
  PrefixListName: string;
  AddressFamily: 'IPv4' | 'IPv6';
  MaxEntries: number;
  Version: number;
  OwnerId?: string;
  Tags?: AwsTag[];
  /** From GetManagedPrefixListEntries (absent when the list has none). */
  Entries?: { Cidr: string; Description?: string }[];
}

export interface Ec2Instance {
  InstanceId: string;
  /** Absent once the instance is terminated. */
  VpcId?: string;
  SubnetId?: string;
  PrivateIpAddress?: string;
  Placement?: { AvailabilityZone?: string };
  State: { Name: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated' };
  Tags?: AwsTag[];
  NetworkInterfaces?: { NetworkInterfaceId: string; Attachment?: { DeviceIndex?: number } }[];
}

export interface Ec2Api {
  readonly scope: Ec2Scope;
  /** Unknown InstanceIds → InvalidInstanceID.NotFound; a filter never fails on absence. */
  describeInstances(input?: { InstanceIds?: string[]; Filters?: Ec2Filter[] }): Promise<Ec2Instance[]>;
  /** Unknown NetworkInterfaceIds → InvalidNetworkInterfaceID.NotFound. */
  describeNetworkInterfaces(input?: {
    NetworkInterfaceIds?: string[];
    Filters?: Ec2Filter[];
  }): Promise<Ec2NetworkInterface[]>;
  /** Unknown GroupIds → InvalidGroup.NotFound. */
  describeSecurityGroups(input?: { GroupIds?: string[]; Filters?: Ec2Filter[] }): Promise<Ec2SecurityGroup[]>;
  /**
   * DescribeManagedPrefixLists (customer-managed only) joined with GetManagedPrefixListEntries.
   * Unknown PrefixListIds → InvalidPrefixListID.NotFound.
   */
  describeManagedPrefixLists(input?: { PrefixListIds?: string[]; Filters?: Ec2Filter[] }): Promise<Ec2PrefixList[]>;
  createSecurityGroup(input: {
    GroupName: string;
    Description: string;
    VpcId: string;
    Tags: AwsTag[];
  }): Promise<{ GroupId: string }>;
  deleteSecurityGroup(input: { GroupId: string }): Promise<void>;
  authorizeSecurityGroupIngress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void>;
  authorizeSecurityGroupEgress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void>;
  revokeSecurityGroupIngress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void>;
  revokeSecurityGroupEgress(input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void>;
  /** Replaces the ENI's whole group set (at least one group). */
  modifyNetworkInterfaceAttribute(input: { NetworkInterfaceId: string; Groups: string[] }): Promise<void>;
  createManagedPrefixList(input: {
    PrefixListName: string;
    AddressFamily: 'IPv4' | 'IPv6';
    MaxEntries: number;
    Entries: { Cidr: string; Description?: string }[];
    Tags: AwsTag[];
  }): Promise<{ PrefixListId: string; Version: number }>;
  /** Entries and MaxEntries cannot change in one call; at most 100 AddEntries and 100 RemoveEntries. */
  modifyManagedPrefixList(input: {
    PrefixListId: string;
    CurrentVersion?: number;
    AddEntries?: { Cidr: string; Description?: string }[];
    RemoveEntries?: { Cidr: string }[];
    MaxEntries?: number;
  }): Promise<{ Version: number }>;
  deleteManagedPrefixList(input: { PrefixListId: string }): Promise<void>;
}
