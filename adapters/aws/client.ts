/**
 * The Ec2Api (api.ts) over the real AWS SDK (@aws-sdk/client-ec2) for one account and Region:
 * the same interface the sandbox implements, so read.ts and apply.ts run unchanged on both.
 *
 * Reads (CLOUD-FACTS §1.6: an unfiltered AND unpaginated Describe* draws from the small
 * "unfiltered" token bucket, so none is ever sent):
 * - DescribeInstances / DescribeNetworkInterfaces / DescribeSecurityGroups go through the SDK
 *   paginators (MaxResults on every request, NextToken followed); by ids they are one request
 *   (EC2 refuses MaxResults together with ids). `vpcs` (the deployment's VPC filter) adds a
 *   `vpc-id` filter to every one of them.
 * - DescribeManagedPrefixLists is filtered to lists this account owns (AWS-managed lists such as
 *   com.amazonaws.*.s3 are not segsync's) and joined with GetManagedPrefixListEntries, paginated.
 * Writes: tags at creation (TagSpecifications), one Authorize/Revoke call per step with every
 * permission in it (same protocol and ports merged into one IpPermission), ModifyManagedPrefixList
 * in chunks of ≤ 100 adds / ≤ 100 removes, each with PrefixListName (CLOUD-FACTS §7: without it
 * moto wipes the name) and the CurrentVersion the caller expects.
 * Errors: sdk-error.ts turns every SDK failure into CloudApiError with the EC2 code.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  DeleteManagedPrefixListCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  ModifyManagedPrefixListCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeInstances,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateGetManagedPrefixListEntries,
  type EC2Client,
  type Filter,
  type IpPermission,
  type ManagedPrefixList,
} from '@aws-sdk/client-ec2';
import type { AwsIpPermission, AwsTag } from '../../core/model/native/aws.ts';
import type { Ec2Api, Ec2Filter, Ec2PrefixList, Ec2Scope } from './api.ts';
import {
  toEc2Instance,
  toEc2NetworkInterface,
  toEc2PrefixList,
  toEc2SecurityGroup,
  toSdkPermissions,
} from './sdk-shapes.ts';
import { toCloudApiError } from './sdk-error.ts';

/** The largest page EC2 serves for instances, ENIs and groups (MaxResults 5–1000). */
const PAGE_SIZE = 1000;
/** Prefix-list calls page at most 100 (DescribeManagedPrefixLists, GetManagedPrefixListEntries: MaxResults ≤ 100). */
const PREFIX_LIST_PAGE_SIZE = 100;
/** CLOUD-FACTS §1.4: AddEntry.N / RemoveEntry.N ≤ 100 per ModifyManagedPrefixList; CreateManagedPrefixList Entries ≤ 100. */
const PREFIX_LIST_ENTRIES_PER_CALL = 100;
/** Lists whose entries are fetched at once during a full read (each is its own paginated call). */
const ENTRY_READS_IN_FLIGHT = 4;
/**
 * AWS applies prefix-list writes asynchronously (State create-in-progress / modify-in-progress);
 * another modify before it settles fails with IncorrectState. Only chained calls inside one
 * Ec2Api call (a create or modify of more than 100 entries) wait here; between steps the engine
 * retries IncorrectState as transient (errors.ts).
 */
const SETTLE_DELAYS_MS = [200, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000];

