/**
 * What a policy means for one estate, as warnings a person should see before applying it:
 * - `selector-matches-nothing`: a segment's or a rule's selector matches no workload and no
 *   external (a typo, or a label nobody carries yet);
 * - `address-peer-covers-workloads`: a rule's address peer (`cidrs`, or an external) covers
 *   managed workloads' own addresses, which it matches by design (docs/semantics.md "Address
 *   peers match addresses"): "0.0.0.0/0 in internet-to-web also covers 21 managed workloads".
 * Pure: policy and workloads in, warnings with document paths out; validate positions them,
 * plan turns them into findings.
 */
import { AddressSet, formatCidr, parseAddress, type Cidr } from '../model/address.ts';
import type { Workload } from '../model/inventory.ts';
import { workloadStatus } from './intent.ts';
import { restrictLabels } from './labels.ts';
import { selectorMatches, type Selector } from './selector/index.ts';
import type { Peer, Policy } from './types.ts';
import { partitionPoint } from '../model/compare.ts';

export interface PolicyWarning {
  code: 'selector-matches-nothing' | 'address-peer-covers-workloads';
  /** Where in the document, e.g. ['spec', 'rules', 2, 'from']. */
  path: Array<string | number>;
  /** What the path names, for a plan line: `rule internet-to-web from`. */
  target: string;
  message: string;
  hint: string;
  /** For address-peer-covers-workloads: the workload ids covered (sorted). */
  workloads?: string[];
}

const EXAMPLES = 3;

/**
 * @example
 * policyWarnings(policy, inventory.workloads);
 * // [{ code: 'address-peer-covers-workloads', path: ['spec','rules',0,'from'], message: '0.0.0.0/0 in internet-to-web also covers 21 managed workloads …', … }]
 */
export function policyWarnings(policy: Policy, workloads: readonly Workload[]): PolicyWarning[] {
  // Selectors and status see only the (restricted) labels and the managed flag: at 100k
  // workloads there are a few thousand distinct ones, so each is evaluated once.
  const labelled = workloads.map((w) => {
    const labels = restrictLabels(w.labels, policy.labelKeys);
    return { w, labels, key: `${w.managed === false ? 'u' : 'm'}${JSON.stringify(labels)}` };
  });
  const distinct = [...new Map(labelled.map((x) => [x.key, x])).values()];
  const matchesSomething = (s: Selector) =>
    distinct.some((x) => selectorMatches(s, x.labels)) || policy.externals.some((e) => selectorMatches(s, e.labels));
  const statusByKey = new Map(distinct.map((x) => [x.key, workloadStatus(policy, x.w)]));
  const out: PolicyWarning[] = [];
  policy.segments.forEach((seg, i) => {
    if (!matchesSomething(seg.selector))
      out.push(nothing(['spec', 'segments', i, 'selector'], `segment ${seg.name}`, seg.selectorText));
  });
  // Compile runs this on every plan: parse each managed address once, and look each distinct
  // address peer up once (most rules name the same few externals).
  const managed = labelled
    .filter((x) => statusByKey.get(x.key) !== 'unmanaged')
    .map((x) => ({ id: x.w.id, addresses: parsedAddresses(x.w) }));
  const cache = new Map<string, { text: string; ids: string[] } | undefined>();
  policy.rules.forEach((rule, i) => {
    for (const side of ['from', 'to'] as const) {
      const peer = rule[side];
      const path = ['spec', 'rules', i, side];
      if (peer.kind === 'selector' && !matchesSomething(peer.selector))
        out.push(nothing([...path, 'selector'], `rule ${rule.name} ${side}`, peer.text));
      const key = peer.kind === 'external' ? `external:${peer.name}` : peer.kind === 'cidrs' ? peerKey(peer) : '';
      if (key !== '' && !cache.has(key)) cache.set(key, coveredBy(policy, peer, managed));
      const covered = key === '' ? undefined : cache.get(key);
      if (covered !== undefined && covered.ids.length > 0)
        out.push(covers(path, `rule ${rule.name} ${side}`, rule.name, covered));
    }
  });
  return out;
}

