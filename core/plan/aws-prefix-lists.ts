/**
 * Prefix-list steps: create, grow, add, remove, shrink, delete. Pure (CLOUD-FACTS §1.2, §1.4).
 *
 * Make-before-break for a membership-driven address set: new entries go in during 'authorize',
 * old ones leave during 'revoke', so between the two the list holds old ∪ new. MaxEntries must
 * hold that union, so a list first grows to the size the union needs (never below its current or
 * desired size) and shrinks to the desired size only after the removes. Desired sizes are the
 * entry count plus a small quantised headroom (aws-pack.ts prefixListSize), so a list resizes
 * when its membership crosses a step: grow in 'authorize' before any add, shrink in 'revoke'
 * after every remove. Entries and MaxEntries
 * never share a call, and each call moves at most 100 entries. Each write's `currentVersion` is
 * chained from the read version, one per write (a resize is counted too; apply tolerates a cloud
 * that does not count it, see adapters/aws/apply.ts).
 */
import { AddressSet, parseCidr } from '../model/address.ts';
import { awsScopeNetwork } from '../model/ids.ts';
import type { AwsDesired, AwsDesiredPrefixList } from '../compile/aws.ts';
import { compareStrings } from '../model/compare.ts';
import type { AwsPrefixList } from '../model/native/aws.ts';
import type { Owned } from '../ownership.ts';
import { plKey, scopeTag, type AwsActualIndex } from '../model/native/aws-index.ts';
import { canonicalCidr } from '../model/native/aws-rules.ts';
import {
  PREFIX_LIST_ENTRIES_PER_CALL,
  type AwsAddEntriesStep,
  type AwsPrefixListRef,
  type AwsRemoveEntriesStep,
  type AwsResizePrefixListStep,
  type AwsStep,
} from './aws-steps.ts';
import type { Finding } from '../model/finding.ts';
import type { AwsBudget } from '../model/budgets.ts';

export interface PrefixListPlan {
  create: AwsStep[];
  grow: AwsStep[];
  add: AwsStep[];
  remove: AwsStep[];
  shrink: AwsStep[];
  delete: AwsStep[];
  findings: Finding[];
  /** Largest MaxEntries each owned list (by name) has at any point of the apply. */
  peakMaxEntries: Map<string, number>;
  /** Per updated list (by name), the same change with removes first (see RemovesFirst). */
  removesFirst: Map<string, RemovesFirst>;
}

/**
 * A list's change when its new entries may wait until after its removes (a rule transition that
 * defers the list's growth, aws-transition.ts): removes that overlap no added CIDR go first, so
 * the list never holds old ∪ new; a remove an added CIDR overlaps (a re-aggregated range) waits
 * until after the adds, so no flow both old and new allow is cut. The list needs `maxEntries`
 * (≥ its desired size) in between; it is resized to it after the first removes.
 */
export interface RemovesFirst {
  steps: AwsStep[];
  maxEntries: number;
  /** CIDRs the change removes. */
  removed: string[];
}

export function planPrefixLists(desired: AwsDesired, idx: AwsActualIndex, budget: AwsBudget): PrefixListPlan {
  const out: PrefixListPlan = {
    create: [],
    grow: [],
    add: [],
    remove: [],
    shrink: [],
    delete: [],
    findings: [],
    peakMaxEntries: new Map(),
    removesFirst: new Map(),
  };
  const wanted = new Set<string>();
  for (const want of desired.prefixLists) {
    wanted.add(plKey(want.scope, want.name));
    const have = idx.ownedPrefixLists.get(plKey(want.scope, want.name));
    if (have) update(want, have, idx.deploymentId, budget, out);
    else create(want, idx.deploymentId, out);
  }
  for (const have of idx.sortedOwnedPrefixLists()) {
    const scope = scopeTag(have.Tags)!;
    if (wanted.has(plKey(scope, have.PrefixListName))) continue;
    out.peakMaxEntries.set(have.PrefixListName, have.MaxEntries);
    out.delete.push({
      ...base(scope, idx.deploymentId, have.PrefixListName, 'delete', 'delete-prefix-list'),
      phase: 'delete',
      kind: 'delete-prefix-list',
      prefixList: { name: have.PrefixListName, id: have.PrefixListId },
      summary: `- prefix list ${have.PrefixListName} (${have.PrefixListId})`,
    });
  }
  return out;
}

