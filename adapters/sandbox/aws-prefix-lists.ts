/**
 * Customer-managed prefix lists in the sandbox EC2 (CLOUD-FACTS §1.2, §1.4).
 *
 * Modelled: Version starts at 1 and every successful modification adds one (the docs say adding
 * or removing entries creates a version; they are silent on resizing, which we also count, so a
 * stale CurrentVersion after a resize is caught); CurrentVersion ≠ Version →
 * PrefixListVersionMismatch (terraform-provider-aws errcode list); ≤ 100 AddEntries and ≤ 100
 * RemoveEntries per call; entries and MaxEntries not in one call; entries ≤ MaxEntries ≤ 1000
 * (PrefixListMaxEntriesExceeded, aws-sdk-ruby error class seen in public code [obs]); every CIDR
 * of the list's family; growing MaxEntries re-checks every referencing group's rule quota
 * (weight = MaxEntries); deleting a referenced list → DependencyViolation.
 * Not modelled: real AWS applies a resize asynchronously and reports a failed one through the
 * list's State/StateMessage (modify-failed); the sandbox rejects it synchronously with
 * RulesPerSecurityGroupLimitExceeded instead. Old versions are not kept (no
 * RestoreManagedPrefixListVersion). Codes marked [?] in comments are plausible, not verified.
 */
import type { AwsPrefixList, AwsTag } from '../../core/model/native/aws.ts';
import { formatCidr, parseCidr } from '../../core/model/address.ts';
import { ruleWeight, rulesLimitError } from './aws-rules.ts';
import { checkTags, ec2Error, type AwsLimits, type IdGenerator, type ScopeState } from './aws-state.ts';

type Entry = { Cidr: string; Description?: string };
type Family = AwsPrefixList['AddressFamily'];

