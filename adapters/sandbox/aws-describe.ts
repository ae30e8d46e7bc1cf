/**
 * The sandbox EC2's Describe* calls with ids and filters, as EC2 answers them:
 * - ids (InstanceIds, NetworkInterfaceIds, GroupIds, PrefixListIds): every id must exist, else the
 *   whole call fails with that resource's NotFound code (InvalidInstanceID.NotFound,
 *   InvalidNetworkInterfaceID.NotFound, InvalidGroup.NotFound, InvalidPrefixListID.NotFound);
 * - Filters: values of one filter are ORed, filters are ANDed; `*` (any run) and `?` (one
 *   character) are wildcards; a filter never fails on absence (no match = empty result); an
 *   unknown filter name is InvalidParameterValue ("The filter '…' is invalid").
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#query-filtering
 */
import type { AwsInstance, AwsNetworkInterface, AwsPrefixList, AwsTag } from '../../core/model/native/aws.ts';
import type { Ec2Filter } from '../aws/api.ts';
import { ec2Error, sortedCopies, type GroupState, type ScopeState } from './aws-state.ts';

/** Filter name → the values of that field on an object (several for list fields). */
type Fields<T> = Readonly<Record<string, (t: T) => readonly string[]>>;

const INSTANCE_FIELDS: Fields<AwsInstance> = {
  'instance-id': (i) => [i.InstanceId],
  'vpc-id': (i) => [i.VpcId],
  'instance-state-name': (i) => [i.State.Name],
};
const ENI_FIELDS: Fields<AwsNetworkInterface> = {
  'network-interface-id': (e) => [e.NetworkInterfaceId],
  'attachment.instance-id': (e) => (e.Attachment ? [e.Attachment.InstanceId] : []),
  'vpc-id': (e) => [e.VpcId],
  'group-id': (e) => e.Groups.map((g) => g.GroupId),
};
const GROUP_FIELDS: Fields<GroupState> = {
  'group-id': (g) => [g.GroupId],
  'group-name': (g) => [g.GroupName],
  'vpc-id': (g) => [g.VpcId],
};
const PREFIX_LIST_FIELDS: Fields<AwsPrefixList> = {
  'prefix-list-id': (p) => [p.PrefixListId],
  'prefix-list-name': (p) => [p.PrefixListName],
  'owner-id': (p) => [p.OwnerId],
};

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function fieldOf<T>(fields: Fields<T>, tags: ((t: T) => readonly AwsTag[]) | undefined, name: string) {
  const plain = fields[name];
  if (plain) return plain;
  if (tags && name === 'tag-key') return (t: T) => tags(t).map((x) => x.Key);
  if (tags && name.startsWith('tag:')) {
    const key = name.slice(4);
    return (t: T) =>
      tags(t)
        .filter((x) => x.Key === key)
        .map((x) => x.Value);
  }
  throw ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
}

/** The objects matching every filter (all objects when there are none). */
function filtered<T>(
  items: readonly T[],
  filters: readonly Ec2Filter[] | undefined,
  fields: Fields<T>,
  tags?: (t: T) => readonly AwsTag[],
): T[] {
  const tests = (filters ?? []).map((f) => ({
    field: fieldOf(fields, tags, f.Name),
    patterns: f.Values.map(glob),
  }));
  return items.filter((t) =>
    tests.every(({ field, patterns }) => field(t).some((v) => patterns.some((p) => p.test(v)))),
  );
}

function byIds<T>(
  map: ReadonlyMap<string, T>,
  ids: readonly string[] | undefined,
  notFound: (missing: string[]) => Error,
): T[] {
  if (ids === undefined) return sortedCopies(map);
  const missing = ids.filter((id) => !map.has(id));
  if (missing.length > 0) throw notFound(missing);
  const wanted = new Set(ids);
  return [...map.keys()]
    .sort()
    .filter((k) => wanted.has(k))
    .map((k) => structuredClone(map.get(k)!));
}

const list = (ids: string[]): string => ids.map((i) => `'${i}'`).join(', ');

export function describeInstances(
  state: ScopeState,
  input: { InstanceIds?: string[]; Filters?: Ec2Filter[] } = {},
): AwsInstance[] {
  const found = byIds(state.instances, input.InstanceIds, (m) =>
    ec2Error('InvalidInstanceID.NotFound', `The instance ID${m.length > 1 ? 's' : ''} ${list(m)} do not exist`),
  );
  return filtered(found, input.Filters, INSTANCE_FIELDS, (i) => i.Tags);
}

export function describeNetworkInterfaces(
  state: ScopeState,
  input: { NetworkInterfaceIds?: string[]; Filters?: Ec2Filter[] } = {},
): AwsNetworkInterface[] {
  const found = byIds(state.enis, input.NetworkInterfaceIds, (m) =>
    ec2Error('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID ${list(m)} does not exist`),
  );
  return filtered(found, input.Filters, ENI_FIELDS, (e) => e.TagSet);
}

/** Stored groups (callers turn them into the API shape). */
export function describeGroups(
  state: ScopeState,
  input: { GroupIds?: string[]; Filters?: Ec2Filter[] } = {},
): GroupState[] {
  const found = byIds(state.groups, input.GroupIds, (m) =>
    ec2Error('InvalidGroup.NotFound', `The security group ${list(m)} does not exist`),
  );
  return filtered(found, input.Filters, GROUP_FIELDS, (g) => g.Tags);
}

export function describePrefixLists(
  state: ScopeState,
  input: { PrefixListIds?: string[]; Filters?: Ec2Filter[] } = {},
): AwsPrefixList[] {
  const found = byIds(state.prefixLists, input.PrefixListIds, (m) =>
    ec2Error('InvalidPrefixListID.NotFound', `The prefix list ID ${list(m)} does not exist`),
  );
  return filtered(found, input.Filters, PREFIX_LIST_FIELDS, (p) => p.Tags);
}
