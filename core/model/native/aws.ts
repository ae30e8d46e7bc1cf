/**
 * AWS native state in the shapes the EC2 API returns (DescribeSecurityGroups,
 * DescribeNetworkInterfaces, DescribeManagedPrefixLists + GetManagedPrefixListEntries).
 * Pure data: the sandbox stores these, the real adapter reads them, the evaluator judges them,
 * and `segsync state` prints them as they are.
 */

export interface AwsTag {
  Key: string;
  Value: string;
}

export interface AwsIpPermission {
  /** 'tcp' | 'udp' | 'icmp' | 'icmpv6' | '-1' (all protocols) */
  IpProtocol: string;
  /** Absent when IpProtocol is '-1'; for icmp FromPort is the type (-1 = all) and ToPort the code. */
  FromPort?: number;
  ToPort?: number;
  IpRanges: { CidrIp: string; Description?: string }[];
  Ipv6Ranges: { CidrIpv6: string; Description?: string }[];
  PrefixListIds: { PrefixListId: string; Description?: string }[];
  UserIdGroupPairs: { GroupId: string; UserId?: string; Description?: string }[];
}

export interface AwsSecurityGroup {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  IpPermissions: AwsIpPermission[];
  IpPermissionsEgress: AwsIpPermission[];
  Tags: AwsTag[];
}

export interface AwsNetworkInterface {
  NetworkInterfaceId: string;
  VpcId: string;
  SubnetId: string;
  AvailabilityZone: string;
  OwnerId: string;
  PrivateIpAddress: string;
  PrivateIpAddresses: { PrivateIpAddress: string; Primary: boolean }[];
  Ipv6Addresses: { Ipv6Address: string }[];
  Groups: { GroupId: string; GroupName: string }[];
  Attachment?: { InstanceId: string; DeviceIndex: number };
  TagSet: AwsTag[];
}

export interface AwsPrefixList {
  PrefixListId: string;
  PrefixListName: string;
  AddressFamily: 'IPv4' | 'IPv6';
  MaxEntries: number;
  Version: number;
  OwnerId: string;
  Tags: AwsTag[];
  /** From GetManagedPrefixListEntries. */
  Entries: { Cidr: string; Description?: string }[];
}

export interface AwsInstance {
  InstanceId: string;
  VpcId: string;
  SubnetId: string;
  PrivateIpAddress: string;
  Placement: { AvailabilityZone: string };
  State: { Name: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated' };
  Tags: AwsTag[];
  NetworkInterfaces: { NetworkInterfaceId: string; Attachment: { DeviceIndex: number } }[];
}

/** Everything segsync reads or writes in AWS, across every account and Region it manages. */
export interface AwsState {
  SecurityGroups: AwsSecurityGroup[];
  NetworkInterfaces: AwsNetworkInterface[];
  PrefixLists: AwsPrefixList[];
}
