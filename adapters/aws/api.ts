/**
 * The subset of the EC2 API segsync calls, in the API's own request/response shapes, for one
 * account and Region. Two implementations: the real SDK (client.ts) and the sandbox
 * (adapters/sandbox/aws.ts); read.ts and apply.ts are written once against this interface.
 *
 * Errors are thrown as CloudApiError with the cloud's own error code (e.g.
 * 'InvalidPermission.Duplicate'); only errors.ts interprets codes.
 */
import type {
  AwsInstance,
  AwsIpPermission,
  AwsNetworkInterface,
  AwsPrefixList,
  AwsSecurityGroup,
  AwsTag,
} from '../../core/model/native/aws.ts';

export interface Ec2Scope {
  account: string;
  region: string;
}

export interface Ec2Api {
  readonly scope: Ec2Scope;
  describeInstances(): Promise<AwsInstance[]>;
  describeNetworkInterfaces(input?: { NetworkInterfaceIds?: string[] }): Promise<AwsNetworkInterface[]>;
  describeSecurityGroups(input?: { GroupIds?: string[] }): Promise<AwsSecurityGroup[]>;
  /** DescribeManagedPrefixLists (customer-managed only) joined with GetManagedPrefixListEntries. */
  describeManagedPrefixLists(): Promise<AwsPrefixList[]>;
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
