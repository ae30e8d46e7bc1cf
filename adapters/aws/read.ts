/**
 * Reads one AWS scope (account + Region) into core models (STYLE G3, G14): instances become
 * Workloads (the ID FORMATS of core/model/inventory.ts), and the native state is returned in the
 * EC2 shapes the planner and verify read.
 *
 * - Terminated and shutting-down instances are gone (their ENIs are being deleted); every other
 *   state is inventory (pending, running, stopping, stopped: a stopped instance keeps its ENIs,
 *   and its segment must already be in place when it starts).
 * - Attachments are ENIs in device order; groups hang there, not on the instance, and only the
 *   ENI reflects group changes (CLOUD-FACTS §1.1, §7). Addresses: every private IPv4 of every ENI,
 *   primary first, then every IPv6.
 * - Full read: ALL security groups (foreign ones too: findings and verify need them), all ENIs
 *   and all customer-managed prefix lists of the scope; each Describe* runs once (readAws).
 * - Scoped read (the event path): instances and their ENIs by `instance-id` /
 *   `attachment.instance-id` filters, groups and prefix lists by id or name filters. Filters, not
 *   InstanceIds/GroupIds, because an id that no longer exists must read as absent, not fail.
 */
import { awsNetworkId, awsScope, workloadId } from '../../core/model/ids.ts';
import type { Attachment, Workload } from '../../core/model/inventory.ts';
import type {
  AwsIpPermission,
  AwsNetworkInterface,
  AwsPrefixList,
  AwsSecurityGroup,
  AwsState,
} from '../../core/model/native/aws.ts';
import { normalizeLabels } from '../../core/policy/labels.ts';
import { isScoped, type ReadRequest } from '../adapter.ts';
import { classifyCloudError } from '../errors.ts';
import type {
  Ec2Api,
  Ec2Filter,
  Ec2Instance,
  Ec2IpPermission,
  Ec2NetworkInterface,
  Ec2PrefixList,
  Ec2SecurityGroup,
} from './api.ts';
import { AWS_ERRORS } from './errors.ts';

/**
 * Values per EC2 filter in one request. AWS documents no number for every action; 200 is the
 * limit DescribeInstances enforces [?], used for all as the safe bound.
 */
const FILTER_VALUES_PER_CALL = 200;
/** Security-group ids are `sg-…`, and a group NAME may not start with `sg-` (CLOUD-FACTS §1.3): unambiguous. */
const GROUP_ID = /^sg-/;
/** Prefix-list ids; segsync's own list names never take this form (core/compile/aws-names.ts). */
const PREFIX_LIST_ID = /^pl-[0-9a-f]+$/;

/** Instance states whose instance no longer counts (issue 11: terminated / shutting-down are gone). */
const GONE: ReadonlySet<Ec2Instance['State']['Name']> = new Set(['terminated', 'shutting-down']);

/** One read of one scope: each list call once, feeding both the workloads and the state. */
export async function readAws(api: Ec2Api, request?: ReadRequest): Promise<{ workloads: Workload[]; state: AwsState }> {
  try {
    const [instances, enis, groups, lists] = await Promise.all(
      isScoped(request)
        ? [
            byFilter(request?.workloads, 'instance-id', (Filters) => api.describeInstances({ Filters })),
            byFilter(request?.workloads, 'attachment.instance-id', (Filters) =>
              api.describeNetworkInterfaces({ Filters }),
            ),
            scopedGroups(api, request?.objects ?? []),
            scopedPrefixLists(api, request?.objects ?? []),
          ]
        : [
            api.describeInstances(),
            api.describeNetworkInterfaces(),
            api.describeSecurityGroups(),
            api.describeManagedPrefixLists(),
          ],
    );
    const NetworkInterfaces = enis.map(toNetworkInterface);
    return {
      workloads: toWorkloads(api, instances, NetworkInterfaces),
      state: {
        SecurityGroups: uniqueBy(groups.map(toSecurityGroup), (g) => g.GroupId),
        NetworkInterfaces,
        PrefixLists: uniqueBy(lists.map(toPrefixList), (p) => p.PrefixListId),
      },
    };
  } catch (e) {
    throw classifyCloudError(e, AWS_ERRORS, {
      cloud: 'aws',
      kind: 'read',
      target: awsScope(api.scope),
    });
  }
}

