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
): Classification {
  const selectors = policySelectors(policy);
  const index = new SelectorIndex(selectors.map((s) => s.selector));
  const position = new Map(selectors.map((s, i) => [s.text, i]));
  const segmentSelector = policy.segments.map((s) => position.get(selectorToString(s.selector))!);
  // Workloads that share their restricted labels and managed flag share status and selectors:
  // about 3k distinct keys at 100k workloads, so selectors run per key, not per workload.
  const byLabels = new Map<string, LabelVerdict>();
  const idOf = new Map<string, string>();
  const byId = new Map<string, WorkloadClass>();
  const classOf = new Map<string, WorkloadClass>();
  for (const w of [...workloads].sort((a, b) => compareStrings(a.id, b.id))) {
    const labels = restrictLabels(w.labels, policy.labelKeys);
    const labelKey = `${w.managed === false ? 'u' : 'm'}${JSON.stringify(labels)}`;
    let verdict = byLabels.get(labelKey);
    if (!verdict) {
      const hits = index.matching(labels);
      const hit = new Set(hits);
      const selecting = policy.segments.filter((_, i) => hit.has(segmentSelector[i]!));
      verdict = {
        status: statusOf(policy, w.managed, selecting),
        matched: hits.map((i) => selectors[i]!.text),
        segments: selecting.map((s) => s.name),
        enforcing: selecting.filter((s) => s.mode === 'enforce').map((s) => s.name),
      };
      byLabels.set(labelKey, verdict);
    }
    const { status, matched } = verdict;
    const region: Partial<Record<Family, Region>> = {};
    for (const f of FAMILIES) {
      const value = primaryAddress(w, f);
      if (value !== undefined) region[f] = regions[f].regionOf(value);
    }
    const signature = JSON.stringify([status, matched, region.ipv4?.key ?? null, region.ipv6?.key ?? null]);
    let id = idOf.get(signature);
    if (id === undefined) idOf.set(signature, (id = stableHash(signature, 10)));
    let cls = byId.get(id);
    if (!cls) {
      const { segments, enforcing } = verdict;
      const name = status === 'enforced' ? enforcing.join('+') : status === 'quarantined' ? 'quarantine' : status;
      cls = { id, name, status, labels, segments, selectors: matched, members: [], region };
      byId.set(id, cls);
    }
    cls.members.push(w);
    classOf.set(w.id, cls);
  }
  const classes = [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
  return { classes, byId, classOf };
}

interface LabelVerdict {
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
