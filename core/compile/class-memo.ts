/**
 * One class's cloud output in one network, kept across recompiles, keyed by the reach entry
 * arrays it was computed from. Reach keeps a class's entry array (the same object) while its
 * content is unchanged, and everything else a class's output reads is fixed by the network and
 * the class id (name, status and regions are part of the id's signature, classes.ts) or by the
 * policy and context the memo belongs to (index.ts). So a network where one class changed redoes
 * that class, not all of them. Only what the caller says depends on nothing else goes here (no
 * refusal, nothing under address plans). Bounded: each network keeps only the classes of its
 * last compile, and networks no longer in reach are dropped (retain).
 */
import type { NetworkReach, ReachEntry } from './reach.ts';

interface Kept<T> {
  ingress: readonly ReachEntry[] | undefined;
  egress: readonly ReachEntry[] | undefined;
  value: T;
}

/** The classes of one network being compiled: hits read the last compile, sets build the next. */
export interface NetworkClassMemo<T> {
  get(classId: string): T | undefined;
  set(classId: string, value: T): void;
}

export class ClassMemo<T> {
  private readonly byNetwork = new Map<string, Map<string, Kept<T>>>();

  /** Starts compiling `net`: what it keeps afterwards is exactly what is set now. */
  network(net: NetworkReach): NetworkClassMemo<T> {
    const key = `${net.cloud}\u0000${net.network}`;
    const last = this.byNetwork.get(key);
    const next = new Map<string, Kept<T>>();
    this.byNetwork.set(key, next);
    return {
      get: (classId) => {
        const kept = last?.get(classId);
        if (!kept || kept.ingress !== net.ingress.get(classId) || kept.egress !== net.egress.get(classId))
          return undefined;
        next.set(classId, kept);
        return kept.value;
      },
      set: (classId, value) => {
        next.set(classId, { ingress: net.ingress.get(classId), egress: net.egress.get(classId), value });
      },
    };
  }

  /** Drops the networks that are not in `networks` any more. */
  retain(networks: readonly NetworkReach[]): void {
    const keep = new Set(networks.map((n) => `${n.cloud}\u0000${n.network}`));
    for (const key of this.byNetwork.keys()) if (!keep.has(key)) this.byNetwork.delete(key);
  }
}