/** A filter over `values`, in calls of at most FILTER_VALUES_PER_CALL values; nothing named, no call. */
async function byFilter<T>(
  values: readonly string[] | undefined,
  name: string,
  call: (filters: Ec2Filter[]) => Promise<T[]>,
): Promise<T[]> {
  const all = [...new Set(values ?? [])];
  const parts: Promise<T[]>[] = [];
  for (let i = 0; i < all.length; i += FILTER_VALUES_PER_CALL)
    parts.push(call([{ Name: name, Values: all.slice(i, i + FILTER_VALUES_PER_CALL) }]));
  return (await Promise.all(parts)).flat();
}

/** Ids of groups and prefix lists by their forms; everything else is a name. */
function partition(objects: readonly string[]) {
  const isPl = (o: string) => PREFIX_LIST_ID.test(o);
  const isSg = (o: string) => GROUP_ID.test(o);
  return {
    groupIds: objects.filter(isSg),
    listIds: objects.filter(isPl),
    names: objects.filter((o) => !isSg(o) && !isPl(o)),
  };
}

async function scopedGroups(api: Ec2Api, objects: readonly string[]): Promise<Ec2SecurityGroup[]> {
  const { groupIds, names } = partition(objects);
  return byIdOrName(groupIds, 'group-id', names, 'group-name', (Filters) => api.describeSecurityGroups({ Filters }));
}

async function scopedPrefixLists(api: Ec2Api, objects: readonly string[]): Promise<Ec2PrefixList[]> {
  const { listIds, names } = partition(objects);
  return byIdOrName(listIds, 'prefix-list-id', names, 'prefix-list-name', (Filters) =>
    api.describeManagedPrefixLists({ Filters }),
  );
}