function nothing(path: Array<string | number>, target: string, text: string): PolicyWarning {
  return {
    code: 'selector-matches-nothing',
    path,
    target,
    message: `the selector ${text} matches no workload and no external`,
    hint: 'check the label keys and values against the estate (tags are lowercased), or remove it if it is for later',
  };
}

function covers(
  path: Array<string | number>,
  target: string,
  rule: string,
  covered: { text: string; ids: string[] },
): PolicyWarning {
  const n = covered.ids.length;
  const eg = covered.ids.slice(0, EXAMPLES).join(', ') + (n > EXAMPLES ? ', …' : '');
  return {
    code: 'address-peer-covers-workloads',
    path,
    target,
    message: `${covered.text} in ${rule} also covers ${n} managed workload${n === 1 ? '' : 's'} (${eg}): address peers match every address inside them`,
    hint: 'add `except: [...]` with your private ranges to leave them out, or name workloads with a selector instead',
    workloads: covered.ids,
  };
}

function peerKey(peer: { cidrs: Cidr[]; except: Cidr[] }): string {
  return `cidrs:${peer.cidrs.map(formatCidr).join(',')}-${peer.except.map(formatCidr).join(',')}`;
}

interface ParsedWorkload {
  id: string;
  addresses: Array<{ family: 'ipv4' | 'ipv6'; value: bigint }>;
}

function parsedAddresses(w: Workload): ParsedWorkload['addresses'] {
  const out: ParsedWorkload['addresses'] = [];
  for (const a of new Set([...w.addresses, ...w.attachments.flatMap((x) => x.addresses)])) {
    const p = parseAddress(a);
    if (p.ok) out.push(p.value);
  }
  return out;
}

/** The managed workloads with an address inside an address peer (its CIDRs minus its except). */
function coveredBy(
  policy: Policy,
  peer: Peer,
  managed: readonly ParsedWorkload[],
): { text: string; ids: string[] } | undefined {
  let set: { cidrs: Cidr[]; except: Cidr[] } | undefined;
  let text: string;
  if (peer.kind === 'cidrs') {
    set = peer;
    text = peer.cidrs.map(formatCidr).join(', ');
  } else if (peer.kind === 'external') {
    set = policy.externals.find((e) => e.name === peer.name);
    text = set ? `${set.cidrs.map(formatCidr).join(', ')} (external ${peer.name})` : '';
  } else return undefined;
  if (set === undefined) return undefined;
  const sets = {
    ipv4: AddressSet.fromCidrs('ipv4', set.cidrs).subtract(AddressSet.fromCidrs('ipv4', set.except)),
    ipv6: AddressSet.fromCidrs('ipv6', set.cidrs).subtract(AddressSet.fromCidrs('ipv6', set.except)),
  };
  const index = addressIndex(managed);
  const found = new Set<string>();
  for (const family of ['ipv4', 'ipv6'] as const) {
    const sorted = index[family];
    for (const [lo, hi] of sets[family].ranges()) {
      for (let i = firstAtLeast(sorted, lo); i < sorted.length && sorted[i]!.value <= hi; i++) found.add(sorted[i]!.id);
    }
  }
  return { text, ids: [...found].sort() };
}

/**
 * Every managed address by family, sorted by value, so a peer's covered workloads are a few
 * binary searches instead of a scan of the estate per peer. Built once per list.
 */
const indexes = new WeakMap<readonly ParsedWorkload[], Record<'ipv4' | 'ipv6', Array<{ value: bigint; id: string }>>>();
function addressIndex(managed: readonly ParsedWorkload[]) {
  let index = indexes.get(managed);
  if (!index) {
    index = { ipv4: [], ipv6: [] };
    for (const w of managed) for (const a of w.addresses) index[a.family].push({ value: a.value, id: w.id });
    for (const list of Object.values(index)) list.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    indexes.set(managed, index);
  }
  return index;
}

function firstAtLeast(sorted: ReadonlyArray<{ value: bigint }>, lo: bigint): number {
  return partitionPoint(sorted.length, (i) => sorted[i]!.value < lo);
}