export function findPrefixList(state: ScopeState, id: string): AwsPrefixList {
  const pl = state.prefixLists.get(id);
  if (!pl) throw ec2Error('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);
  return pl;
}

function checkMaxEntries(value: number, limits: AwsLimits): void {
  if (!Number.isInteger(value) || value < 1 || value > limits.prefixListMaxEntries) {
    throw ec2Error(
      'InvalidParameterValue',
      `Invalid value '${value}' for MaxEntries: it must be an integer from 1 to ${limits.prefixListMaxEntries}.`,
    );
  }
}

function canonicalCidr(text: string, family: Family): string {
  const parsed = parseCidr(text);
  const want = family === 'IPv4' ? 'ipv4' : 'ipv6';
  if (!parsed.ok || parsed.value.family !== want) {
    throw ec2Error('InvalidParameterValue', `The CIDR '${text}' is not a valid ${family} CIDR for this prefix list.`);
  }
  return formatCidr(parsed.value);
}

function entriesOf(list: readonly Entry[], family: Family): Entry[] {
  return list.map((e) => {
    if (e.Description !== undefined && e.Description.length > 255)
      throw ec2Error('InvalidParameterValue', 'Prefix list entry descriptions are at most 255 characters long.');
    return {
      Cidr: canonicalCidr(e.Cidr, family),
      ...(e.Description !== undefined ? { Description: e.Description } : {}),
    };
  });
}

export function createPrefixList(
  state: ScopeState,
  ids: IdGenerator,
  limits: AwsLimits,
  input: { PrefixListName: string; AddressFamily: Family; MaxEntries: number; Entries: Entry[]; Tags: AwsTag[] },
): { PrefixListId: string; Version: number } {
  const name = input.PrefixListName;
  if (name.length < 1 || name.length > 255 || name.startsWith('com.amazonaws')) {
    throw ec2Error(
      'InvalidParameterValue',
      `Invalid prefix list name '${name}': 1-255 characters, not starting with com.amazonaws.`,
    );
  }
  if (input.AddressFamily !== 'IPv4' && input.AddressFamily !== 'IPv6') {
    throw ec2Error(
      'InvalidParameterValue',
      `Invalid value '${String(input.AddressFamily)}' for AddressFamily: IPv4 or IPv6.`,
    );
  }
  checkMaxEntries(input.MaxEntries, limits);
  checkTags(input.Tags);
  const entries = entriesOf(input.Entries, input.AddressFamily);
  if (new Set(entries.map((e) => e.Cidr)).size !== entries.length)
    throw ec2Error('InvalidParameterValue', 'The request contains duplicate prefix list entries.');
  if (entries.length > input.MaxEntries) {
    throw ec2Error(
      'PrefixListMaxEntriesExceeded',
      `The prefix list has ${entries.length} entries, more than its maximum of ${input.MaxEntries}.`,
    );
  }
  // [?] the exact code for the per-Region prefix-list quota was not found in public sources.
  if (state.prefixLists.size >= limits.prefixListsPerRegion) {
    throw ec2Error(
      'ResourceLimitExceeded',
      `You have reached the limit of ${limits.prefixListsPerRegion} customer-managed prefix lists in this Region.`,
    );
  }
  const id = ids.next('pl');
  state.prefixLists.set(id, {
    PrefixListId: id,
    PrefixListName: name,
    AddressFamily: input.AddressFamily,
    MaxEntries: input.MaxEntries,
    Version: 1,
    OwnerId: state.scope.account,
    Tags: input.Tags,
    Entries: entries,
  });
  return { PrefixListId: id, Version: 1 };
}

export interface ModifyInput {
  PrefixListId: string;
  CurrentVersion?: number;
  AddEntries?: Entry[];
  RemoveEntries?: { Cidr: string }[];
  MaxEntries?: number;
}

export function modifyPrefixList(state: ScopeState, limits: AwsLimits, input: ModifyInput): { Version: number } {
  const pl = findPrefixList(state, input.PrefixListId);
  if (input.CurrentVersion !== undefined && input.CurrentVersion !== pl.Version) {
    throw ec2Error(
      'PrefixListVersionMismatch',
      `The prefix list has the incorrect version number (current version ${pl.Version}, request for ${input.CurrentVersion}).`,
    );
  }
  const adds = input.AddEntries ?? [];
  const removes = input.RemoveEntries ?? [];
  if (adds.length > 100 || removes.length > 100) {
    throw ec2Error('InvalidParameterValue', 'At most 100 entries can be added and 100 removed in one request.');
  }
  const editsEntries = adds.length > 0 || removes.length > 0;
  // [?] code assumed: the docs only say both cannot be changed at the same time.
  if (editsEntries && input.MaxEntries !== undefined) {
    throw ec2Error(
      'InvalidParameterCombination',
      'You cannot modify the entries of a prefix list and modify the size of a prefix list at the same time.',
    );
  }
  if (input.MaxEntries !== undefined) resize(state, limits, pl, input.MaxEntries);
  else if (editsEntries) editEntries(pl, adds, removes);
  else return { Version: pl.Version };
  pl.Version += 1;
  return { Version: pl.Version };
}

/** [?] InvalidPrefixListModification for adding a present / removing an absent entry (code seen in public retry lists [obs]). */
function editEntries(pl: AwsPrefixList, adds: readonly Entry[], removes: readonly { Cidr: string }[]): void {
  const added = entriesOf(adds, pl.AddressFamily);
  const removed = removes.map((r) => canonicalCidr(r.Cidr, pl.AddressFamily));
  const present = new Set(pl.Entries.map((e) => e.Cidr));
  for (const cidr of removed) {
    if (!present.has(cidr))
      throw ec2Error(
        'InvalidPrefixListModification',
        `The prefix list entry ${cidr} does not exist in ${pl.PrefixListId}.`,
      );
  }
  const addSet = new Set<string>();
  for (const { Cidr } of added) {
    if (present.has(Cidr) || addSet.has(Cidr) || removed.includes(Cidr)) {
      throw ec2Error(
        'InvalidPrefixListModification',
        `The prefix list entry ${Cidr} already exists in ${pl.PrefixListId} or appears twice in the request.`,
      );
    }
    addSet.add(Cidr);
  }
  const next = [...pl.Entries.filter((e) => !removed.includes(e.Cidr)), ...added];
  if (next.length > pl.MaxEntries) {
    throw ec2Error(
      'PrefixListMaxEntriesExceeded',
      `The prefix list would have ${next.length} entries, more than its maximum of ${pl.MaxEntries}.`,
    );
  }
  pl.Entries = next;
}

/** A larger MaxEntries weighs more in every group that references the list: all must still fit. */
function resize(state: ScopeState, limits: AwsLimits, pl: AwsPrefixList, maxEntries: number): void {
  checkMaxEntries(maxEntries, limits);
  if (maxEntries < pl.Entries.length) {
    throw ec2Error(
      'InvalidParameterValue',
      `MaxEntries ${maxEntries} is less than the ${pl.Entries.length} entries the prefix list has.`,
    );
  }
  const weightOf = (id: string): number =>
    id === pl.PrefixListId ? maxEntries : (state.prefixLists.get(id)?.MaxEntries ?? 0);
  const overLimit: string[] = [];
  for (const g of state.groups.values()) {
    for (const units of [g.ingress, g.egress]) {
      if (!units.some((u) => u.peer.kind === 'pl' && u.peer.id === pl.PrefixListId)) continue;
      const w = ruleWeight(units, weightOf);
      if (Math.max(w.ipv4, w.ipv6) > limits.rulesPerGroupPerDirectionPerFamily && !overLimit.includes(g.GroupId))
        overLimit.push(g.GroupId);
    }
  }
  if (overLimit.length > 0) {
    throw rulesLimitError(
      pl.PrefixListId,
      `resizing to ${maxEntries} entries does not fit in ${overLimit.slice(0, 10).join(', ')}`,
    );
  }
  pl.MaxEntries = maxEntries;
}

export function deletePrefixList(state: ScopeState, id: string): void {
  findPrefixList(state, id);
  const users = [...state.groups.values()]
    .filter((g) => [...g.ingress, ...g.egress].some((u) => u.peer.kind === 'pl' && u.peer.id === id))
    .map((g) => g.GroupId);
  if (users.length > 0) {
    throw ec2Error(
      'DependencyViolation',
      `The prefix list ${id} is referenced by security groups ${users.slice(0, 10).join(', ')}; remove those references first.`,
    );
  }
  state.prefixLists.delete(id);
}
