/**
 * The policy findings of compile (policyWarnings) kept across recompiles. policyWarnings reads
 * the workloads only through (1) the set of distinct (restricted labels, managed) keys, which
 * decides whether a selector matches something, and (2) the ids and addresses of the workloads
 * whose status is not unmanaged, which decide what an address peer covers. A change that keeps
 * both keeps the findings, so a re-tag between existing label sets costs O(changed workloads)
 * instead of O(estate). Anything else recomputes them in full. Pure; the tables hold one count
 * per distinct key of the current estate, so they do not grow across recompiles.
 */
import type { Finding } from '../model/finding.ts';
import type { Workload } from '../model/inventory.ts';
import { workloadStatus, type WorkloadStatus } from '../policy/intent.ts';
import { restrictLabels } from '../policy/labels.ts';
import type { Policy } from '../policy/types.ts';

export class WarningsMemo {
  /**
   * Workloads per distinct key (the key policyWarnings groups by). Counted at the first
   * recompile, not at compile: a full compile, recompiled or not, does not pay for it.
   */
  private counts: Map<string, number> | undefined;
  private readonly status = new Map<string, WorkloadStatus>();

  constructor(
    private readonly policy: Policy,
    public findings: Finding[],
  ) {}

  /**
   * Applies a change (`prev` / `next`: old and new version of each changed workload, absent
   * when added / removed) to `estate`, the workloads before it. Returns whether the findings
   * before the change still hold.
   */
  update(
    estate: Iterable<Workload>,
    prev: ReadonlyMap<string, Workload>,
    next: ReadonlyMap<string, Workload>,
  ): boolean {
    if (!this.counts) {
      this.counts = new Map();
      for (const w of estate) {
        const key = this.keyOf(w);
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      }
    }
    const counts = this.counts;
    let same = true;
    const present = new Map<string, boolean>();
    const touch = (key: string, by: number) => {
      if (!present.has(key)) present.set(key, counts.has(key));
      const n = (counts.get(key) ?? 0) + by;
      if (n > 0) counts.set(key, n);
      else {
        counts.delete(key);
        this.status.delete(key);
      }
    };
    for (const id of new Set([...prev.keys(), ...next.keys()])) {
      const a = prev.get(id);
      const b = next.get(id);
      const managedA = a !== undefined && this.statusOf(a) !== 'unmanaged';
      const managedB = b !== undefined && this.statusOf(b) !== 'unmanaged';
      if ((managedA || managedB) && !(managedA && managedB && sameAddresses(a, b))) same = false;
    }
    for (const w of prev.values()) touch(this.keyOf(w), -1);
    for (const w of next.values()) touch(this.keyOf(w), 1);
    for (const [key, before] of present) if (before !== counts.has(key)) same = false;
    return same;
  }

  private keyOf(w: Workload): string {
    return `${w.managed === false ? 'u' : 'm'}${JSON.stringify(restrictLabels(w.labels, this.policy.labelKeys))}`;
  }

  private statusOf(w: Workload): WorkloadStatus {
    const key = this.keyOf(w);
    let s = this.status.get(key);
    if (s === undefined) {
      s = workloadStatus(this.policy, w);
      // Only keys of the estate are kept (touch drops a vanished key's status with its count).
      if (this.counts?.has(key)) this.status.set(key, s);
    }
    return s;
  }
}

/** The same address texts on the workload and its attachments (what policyWarnings parses). */
function sameAddresses(a: Workload, b: Workload): boolean {
  const texts = (w: Workload) => [...new Set([...w.addresses, ...w.attachments.flatMap((x) => x.addresses)])].sort();
  const x = texts(a);
  const y = texts(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