export interface SdkEc2Options {
  /** Only these VPCs are read (`vpc-id` filter on instances, ENIs and groups); absent: every VPC. */
  vpcs?: readonly string[];
  /** Named in error messages; default: the client's configured endpoint, else EC2 in the scope's Region. */
  endpoint?: string;
  /** MaxResults of instance, ENI and group pages (5–1000); default the largest. Tests page small. */
  pageSize?: number;
  /** Injected so tests need not wait for prefix lists to settle. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * @example
 * const ec2 = sdkEc2Api(new EC2Client({ region: 'eu-west-1' }), { account: '111111111111', region: 'eu-west-1' });
 * const { workloads, state } = await readAws(ec2);
 */
export function sdkEc2Api(client: EC2Client, scope: Ec2Scope, options: SdkEc2Options = {}): Ec2Api {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const vpcs = options.vpcs && options.vpcs.length > 0 ? [...options.vpcs] : undefined;
  /** Prefix-list id → name, learned from every describe and create: ModifyManagedPrefixList must send it. */
  const listNames = new Map<string, string>();

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw toCloudApiError(e, operation, options.endpoint ?? (await endpointOf(client, scope)));
    }
  }

  /** The caller's filters with the deployment's VPC filter added; undefined: no VPC can match. */
  function inVpcs(filters: Ec2Filter[] | undefined): Filter[] | undefined {
    const given = (filters ?? []).map((f) => ({ Name: f.Name, Values: [...f.Values] }));
    if (!vpcs) return given;
    const own = given.find((f) => f.Name === 'vpc-id');
    if (!own) return [...given, { Name: 'vpc-id', Values: vpcs }];
    own.Values = own.Values.filter((v) => vpcs.includes(v));
    return own.Values.length > 0 ? given : undefined;
  }

  async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
    const out: T[] = [];
    for await (const page of pages) out.push(...(items(page) ?? []));
    return out;
  }

  async function entriesOf(list: ManagedPrefixList): Promise<Ec2PrefixList> {
    const PrefixListId = list.PrefixListId ?? '';
    const entries = await allPages(
      paginateGetManagedPrefixListEntries({ client, pageSize: PREFIX_LIST_PAGE_SIZE }, { PrefixListId }),
      (p) => p.Entries,
    );
    listNames.set(PrefixListId, list.PrefixListName ?? '');
    return toEc2PrefixList(list, entries);
  }

  async function describeLists(input: { PrefixListIds?: string[]; Filters?: Ec2Filter[] }) {
    const ownedHere: Filter[] = [...(input.Filters ?? []), { Name: 'owner-id', Values: [scope.account] }];
    const lists = input.PrefixListIds
      ? ((
          await client.send(
            new DescribeManagedPrefixListsCommand({ PrefixListIds: input.PrefixListIds, Filters: ownedHere }),
          )
        ).PrefixLists ?? [])
      : await allPages(
          paginateDescribeManagedPrefixLists({ client, pageSize: PREFIX_LIST_PAGE_SIZE }, { Filters: ownedHere }),
          (p) => p.PrefixLists,
        );
    // AWS-managed lists are owned by "AWS"; the filter already excludes them, this keeps it true on any server.
    const mine = lists.filter((l) => l.OwnerId === undefined || l.OwnerId === scope.account);
    const out: Ec2PrefixList[] = [];
    for (let i = 0; i < mine.length; i += ENTRY_READS_IN_FLIGHT)
      out.push(...(await Promise.all(mine.slice(i, i + ENTRY_READS_IN_FLIGHT).map(entriesOf))));
    return out;
  }

  /** Waits until a prefix list is no longer being created or modified. */
  async function settled(PrefixListId: string): Promise<void> {
    for (const delay of [0, ...SETTLE_DELAYS_MS]) {
      if (delay > 0) await sleep(delay);
      const [list] =
        (await client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [PrefixListId] }))).PrefixLists ?? [];
      if (!list?.State?.endsWith('-in-progress')) return;
    }
  }

  /** Sends adds/removes in chunks of ≤ 100 each, versions chained; returns the last version. */
  async function modifyEntries(
    PrefixListId: string,
    PrefixListName: string,
    version: number,
    adds: { Cidr: string; Description?: string }[],
    removes: { Cidr: string }[],
  ): Promise<number> {
    const rounds = Math.max(1, Math.ceil(Math.max(adds.length, removes.length) / PREFIX_LIST_ENTRIES_PER_CALL));
    let current = version;
    for (let i = 0; i < rounds; i++) {
      if (i > 0) await settled(PrefixListId);
      const slice = <T>(xs: T[]) => xs.slice(i * PREFIX_LIST_ENTRIES_PER_CALL, (i + 1) * PREFIX_LIST_ENTRIES_PER_CALL);
      const AddEntries = slice(adds);
      const RemoveEntries = slice(removes);
      const res = await client.send(
        new ModifyManagedPrefixListCommand({
          PrefixListId,
          PrefixListName,
          CurrentVersion: current,
          ...(AddEntries.length > 0 ? { AddEntries } : {}),
          ...(RemoveEntries.length > 0 ? { RemoveEntries } : {}),
        }),
      );
      current = res.PrefixList?.Version ?? current + 1;
    }
    return current;
  }

  /** The name and version ModifyManagedPrefixList needs, from memory or one describe by id. */
  async function nameAndVersion(PrefixListId: string, CurrentVersion: number | undefined) {
    const known = listNames.get(PrefixListId);
    if (known !== undefined && CurrentVersion !== undefined) return { name: known, version: CurrentVersion };
    const [list] =
      (await client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [PrefixListId] }))).PrefixLists ?? [];
    const name = list?.PrefixListName ?? known ?? '';
    listNames.set(PrefixListId, name);
    return { name, version: CurrentVersion ?? list?.Version ?? 1 };
  }

  /** One Authorize/Revoke call with every permission (none: no call). */
  const rules =
    <I extends { GroupId: string; IpPermissions: IpPermission[] }>(
      operation: string,
      send: (input: I) => Promise<unknown>,
    ) =>
    async (input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void> => {
      if (input.IpPermissions.length === 0) return;
      const IpPermissions = toSdkPermissions(input.IpPermissions);
      await call(operation, () => send({ GroupId: input.GroupId, IpPermissions } as I));
    };

  return {
    scope: { ...scope },

    describeInstances: (input = {}) =>
      call('DescribeInstances', async () => {
        const Filters = inVpcs(input.Filters);
        if (!Filters) return [];
        const reservations = input.InstanceIds
          ? ((await client.send(new DescribeInstancesCommand({ InstanceIds: input.InstanceIds, Filters })))
              .Reservations ?? [])
          : await allPages(paginateDescribeInstances({ client, pageSize }, { Filters }), (p) => p.Reservations);
        return reservations.flatMap((r) => r.Instances ?? []).map(toEc2Instance);
      }),

    describeNetworkInterfaces: (input = {}) =>
      call('DescribeNetworkInterfaces', async () => {
        const Filters = inVpcs(input.Filters);
        if (!Filters) return [];
        const enis = input.NetworkInterfaceIds
          ? ((
              await client.send(
                new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: input.NetworkInterfaceIds, Filters }),
              )
            ).NetworkInterfaces ?? [])
          : await allPages(
              paginateDescribeNetworkInterfaces({ client, pageSize }, { Filters }),
              (p) => p.NetworkInterfaces,
            );
        return enis.map(toEc2NetworkInterface);
      }),

    describeSecurityGroups: (input = {}) =>
      call('DescribeSecurityGroups', async () => {
        const Filters = inVpcs(input.Filters);
        if (!Filters) return [];
        const groups = input.GroupIds
          ? ((await client.send(new DescribeSecurityGroupsCommand({ GroupIds: input.GroupIds, Filters })))
              .SecurityGroups ?? [])
          : await allPages(paginateDescribeSecurityGroups({ client, pageSize }, { Filters }), (p) => p.SecurityGroups);
        return groups.map(toEc2SecurityGroup);
      }),

    describeManagedPrefixLists: (input = {}) => call('DescribeManagedPrefixLists', () => describeLists(input)),

    createSecurityGroup: (input) =>
      call('CreateSecurityGroup', async () => {
        const res = await client.send(
          new CreateSecurityGroupCommand({
            GroupName: input.GroupName,
            Description: input.Description,
            VpcId: input.VpcId,
            ...tagSpecifications('security-group', input.Tags),
          }),
        );
        return { GroupId: res.GroupId ?? '' };
      }),

    deleteSecurityGroup: (input) =>
      call('DeleteSecurityGroup', async () => {
        await client.send(new DeleteSecurityGroupCommand({ GroupId: input.GroupId }));
      }),

    authorizeSecurityGroupIngress: rules('AuthorizeSecurityGroupIngress', (i) =>
      client.send(new AuthorizeSecurityGroupIngressCommand(i)),
    ),
    authorizeSecurityGroupEgress: rules('AuthorizeSecurityGroupEgress', (i) =>
      client.send(new AuthorizeSecurityGroupEgressCommand(i)),
    ),
    revokeSecurityGroupIngress: rules('RevokeSecurityGroupIngress', (i) =>
      client.send(new RevokeSecurityGroupIngressCommand(i)),
    ),
    revokeSecurityGroupEgress: rules('RevokeSecurityGroupEgress', (i) =>
      client.send(new RevokeSecurityGroupEgressCommand(i)),
    ),

    modifyNetworkInterfaceAttribute: (input) =>
      call('ModifyNetworkInterfaceAttribute', async () => {
        await client.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: input.NetworkInterfaceId,
            Groups: input.Groups,
          }),
        );
      }),

    createManagedPrefixList: (input) =>
      call('CreateManagedPrefixList', async () => {
        const first = input.Entries.slice(0, PREFIX_LIST_ENTRIES_PER_CALL);
        const rest = input.Entries.slice(PREFIX_LIST_ENTRIES_PER_CALL);
        const res = await client.send(
          new CreateManagedPrefixListCommand({
            PrefixListName: input.PrefixListName,
            AddressFamily: input.AddressFamily,
            MaxEntries: input.MaxEntries,
            ...(first.length > 0 ? { Entries: first } : {}),
            ...tagSpecifications('prefix-list', input.Tags),
          }),
        );
        const PrefixListId = res.PrefixList?.PrefixListId ?? '';
        listNames.set(PrefixListId, input.PrefixListName);
        let Version = res.PrefixList?.Version ?? 1;
        if (rest.length > 0) {
          await settled(PrefixListId);
          Version = await modifyEntries(PrefixListId, input.PrefixListName, Version, rest, []);
        }
        return { PrefixListId, Version };
      }),

    modifyManagedPrefixList: (input) =>
      call('ModifyManagedPrefixList', async () => {
        const { PrefixListId } = input;
        const { name, version } = await nameAndVersion(PrefixListId, input.CurrentVersion);
        const adds = input.AddEntries ?? [];
        const removes = input.RemoveEntries ?? [];
        if (input.MaxEntries === undefined)
          return { Version: await modifyEntries(PrefixListId, name, version, adds, removes) };
        // CLOUD-FACTS §1.4: entries and MaxEntries cannot change in one call; the resize goes first.
        const res = await client.send(
          new ModifyManagedPrefixListCommand({
            PrefixListId,
            PrefixListName: name,
            CurrentVersion: version,
            MaxEntries: input.MaxEntries,
          }),
        );
        const resized = res.PrefixList?.Version ?? version;
        if (adds.length === 0 && removes.length === 0) return { Version: resized };
        await settled(PrefixListId);
        return { Version: await modifyEntries(PrefixListId, name, resized, adds, removes) };
      }),

    deleteManagedPrefixList: (input) =>
      call('DeleteManagedPrefixList', async () => {
        await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: input.PrefixListId }));
        listNames.delete(input.PrefixListId);
      }),
  };
}

/** The URL the client sends to, for messages (`endpoint` config), else the Region's EC2 host name. */
async function endpointOf(client: EC2Client, scope: Ec2Scope): Promise<string> {
  try {
    const ep = await client.config.endpoint?.();
    if (ep) return `${ep.protocol}//${ep.hostname}${ep.port ? `:${ep.port}` : ''}${ep.path === '/' ? '' : ep.path}`;
  } catch {
    // no configured endpoint: the SDK resolves one per Region
  }
  return `ec2.${scope.region}.amazonaws.com`;
}

/** Tags at creation; none: no TagSpecifications at all (EC2 refuses one with an empty Tags list). */
function tagSpecifications(ResourceType: 'security-group' | 'prefix-list', Tags: readonly AwsTag[]) {
  return Tags.length > 0 ? { TagSpecifications: [{ ResourceType, Tags: [...Tags] }] } : {};
}