/** Objects named by id or by name: one filtered call (chunked) for each. */
async function byIdOrName<T>(
  ids: readonly string[],
  idFilter: string,
  names: readonly string[],
  nameFilter: string,
  call: (filters: Ec2Filter[]) => Promise<T[]>,
): Promise<T[]> {
  return (await Promise.all([byFilter(ids, idFilter, call), byFilter(names, nameFilter, call)])).flat();
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const t of items) if (!seen.has(key(t))) seen.set(key(t), t);
  return [...seen.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function toWorkloads(api: Ec2Api, instances: readonly Ec2Instance[], enis: readonly AwsNetworkInterface[]): Workload[] {
  const byId = new Map(enis.map((e) => [e.NetworkInterfaceId, e]));
  return instances
    .filter((i) => !GONE.has(i.State.Name))
    .map((i) => toWorkload(api, i, interfacesOf(i, byId, enis)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/*
 * The one place the EC2 response shapes are completed into core's (STYLE G14): every list the
 * API may omit becomes empty, every optional string the planner keys on becomes ''.
 */

function toPermission(p: Ec2IpPermission): AwsIpPermission {
  return {
    IpProtocol: p.IpProtocol,
    ...(p.FromPort !== undefined ? { FromPort: p.FromPort } : {}),
    ...(p.ToPort !== undefined ? { ToPort: p.ToPort } : {}),
    IpRanges: p.IpRanges ?? [],
    Ipv6Ranges: p.Ipv6Ranges ?? [],
    PrefixListIds: p.PrefixListIds ?? [],
    UserIdGroupPairs: p.UserIdGroupPairs ?? [],
  };
}

/** @example toSecurityGroup({ GroupId: 'sg-1', GroupName: 'web', VpcId: 'vpc-1' }).Tags; // [] */
export function toSecurityGroup(g: Ec2SecurityGroup): AwsSecurityGroup {
  return {
    GroupId: g.GroupId,
    GroupName: g.GroupName,
    Description: g.Description ?? '',
    VpcId: g.VpcId,
    OwnerId: g.OwnerId ?? '',
    IpPermissions: (g.IpPermissions ?? []).map(toPermission),
    IpPermissionsEgress: (g.IpPermissionsEgress ?? []).map(toPermission),
    Tags: g.Tags ?? [],
  };
}

export function toNetworkInterface(e: Ec2NetworkInterface): AwsNetworkInterface {
  const attached = e.Attachment?.InstanceId;
  return {
    NetworkInterfaceId: e.NetworkInterfaceId,
    VpcId: e.VpcId,
    SubnetId: e.SubnetId ?? '',
    AvailabilityZone: e.AvailabilityZone ?? '',
    OwnerId: e.OwnerId ?? '',
    PrivateIpAddress: e.PrivateIpAddress ?? '',
    PrivateIpAddresses: (e.PrivateIpAddresses ?? []).map((a) => ({
      PrivateIpAddress: a.PrivateIpAddress,
      Primary: a.Primary ?? false,
    })),
    Ipv6Addresses: e.Ipv6Addresses ?? [],
    Groups: (e.Groups ?? []).map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName ?? '' })),
    ...(attached !== undefined
      ? { Attachment: { InstanceId: attached, DeviceIndex: e.Attachment?.DeviceIndex ?? 0 } }
      : {}),
    TagSet: e.TagSet ?? [],
  };
}

export function toPrefixList(p: Ec2PrefixList): AwsPrefixList {
  return {
    PrefixListId: p.PrefixListId,
    PrefixListName: p.PrefixListName,
    AddressFamily: p.AddressFamily,
    MaxEntries: p.MaxEntries,
    Version: p.Version,
    OwnerId: p.OwnerId ?? '',
    Tags: p.Tags ?? [],
    Entries: p.Entries ?? [],
  };
}

/** The instance's ENIs in device order (primary first); falls back to ENIs whose attachment names it. */
function interfacesOf(
  i: Ec2Instance,
  byId: ReadonlyMap<string, AwsNetworkInterface>,
  all: readonly AwsNetworkInterface[],
): AwsNetworkInterface[] {
  const listed = [...(i.NetworkInterfaces ?? [])]
    .sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0))
    .map((n) => byId.get(n.NetworkInterfaceId))
    .filter((e): e is AwsNetworkInterface => e !== undefined);
  if (listed.length > 0) return listed;
  return all
    .filter((e) => e.Attachment?.InstanceId === i.InstanceId)
    .sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0));
}

function ipv4Of(e: AwsNetworkInterface): string[] {
  const rest = e.PrivateIpAddresses.filter((a) => !a.Primary && a.PrivateIpAddress !== e.PrivateIpAddress).map(
    (a) => a.PrivateIpAddress,
  );
  return [e.PrivateIpAddress, ...rest].filter((a) => a !== '');
}

function ipv6Of(e: AwsNetworkInterface): string[] {
  return e.Ipv6Addresses.map((a) => a.Ipv6Address);
}

function toWorkload(api: Ec2Api, i: Ec2Instance, enis: AwsNetworkInterface[]): Workload {
  const { account, region } = api.scope;
  const normalized = normalizeLabels('aws', i.Tags ?? []);
  const attachments: Attachment[] = enis.map((e) => ({
    id: e.NetworkInterfaceId,
    network: awsNetworkId(account, region, e.VpcId),
    addresses: [...ipv4Of(e), ...ipv6Of(e)],
  }));
  const ipv4 = enis.flatMap(ipv4Of);
  const primaryFirst =
    i.PrivateIpAddress && ipv4.includes(i.PrivateIpAddress)
      ? [i.PrivateIpAddress, ...ipv4.filter((a) => a !== i.PrivateIpAddress)]
      : ipv4;
  return {
    id: workloadId({ cloud: 'aws', account, region, instance: i.InstanceId }),
    nativeId: i.InstanceId,
    cloud: 'aws',
    location: { cloud: 'aws', account, region },
    network: awsNetworkId(account, region, i.VpcId ?? enis[0]?.VpcId ?? ''),
    labels: normalized.labels,
    addresses: [...primaryFirst, ...enis.flatMap(ipv6Of)],
    publicAddresses: [],
    attachments,
    managed: true,
    labelProblems: normalized.problems,
  };
}