function base(scope: string, owner: string, name: string, phase: AwsStep['phase'], kind: AwsStep['kind']) {
  return { cloud: 'aws' as const, scope, network: awsScopeNetwork(scope), owner, target: name, phase, kind };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += PREFIX_LIST_ENTRIES_PER_CALL)
    out.push(items.slice(i, i + PREFIX_LIST_ENTRIES_PER_CALL));
  return out;
}

function create(want: AwsDesiredPrefixList, owner: string, out: PrefixListPlan): void {
  const [first = [], ...rest] = chunks(want.entries);
  const ref: AwsPrefixListRef = { name: want.name };
  const common = { ...base(want.scope, owner, want.name, 'create', 'create-prefix-list'), network: want.network };
  out.peakMaxEntries.set(want.name, want.maxEntries);
  out.create.push({
    ...common,
    phase: 'create',
    kind: 'create-prefix-list',
    prefixList: ref,
    family: want.family === 'ipv4' ? 'IPv4' : 'IPv6',
    maxEntries: want.maxEntries,
    entries: first,
    tags: want.tags,
    summary: `+ prefix list ${want.name} (${want.family}, max ${want.maxEntries}, ${want.entries.length} ${want.entries.length === 1 ? 'entry' : 'entries'})`,
  });
  // A new list starts at version 1; every add chunk is one more version.
  rest.forEach((cidrs, i) =>
    out.create.push({
      ...common,
      phase: 'create',
      kind: 'add-prefix-list-entries',
      prefixList: ref,
      readVersion: 0,
      currentVersion: 1 + i,
      cidrs,
      summary: `~ prefix list ${want.name}: + ${cidrs.length} entries`,
    }),
  );
}

function update(
  want: AwsDesiredPrefixList,
  have: Owned<AwsPrefixList>,
  owner: string,
  budget: AwsBudget,
  out: PrefixListPlan,
): void {
  const current = new Set(have.Entries.map((e) => canonicalCidr(e.Cidr)));
  const target = new Set(want.entries);
  const adds = want.entries.filter((c) => !current.has(c));
  const removes = [...current].filter((c) => !target.has(c)).sort(compareStrings);
  const { replaced, rest } = replacedBy(want, adds, removes);
  const lastChunk =
    adds.length === 0
      ? 0
      : adds.length - PREFIX_LIST_ENTRIES_PER_CALL * Math.floor((adds.length - 1) / PREFIX_LIST_ENTRIES_PER_CALL);
  // Old ∪ new while both are in, less the entries the last add call replaces (no headroom: the
  // list shrinks or settles after the removes).
  const union = Math.max(current.size + adds.length - lastChunk, current.size + adds.length - replaced.length);
  const transient = Math.max(have.MaxEntries, want.maxEntries, union);
  out.peakMaxEntries.set(want.name, transient);
  if (union > budget.prefixListMaxEntries) out.findings.push(tooBigDuringChange(want, union, budget));
  const ref: AwsPrefixListRef = { name: want.name, id: have.PrefixListId };
  const common = { ...base(want.scope, owner, want.name, 'authorize', 'resize-prefix-list'), network: want.network };
  let version = have.Version;
  const resize = (phase: 'authorize' | 'revoke', maxEntries: number, from: number): AwsResizePrefixListStep => ({
    ...common,
    phase,
    kind: 'resize-prefix-list',
    prefixList: ref,
    readVersion: have.Version,
    currentVersion: version++,
    maxEntries,
    summary: `~ prefix list ${want.name}: MaxEntries ${from} → ${maxEntries}`,
  });
  if (transient > have.MaxEntries) out.grow.push(resize('authorize', transient, have.MaxEntries));
  const addChunks = chunks(adds);
  addChunks.forEach((cidrs, i) => {
    const swap = i === addChunks.length - 1 && replaced.length > 0 ? { replaces: replaced } : {};
    const step: AwsAddEntriesStep = {
      ...common,
      phase: 'authorize',
      kind: 'add-prefix-list-entries',
      prefixList: ref,
      readVersion: have.Version,
      currentVersion: version++,
      cidrs,
      ...swap,
      summary: `~ prefix list ${want.name}: + ${cidrs.join(', ')}${replaced.length > 0 && swap.replaces ? ` in place of ${replaced.join(', ')}` : ''}`,
    };
    out.add.push(step);
  });
  for (const cidrs of chunks(rest)) {
    const step: AwsRemoveEntriesStep = {
      ...common,
      phase: 'revoke',
      kind: 'remove-prefix-list-entries',
      prefixList: ref,
      readVersion: have.Version,
      currentVersion: version++,
      cidrs,
      summary: `~ prefix list ${want.name}: - ${cidrs.join(', ')}`,
    };
    out.remove.push(step);
  }
  if (want.maxEntries !== transient) out.shrink.push(resize('revoke', want.maxEntries, transient));
  out.removesFirst.set(want.name, removesFirst(want, have, adds, removes, common, ref));
}

