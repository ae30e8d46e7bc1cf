/**
 * The prefix-list part of the SDK Ec2Api (client.ts): DescribeManagedPrefixLists (the account's
 * own lists only) joined with GetManagedPrefixListEntries, and the writes with EC2's limits:
 * ≤ 100 entries per CreateManagedPrefixList / per AddEntries and RemoveEntries of a
 * ModifyManagedPrefixList (CLOUD-FACTS §1.4), MaxEntries changed alone, PrefixListName sent on every
 * modify (moto wipes the name without it, CLOUD-FACTS §7) with the CurrentVersion the caller expects.
 */
import {
  CreateManagedPrefixListCommand,
  DeleteManagedPrefixListCommand,
  DescribeManagedPrefixListsCommand,
  ModifyManagedPrefixListCommand,
  paginateDescribeManagedPrefixLists,
  paginateGetManagedPrefixListEntries,
  type EC2Client,
  type Filter,
  type ManagedPrefixList,
} from '@aws-sdk/client-ec2';
import type { AwsTag } from '../../core/model/native/aws.ts';
// CLOUD-FACTS §1.4: ≤ 100 AddEntries / RemoveEntries per modify, ≤ 100 Entries per create.
import { PREFIX_LIST_ENTRIES_PER_CALL } from '../../core/plan/aws-steps.ts';
import type { Ec2Api, Ec2Filter, Ec2PrefixList, Ec2Scope } from './api.ts';
import { toEc2PrefixList } from './sdk-shapes.ts';

/** Prefix-list calls page at most 100 (DescribeManagedPrefixLists, GetManagedPrefixListEntries: MaxResults ≤ 100). */
const PREFIX_LIST_PAGE_SIZE = 100;
/** Lists whose entries are fetched at once during a full read (each is its own paginated call). */
const ENTRY_READS_IN_FLIGHT = 4;
/**
 * AWS applies prefix-list writes asynchronously (State create-in-progress / modify-in-progress);
 * another modify before it settles fails with IncorrectState. Only chained calls inside one
 * Ec2Api call (a create or modify of more than 100 entries) wait here; between steps the engine
 * retries IncorrectState as transient (errors.ts).
 */
const SETTLE_DELAYS_MS = [200, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000];

/** Every page of a paginator, flattened. */
export async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/** Runs one SDK call, every failure as CloudApiError (sdk-error.ts). */
export type SdkCall = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

type PrefixListApi = Pick<
  Ec2Api,
  'describeManagedPrefixLists' | 'createManagedPrefixList' | 'modifyManagedPrefixList' | 'deleteManagedPrefixList'
>;

export function sdkPrefixLists(
  client: EC2Client,
  scope: Ec2Scope,
  call: SdkCall,
  sleep: (ms: number) => Promise<void>,
): PrefixListApi {
  /** Prefix-list id → name, learned from every describe and create: ModifyManagedPrefixList must send it. */
  const listNames = new Map<string, string>();

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

  return {
    describeManagedPrefixLists: (input = {}) => call('DescribeManagedPrefixLists', () => describeLists(input)),

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

/** Tags at creation; none: no TagSpecifications at all (EC2 refuses one with an empty Tags list). */
export function tagSpecifications(ResourceType: 'security-group' | 'prefix-list', Tags: readonly AwsTag[]) {
  return Tags.length > 0 ? { TagSpecifications: [{ ResourceType, Tags: [...Tags] }] } : {};
}
