/**
 * Workload classes: workloads the policy cannot tell apart. Two workloads share a class iff they
 * have the same status (enforced, quarantined, monitored, unmanaged), match the same selectors,
 * and their addresses fall in the same policy regions. Every rule treats all members of a class
 * alike, so a class is what a security group / ASG / network tag stands for. Pure.
 *
 * A class's id hashes its signature written with selector *texts* and atom names (not list
 * indices), so unrelated policy edits keep ids, and object names, stable.
 */
import { compareStrings } from '../model/compare.ts';
import { parseAddress, type Family } from '../model/address.ts';
import type { Workload } from '../model/inventory.ts';
import type { WorkloadStatus } from '../policy/intent.ts';
import { restrictLabels } from '../policy/labels.ts';
import type { Labels } from '../model/cloud.ts';
import { SelectorIndex, selectorToString, type Selector } from '../policy/selector/index.ts';
import type { Policy } from '../policy/types.ts';
import { stableHash } from './hash.ts';
import type { Region, RegionMap } from './regions.ts';

export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export interface WorkloadClass {
  id: string;
  /** Readable: the enforce segments joined by '+', or 'quarantine' / 'monitor' / 'unmanaged'. */
  name: string;
  status: WorkloadStatus;
  /** Labels of a representative member, restricted to the policy's keys (members agree on every selector). */
  labels: Labels;
  segments: string[];
  /** Texts of the policy selectors (policySelectors) the members match, in that order. */
  selectors: readonly string[];
  members: Workload[];
  /** Region of the members' primary address of each family (absent: no address of that family). */
  region: Partial<Record<Family, Region>>;
}

export interface Classification {
  classes: WorkloadClass[];
  byId: Map<string, WorkloadClass>;
  classOf: Map<string, WorkloadClass>;
}

/** Every distinct selector the policy names, with its canonical text. */
export function policySelectors(policy: Policy): Array<{ text: string; selector: Selector }> {
  const all = new Map<string, Selector>();
  for (const s of policy.segments) all.set(selectorToString(s.selector), s.selector);
  for (const r of policy.rules) {
    for (const p of [r.from, r.to])
      if (p.kind === 'segment' || p.kind === 'selector') all.set(selectorToString(p.selector), p.selector);
  }
  return [...all.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([text, selector]) => ({ text, selector }));
}

export function primaryAddress(w: Workload, family: Family): bigint | undefined {
  for (const a of w.addresses) {
    const p = parseAddress(a);
    if (p.ok && p.value.family === family) return p.value.value;
  }
  return undefined;
}

export function classify(
  policy: Policy,
  workloads: readonly Workload[],
  regions: Record<Family, RegionMap>,
  classifier = new Classifier(policy, regions),
): Classification {
  const byId = new Map<string, WorkloadClass>();
  const classOf = new Map<string, WorkloadClass>();
  for (const w of [...workloads].sort((a, b) => compareStrings(a.id, b.id))) {
    const place = classifier.place(w);
    let cls = byId.get(place.id);
    if (!cls) byId.set(place.id, (cls = classifier.newClass(place, w)));
    cls.members.push(w);
    classOf.set(w.id, cls);
  }
  const classes = [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
  return { classes, byId, classOf };
}

/** Where one workload belongs: its class id and what the class is made of. */
export interface Placement {
  id: string;
  verdict: LabelVerdict;
  region: Partial<Record<Family, Region>>;
}

/**
 * The per-workload half of classify, with its memo tables (kept by recompile): workloads that
 * share their restricted labels and managed flag share status and selectors (about 3k distinct
 * keys at 100k workloads), so selectors run per key, not per workload.
 */
export class Classifier {
  private readonly selectors: Array<{ text: string; selector: Selector }>;
  private readonly index: SelectorIndex;
  private readonly segmentSelector: number[];
  private readonly byLabels = new Map<string, LabelVerdict>();
  private readonly idOf = new Map<string, string>();

  constructor(
    private readonly policy: Policy,
    private readonly regions: Record<Family, RegionMap>,
  ) {
    this.selectors = policySelectors(policy);
    this.index = new SelectorIndex(this.selectors.map((s) => s.selector));
    const position = new Map(this.selectors.map((s, i) => [s.text, i]));
    this.segmentSelector = policy.segments.map((s) => position.get(selectorToString(s.selector))!);
  }

  place(w: Workload): Placement {
    const labels = restrictLabels(w.labels, this.policy.labelKeys);
    const labelKey = `${w.managed === false ? 'u' : 'm'}${JSON.stringify(labels)}`;
    let verdict = this.byLabels.get(labelKey);
    if (!verdict) {
      const hits = this.index.matching(labels);
      const hit = new Set(hits);
      const selecting = this.policy.segments.filter((_, i) => hit.has(this.segmentSelector[i]!));
      verdict = {
        status: statusOf(this.policy, w.managed, selecting),
        matched: hits.map((i) => this.selectors[i]!.text),
        segments: selecting.map((s) => s.name),
        enforcing: selecting.filter((s) => s.mode === 'enforce').map((s) => s.name),
      };
      this.byLabels.set(labelKey, verdict);
    }
    const region: Partial<Record<Family, Region>> = {};
    for (const f of FAMILIES) {
      const value = primaryAddress(w, f);
      if (value !== undefined) region[f] = this.regions[f].regionOf(value);
    }
    const signature = JSON.stringify([
      verdict.status,
      verdict.matched,
      region.ipv4?.key ?? null,
      region.ipv6?.key ?? null,
    ]);
    let id = this.idOf.get(signature);
    if (id === undefined) this.idOf.set(signature, (id = stableHash(signature, 10)));
    return { id, verdict, region };
  }

  /** A class with no members yet, represented by `first` (its labels are the class's labels). */
  newClass(place: Placement, first: Workload): WorkloadClass {
    const { status, matched, segments, enforcing } = place.verdict;
    const name = status === 'enforced' ? enforcing.join('+') : status === 'quarantined' ? 'quarantine' : status;
    const labels = restrictLabels(first.labels, this.policy.labelKeys);
    return { id: place.id, name, status, labels, segments, selectors: matched, members: [], region: place.region };
  }
}

export interface LabelVerdict {
  status: WorkloadStatus;
  matched: string[];
  segments: string[];
  enforcing: string[];
}

/** workloadStatus (core/policy/intent.ts) from the segments already known to select the workload. */
function statusOf(policy: Policy, managed: boolean | undefined, selecting: Policy['segments']): WorkloadStatus {
  if (managed === false) return 'unmanaged';
  if (selecting.some((s) => s.mode === 'enforce')) return 'enforced';
  if (selecting.length > 0) return 'monitored';
  return policy.defaults.unlabeled === 'quarantine' ? 'quarantined' : 'unmanaged';
}
