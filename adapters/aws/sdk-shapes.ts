/**
 * SDK types (every field optional, extra fields) ↔ the EC2 shapes of api.ts (the fields segsync
 * uses, optional where the API may omit them). SDK types stop here (STYLE G14): read.ts completes
 * these shapes into core's, as it does for the sandbox's.
 */
import type {
  Instance,
  IpPermission,
  ManagedPrefixList,
  NetworkInterface,
  PrefixListEntry,
  SecurityGroup,
  Tag,
} from '@aws-sdk/client-ec2';
import type { AwsIpPermission, AwsTag } from '../../core/model/native/aws.ts';
import type { Ec2Instance, Ec2IpPermission, Ec2NetworkInterface, Ec2PrefixList, Ec2SecurityGroup } from './api.ts';

function tags(list: Tag[] | undefined): AwsTag[] | undefined {
  return list?.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

/** Only the fields that are present (exactOptionalPropertyTypes-safe, and `{}` stays `{}`). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function description(d: string | undefined) {
  return d !== undefined && d !== '' ? { Description: d } : {};
}

function toEc2Permission(p: IpPermission): Ec2IpPermission {
  return defined({
    IpProtocol: p.IpProtocol ?? '-1',
    FromPort: p.FromPort,
    ToPort: p.ToPort,
    IpRanges: p.IpRanges?.map((r) => ({ CidrIp: r.CidrIp ?? '', ...description(r.Description) })),
    Ipv6Ranges: p.Ipv6Ranges?.map((r) => ({ CidrIpv6: r.CidrIpv6 ?? '', ...description(r.Description) })),
    PrefixListIds: p.PrefixListIds?.map((r) => ({ PrefixListId: r.PrefixListId ?? '', ...description(r.Description) })),
    UserIdGroupPairs: p.UserIdGroupPairs?.map((r) =>
      defined({ GroupId: r.GroupId ?? '', UserId: r.UserId, ...description(r.Description) }),
    ),
  });
}

export function toEc2SecurityGroup(g: SecurityGroup): Ec2SecurityGroup {
  return defined({
    GroupId: g.GroupId ?? '',
    GroupName: g.GroupName ?? '',
    Description: g.Description,
    VpcId: g.VpcId ?? '',
    OwnerId: g.OwnerId,
    IpPermissions: g.IpPermissions?.map(toEc2Permission),
    IpPermissionsEgress: g.IpPermissionsEgress?.map(toEc2Permission),
    Tags: tags(g.Tags),
  });
}

export function toEc2NetworkInterface(e: NetworkInterface): Ec2NetworkInterface {
  return defined({
    NetworkInterfaceId: e.NetworkInterfaceId ?? '',
    VpcId: e.VpcId ?? '',
    SubnetId: e.SubnetId,
    AvailabilityZone: e.AvailabilityZone,
    OwnerId: e.OwnerId,
    PrivateIpAddress: e.PrivateIpAddress,
    PrivateIpAddresses: e.PrivateIpAddresses?.map((a) =>
      defined({ PrivateIpAddress: a.PrivateIpAddress ?? '', Primary: a.Primary }),
    ),
    Ipv6Addresses: e.Ipv6Addresses?.map((a) => ({ Ipv6Address: a.Ipv6Address ?? '' })),
    Groups: e.Groups?.map((g) => defined({ GroupId: g.GroupId ?? '', GroupName: g.GroupName })),
    Attachment: e.Attachment
      ? defined({ InstanceId: e.Attachment.InstanceId, DeviceIndex: e.Attachment.DeviceIndex })
      : undefined,
    TagSet: tags(e.TagSet),
  });
}

export function toEc2Instance(i: Instance): Ec2Instance {
  return defined({
    InstanceId: i.InstanceId ?? '',
    VpcId: i.VpcId,
    SubnetId: i.SubnetId,
    PrivateIpAddress: i.PrivateIpAddress,
    Placement: i.Placement ? defined({ AvailabilityZone: i.Placement.AvailabilityZone }) : undefined,
    State: { Name: i.State?.Name ?? 'pending' },
    Tags: tags(i.Tags),
    NetworkInterfaces: i.NetworkInterfaces?.map((n) =>
      defined({
        NetworkInterfaceId: n.NetworkInterfaceId ?? '',
        Attachment: n.Attachment ? defined({ DeviceIndex: n.Attachment.DeviceIndex }) : undefined,
      }),
    ),
  });
}

export function toEc2PrefixList(l: ManagedPrefixList, entries: PrefixListEntry[]): Ec2PrefixList {
  return defined({
    PrefixListId: l.PrefixListId ?? '',
    PrefixListName: l.PrefixListName ?? '',
    AddressFamily: l.AddressFamily === 'IPv6' ? 'IPv6' : 'IPv4',
    MaxEntries: l.MaxEntries ?? 0,
    Version: l.Version ?? 0,
    OwnerId: l.OwnerId,
    Tags: tags(l.Tags),
    Entries:
      entries.length > 0 ? entries.map((e) => ({ Cidr: e.Cidr ?? '', ...description(e.Description) })) : undefined,
  });
}

/**
 * Units as apply.ts sends them (one peer per permission) → as few IpPermissions as EC2 takes:
 * one per (protocol, ports) with every peer of that key in it. Units are already distinct, so no
 * peer appears twice in one permission (EC2's "same permission must not appear multiple times").
 */
export function toSdkPermissions(permissions: readonly AwsIpPermission[]): IpPermission[] {
  const merged = new Map<string, IpPermission>();
  for (const p of permissions) {
    const key = `${p.IpProtocol}|${p.FromPort ?? ''}|${p.ToPort ?? ''}`;
    let out = merged.get(key);
    if (!out) {
      out = defined({ IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort });
      merged.set(key, out);
    }
    if (p.IpRanges.length > 0) out.IpRanges = [...(out.IpRanges ?? []), ...p.IpRanges];
    if (p.Ipv6Ranges.length > 0) out.Ipv6Ranges = [...(out.Ipv6Ranges ?? []), ...p.Ipv6Ranges];
    if (p.PrefixListIds.length > 0) out.PrefixListIds = [...(out.PrefixListIds ?? []), ...p.PrefixListIds];
    if (p.UserIdGroupPairs.length > 0) out.UserIdGroupPairs = [...(out.UserIdGroupPairs ?? []), ...p.UserIdGroupPairs];
  }
  return [...merged.values()];
}
