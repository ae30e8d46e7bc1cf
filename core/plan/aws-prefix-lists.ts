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
  const union = current.size + adds.length;
  // Exactly old ∪ new while both are in (no headroom: the list shrinks or settles after the removes).
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
  for (const cidrs of chunks(adds)) {
    const step: AwsAddEntriesStep = {
      ...common,
      phase: 'authorize',
      kind: 'add-prefix-list-entries',
      prefixList: ref,
      readVersion: have.Version,
      currentVersion: version++,
      cidrs,
      summary: `~ prefix list ${want.name}: + ${cidrs.join(', ')}`,
    };
    out.add.push(step);
  }
  for (const cidrs of chunks(removes)) {
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
  const family = want.family;
  const added = AddressSet.fromCidrs(
    family,
    adds.flatMap((c) => {
      const p = parseCidr(c);
      return p.ok ? [p.value] : [];
    }),
  );
  const overlaps = (c: string) => {
    const p = parseCidr(c);
    return !p.ok || !AddressSet.fromCidrs(family, [p.value]).intersect(added).isEmpty();
  };
  const first = removes.filter((c) => !overlaps(c));
  const after = removes.filter(overlaps);
  const maxEntries = Math.max(want.maxEntries, want.entries.length + after.length);
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
  const entries = (kind: 'add-prefix-list-entries' | 'remove-prefix-list-entries', cidrs: readonly string[]) => {
    for (const chunk of chunks(cidrs))
      steps.push({
        ...common,
        phase: 'revoke',
        kind,
        prefixList: ref,
        readVersion: have.Version,
        currentVersion: version++,
        cidrs: chunk,
        summary: `~ prefix list ${want.name}: ${kind === 'add-prefix-list-entries' ? '+' : '-'} ${chunk.join(', ')}`,
      } as AwsAddEntriesStep | AwsRemoveEntriesStep);
  };
  entries('remove-prefix-list-entries', first);
  resize(maxEntries);
  entries('add-prefix-list-entries', adds);
  entries('remove-prefix-list-entries', after);
  resize(want.maxEntries);
  return { steps, maxEntries, removed: [...removes] };
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