function removesFirst(
  want: AwsDesiredPrefixList,
  have: Owned<AwsPrefixList>,
  adds: readonly string[],
  removes: readonly string[],
  common: ReturnType<typeof base> & { network: string },
  ref: AwsPrefixListRef,
): RemovesFirst {
  const added = addressesOf(want.family, adds);
  const { replaced, rest } = replacedBy(want, adds, removes);
  const first = rest.filter((c) => addressesOf(want.family, [c]).intersect(added).isEmpty());
  const after = rest.filter((c) => !first.includes(c));
  const addChunks = chunks(adds);
  // Entries held at the end of each add call, after the first removes.
  let count = have.Entries.length - first.length;
  let most = count;
  addChunks.forEach((chunk, i) => {
    count += chunk.length - (i === addChunks.length - 1 ? replaced.length : 0);
    most = Math.max(most, count);
  });
  const maxEntries = Math.max(want.maxEntries, most);
  const steps: AwsStep[] = [];
  let version = have.Version;
  let size = have.MaxEntries;
  const resize = (to: number) => {
    if (to === size) return;
    steps.push({
      ...common,
      phase: 'revoke',
      kind: 'resize-prefix-list',
      prefixList: ref,
      readVersion: have.Version,
      currentVersion: version++,
      maxEntries: to,
      summary: `~ prefix list ${want.name}: MaxEntries ${size} → ${to}`,
    });
    size = to;
  };
  const edit = (sign: '+' | '-', cidrs: readonly string[], replaces: readonly string[] = []) =>
    steps.push({
      ...common,
      phase: 'revoke',
      prefixList: ref,
      readVersion: have.Version,
      currentVersion: version++,
      ...(sign === '+'
        ? {
            kind: 'add-prefix-list-entries',
            cidrs: [...cidrs],
            ...(replaces.length > 0 ? { replaces: [...replaces] } : {}),
          }
        : { kind: 'remove-prefix-list-entries', cidrs: [...cidrs] }),
      summary: `~ prefix list ${want.name}: ${sign} ${cidrs.join(', ')}${replaces.length > 0 ? ` in place of ${replaces.join(', ')}` : ''}`,
    } as AwsAddEntriesStep | AwsRemoveEntriesStep);
  for (const chunk of chunks(first)) edit('-', chunk);
  resize(maxEntries);
  addChunks.forEach((chunk, i) => edit('+', chunk, i === addChunks.length - 1 ? replaced : []));
  for (const chunk of chunks(after)) edit('-', chunk);
  resize(want.maxEntries);
  return { steps, maxEntries, removed: [...removes] };
}

function addressesOf(family: AwsDesiredPrefixList['family'], cidrs: readonly string[]): AddressSet {
  return AddressSet.fromCidrs(
    family,
    cidrs.flatMap((c) => {
      const p = parseCidr(c);
      return p.ok ? [p.value] : [];
    }),
  );
}

/**
 * Removes the last add call can carry (at most 100): those inside the list's new entries, so the
 * swap cuts nothing. The rest are removed on their own.
 */
function replacedBy(
  want: AwsDesiredPrefixList,
  adds: readonly string[],
  removes: readonly string[],
): { replaced: string[]; rest: string[] } {
  if (adds.length === 0) return { replaced: [], rest: [...removes] };
  const target = addressesOf(want.family, want.entries);
  const replaced = removes
    .filter((c) => parseCidr(c).ok && addressesOf(want.family, [c]).subtract(target).isEmpty())
    .slice(0, PREFIX_LIST_ENTRIES_PER_CALL);
  return { replaced, rest: removes.filter((c) => !replaced.includes(c)) };
}

function tooBigDuringChange(want: AwsDesiredPrefixList, union: number, budget: AwsBudget): Finding {
  return {
    severity: 'error',
    code: 'transition-exceeds-quota',
    cloud: 'aws',
    target: want.name,
    message: `prefix list ${want.name} would hold ${union} entries while old and new members overlap, above the ${budget.prefixListMaxEntries}-entry limit; removing first would cut allowed traffic`,
    hint: 'apply the membership change in smaller batches, or raise limits.aws.prefixListMaxEntries',
  };
}
