/**
 * Reach: the cloud-neutral heart of compile. For every network and every class segsync enforces
 * there, the exact allow-set of its ingress and egress as entries (peer, ports), where a peer is
 * a same-network class (referenced by identity), or an exact address set (another network's or
 * an unenforced class's members, or a policy region). Pure and deterministic.
 *
 * Exactness (checked against the intent oracle by the property tests):
 * - P(src → dst) = ∪ allow-rule ports − ∪ deny-rule ports over the rules matching both ends
 *   (egress with `defaults.egress: allow` starts from every port instead), so deny rules are
 *   applied here, by set difference, and no cloud ever sees one (CLOUD-FACTS §6.1, §6.2).
 * - A region's address set also covers the workloads inside it; where a workload class may have
 *   fewer ports than its region, its members' addresses are carved out of the region's set and
 *   the class gets its own entry, so an address rule never widens past a label rule's deny.
 */
import { compareStrings, partitionPoint } from '../model/compare.ts';
import { AddressSet, parseAddress, type Family } from '../model/address.ts';
import type { Location, Workload } from '../model/inventory.ts';
import { PortSet } from '../model/ports.ts';
import type { Cloud, Labels } from '../model/cloud.ts';
import { selectorMatches, selectorToString } from '../policy/selector/index.ts';
import type { Peer, Policy, Rule } from '../policy/types.ts';
import { Classifier, classify, FAMILIES, type Classification, type WorkloadClass } from './classes.ts';
import { restrictLabels } from '../policy/labels.ts';
import { buildRegions, cidrsAtomName, policyAtoms, type Region, type RegionMap } from './regions.ts';

/**
 * Clouds whose monitor-mode workloads carry an inert identity (CLOUD-FACTS-SCALE §2.1): an empty
 * security group beside their own groups on AWS, one more network tag on GCP. Azure is left out
 * for now: its NIC planner attaches segsync's NSG with the ASG, which a monitored NIC must not get.
 */
export const MONITOR_IDENTITY: Record<Cloud, boolean> = { aws: true, azure: false, gcp: true };

export type ReachPeer =
  | { kind: 'class'; classId: string }
  /** Exact addresses; `classId` when they are a class's members (the set follows membership). */
  | { kind: 'addresses'; family: Family; set: AddressSet; classId?: string };

export interface ReachEntry {
  peer: ReachPeer;
  ports: PortSet;
}

export interface NetworkReach {
  cloud: Cloud;
  /** Cloud-qualified network id (Workload.network). */
  network: string;
  location: Location;
  /** Classes enforced here (enforced or quarantined with members in this network), sorted. */
  classIds: string[];
  /** Members of each of those classes that sit in this network. */
  members: Map<string, Workload[]>;
  /**
   * Monitor-mode classes with members here that get an inert identity (an empty security group,
   * a network tag: no rule targets it), so same-network peers reference them by identity
   * instead of by address sets that grow with N. Sorted; members in `monitorMembers`.
   */
  monitorIds: string[];
  monitorMembers: Map<string, Workload[]>;
  ingress: Map<string, ReachEntry[]>;
  egress: Map<string, ReachEntry[]>;
}

export interface Reach {
  classification: Classification;
  networks: NetworkReach[];
}

/** One end of a flow as rules see it; `key` identifies it for the mask cache. */
interface Party {
  key: string;
  labels?: Labels;
  atoms: ReadonlySet<string>;
}
/** Which rules' `from` and `to` match a party, as bitsets over policy.rules. */
interface Masks {
  from: Uint32Array;
  to: Uint32Array;
}
interface CompiledRule {
  rule: Rule;
  ports: PortSet;
  fromExternals: string[];
  toExternals: string[];
}

export function computeReach(policy: Policy, workloads: readonly Workload[]): Reach {
  return ReachState.build(policy, workloads).reach;
}

/** `${cloud}\u0000${network}`: networks of different clouds never share a key. */
const networkKey = (w: Workload) => `${w.cloud}\u0000${w.network}`;

/**
 * Reach with everything it was computed from and its memo tables, so recompile can redo only
 * what a change touches (incremental.ts). Every table is keyed by exactly the inputs of what it
 * holds; `update` drops the entries whose inputs changed.
 */
export class ReachState {
  private constructor(
    readonly policy: Policy,
    readonly regions: Record<Family, RegionMap>,
    readonly classifier: Classifier,
    readonly ctx: ReachContext,
    /** All workloads of each network, sorted by id. */
    private readonly byNetwork: Map<string, Workload[]>,
    private readonly networks: Map<string, NetworkReach>,
    public reach: Reach,
  ) {}

  static build(policy: Policy, workloads: readonly Workload[]): ReachState {
    const atoms = policyAtoms(policy);
    const regions = { ipv4: buildRegions(atoms, 'ipv4'), ipv6: buildRegions(atoms, 'ipv6') } as Record<
      Family,
      RegionMap
    >;
    const classifier = new Classifier(policy, regions);
    const classification = classify(policy, workloads, regions, classifier);
    const ctx = new ReachContext(policy, regions, classification);
    const byNetwork = new Map<string, Workload[]>();
    for (const w of [...workloads].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const key = networkKey(w);
      const list = byNetwork.get(key);
      if (list) list.push(w);
      else byNetwork.set(key, [w]);
    }
    const networks = new Map<string, NetworkReach>();
    for (const key of [...byNetwork.keys()].sort()) {
      const net = ctx.networkOf(byNetwork.get(key)!);
      if (net) networks.set(key, net);
    }
    return new ReachState(policy, regions, classifier, ctx, byNetwork, networks, {
      classification,
      networks: [...networks.values()],
    });
  }

  /**
   * The reach of the estate after `changed` workloads were added, removed or modified (`next`
   * holds the new version of each, absent when removed; `prev` the old one). Returns a new
   * Reach; NetworkReach objects of networks the change does not touch are the previous ones.
   */
  update(prev: Map<string, Workload>, next: Map<string, Workload>): Reach {
    const old = this.reach.classification;
    const byId = new Map(old.byId);
    const classOf = new Map(old.classOf);
    const touched = new Set<string>();
    const dirtyNetworks = new Set<string>();
    // Copy-on-write: a touched class is a new object, so the previous Reach stays as it was.
    const writable = new Map<string, WorkloadClass>();
    const own = (id: string): WorkloadClass | undefined => {
      let cls = writable.get(id);
      if (cls) return cls;
      const base = byId.get(id);
      if (!base) return undefined;
      cls = { ...base, members: [...base.members] };
      writable.set(id, cls);
      byId.set(id, cls);
      return cls;
    };
    for (const [id, w] of prev) {
      const cls = own(old.classOf.get(id)!.id)!;
      cls.members.splice(indexOf(cls.members, id), 1);
      classOf.delete(id);
      touched.add(cls.id);
      this.remove(w);
      dirtyNetworks.add(networkKey(w));
    }
    const added: string[] = [];
    for (const w of next.values()) {
      const place = this.classifier.place(w);
      let cls = own(place.id);
      if (!cls) {
        cls = this.classifier.newClass(place, w);
        writable.set(cls.id, cls);
        byId.set(cls.id, cls);
      }
      cls.members.splice(insertionPoint(cls.members, w.id), 0, w);
      classOf.set(w.id, cls);
      touched.add(cls.id);
      this.insert(w);
      dirtyNetworks.add(networkKey(w));
    }
    const vanished: string[] = [];
    for (const cls of writable.values()) {
      if (cls.members.length === 0) {
        byId.delete(cls.id);
        vanished.push(cls.id);
        continue;
      }
      // The class's labels are its first member's (classify's representative).
      cls.labels = restrictLabels(cls.members[0]!.labels, this.policy.labelKeys);
      if (!old.byId.has(cls.id)) added.push(cls.id);
      for (const w of cls.members) classOf.set(w.id, cls);
    }
    const classes =
      added.length === 0 && vanished.length === 0
        ? old.classes.map((c) => byId.get(c.id)!)
        : [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
    const classification: Classification = { classes, byId, classOf };
    const dirtyClasses = this.ctx.update(classification, touched, added, vanished);
    for (const [key, net] of this.networks) {
      if (net.classIds.some((id) => dirtyClasses.has(id))) dirtyNetworks.add(key);
    }
    for (const key of dirtyNetworks) {
      const members = this.byNetwork.get(key);
      const net = members ? this.ctx.networkOf(members) : undefined;
      const before = this.networks.get(key);
      if (!net) this.networks.delete(key);
      else if (!before || !sameNetwork(before, net)) this.networks.set(key, net);
    }
    const networks = [...this.networks.keys()].sort().map((k) => this.networks.get(k)!);
    this.reach = { classification, networks };
    return this.reach;
  }

  private remove(w: Workload): void {
    const key = networkKey(w);
    const list = this.byNetwork.get(key)!;
    list.splice(indexOf(list, w.id), 1);
    if (list.length === 0) this.byNetwork.delete(key);
  }

  private insert(w: Workload): void {
    const key = networkKey(w);
    const list = this.byNetwork.get(key);
    if (!list) this.byNetwork.set(key, [w]);
    else list.splice(insertionPoint(list, w.id), 0, w);
  }
}

function sameEntries(a: readonly ReachEntry[], b: readonly ReachEntry[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    if (!x.ports.equals(y.ports)) return false;
    if (x.peer.kind === 'class' || y.peer.kind === 'class')
      return x.peer.kind === y.peer.kind && x.peer.classId === y.peer.classId;
    return x.peer.family === y.peer.family && x.peer.classId === y.peer.classId && x.peer.set.equals(y.peer.set);
  });
}

/** Same classes, same member objects, same entry arrays: the cloud objects of `a` hold for `b`. */
function sameNetwork(a: NetworkReach, b: NetworkReach): boolean {
  const sameIds = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  const sameMembers = (x: Map<string, Workload[]>, y: Map<string, Workload[]>) =>
    x.size === y.size &&
    [...x].every(([id, ws]) => {
      const other = y.get(id);
      return other !== undefined && other.length === ws.length && ws.every((w, i) => w === other[i]);
    });
  const sameArrays = (x: Map<string, ReachEntry[]>, y: Map<string, ReachEntry[]>) =>
    x.size === y.size && [...x].every(([id, e]) => y.get(id) === e);
  return (
    a.cloud === b.cloud &&
    a.network === b.network &&
    sameIds(a.classIds, b.classIds) &&
    sameIds(a.monitorIds, b.monitorIds) &&
    sameMembers(a.members, b.members) &&
    sameMembers(a.monitorMembers, b.monitorMembers) &&
    sameArrays(a.ingress, b.ingress) &&
    sameArrays(a.egress, b.egress)
  );
}

/** Index of the workload `id` in a list sorted by id (it must be there). */
function indexOf(list: readonly Workload[], id: string): number {
  const i = insertionPoint(list, id);
  if (list[i]?.id !== id) throw new Error(`workload ${id} is not where reach keeps it`);
  return i;
}

/** First index whose id is ≥ `id`, in a list sorted by id (code-unit order, as classify sorts). */
function insertionPoint(list: readonly Workload[], id: string): number {
  return partitionPoint(list.length, (i) => list[i]!.id < id);
}

/** Another class as one class sees it in one direction and family, whatever the network. */
interface PeerItem {
  otherId: string;
  /** Ports to allow by identity or by the other's addresses (already empty-checked). */
  ports: PortSet;
}
/** The network-independent part of a class's entries in one direction and family. */
interface BaseEntries {
  items: PeerItem[];
  /** Classes whose members are carved out of the region entries. */
  carved: string[];
  regionPorts: Map<string, PortSet>;
}
interface TableRow {
  id: string;
  masks: Masks;
  regionKey: string;
}
interface FamilyTable {
  rows: TableRow[];
  /** Rows whose `from` / `to` mask has rule i, in row order. */
  fromRows: number[][];
  toRows: number[][];
  /** Rows per region key, in row order. */
  byRegion: Map<string, number[]>;
}
type Direction = 'ingress' | 'egress';

class ReachContext {
  private readonly rules: CompiledRule[];
  private readonly maskCache = new Map<string, Masks>();
  private readonly combos = new Map<string, PortSet>();
  private tables = new Map<Family, FamilyTable>();
  /** Per class: its members split as seen from each network and family. */
  private readonly splitCache = new Map<string, Map<string, { inNetwork: boolean; elsewhere: AddressSet }>>();
  private readonly allCache = new Map<string, AddressSet>();
  /** Per class: its base entries per direction and family (`dir|f`). */
  private readonly baseCache = new Map<string, Map<string, BaseEntries>>();
  /** Per class: its region entries per direction and family (they carve other classes' members). */
  private readonly regionCache = new Map<string, Map<string, ReachEntry[]>>();
  /** Per class: its entries per direction and network. */
  private readonly entriesCache = new Map<string, Map<string, ReachEntry[]>>();
  /** Entries dropped by the last update, to keep those that come out the same. */
  private readonly previousEntries = new Map<string, Map<string, ReachEntry[]>>();
  /** Per class: the classes whose entries read its members (as an item or carved). */
  private readonly readers = new Map<string, Set<string>>();
  /** Rules whose `from` / `to` side names each selector text or atom, for masks by lookup. */
  private readonly bySelector = new Map<string, { from: number[]; to: number[] }>();
  private readonly byAtom = new Map<string, { from: number[]; to: number[] }>();
  private readonly egressOpen: boolean;

  constructor(
    private readonly policy: Policy,
    private readonly regions: Record<Family, RegionMap>,
    private cls: Classification,
  ) {
    const externalsMatching = (p: Peer) =>
      p.kind === 'segment' || p.kind === 'selector'
        ? policy.externals.filter((e) => selectorMatches(p.selector, e.labels)).map((e) => `external:${e.name}`)
        : [];
    this.rules = policy.rules.map((rule) => ({
      rule,
      ports: PortSet.fromSpecs(rule.ports),
      fromExternals: externalsMatching(rule.from),
      toExternals: externalsMatching(rule.to),
    }));
    this.egressOpen = policy.defaults.egress === 'allow';
    const add = (index: Map<string, { from: number[]; to: number[] }>, key: string, side: 'from' | 'to', i: number) => {
      let e = index.get(key);
      if (!e) index.set(key, (e = { from: [], to: [] }));
      e[side].push(i);
    };
    this.rules.forEach((r, i) => {
      for (const side of ['from', 'to'] as const) {
        const peer = r.rule[side];
        switch (peer.kind) {
          case 'cidrs':
            add(this.byAtom, cidrsAtomName(peer.cidrs, peer.except), side, i);
            break;
          case 'external':
            add(this.byAtom, `external:${peer.name}`, side, i);
            break;
          default:
            add(this.bySelector, selectorToString(peer.selector), side, i);
            for (const e of side === 'from' ? r.fromExternals : r.toExternals) add(this.byAtom, e, side, i);
        }
      }
    });
  }

  /**
   * Switch to a classification where the `touched` classes' members changed (`added` of them
   * are new, `vanished` of them have none left). Drops exactly the memo entries that read those
   * members or the class list, and returns the classes whose entries must be computed again.
   * A vanished class's own entries go too, so the tables hold the classes of the estate, not
   * every class a long-running recompile has ever seen.
   */
  update(classification: Classification, touched: Set<string>, added: string[], vanished: string[]): Set<string> {
    this.cls = classification;
    this.previousEntries.clear();
    const classSetChanged = vanished.length > 0;
    for (const id of vanished) {
      for (const base of this.baseCache.get(id)?.values() ?? [])
        for (const other of [...base.items.map((i) => i.otherId), ...base.carved]) this.readers.get(other)?.delete(id);
      this.baseCache.delete(id);
      this.regionCache.delete(id);
      this.entriesCache.delete(id);
      for (const f of FAMILIES) this.maskCache.delete(`c:${id}|${f}`);
    }
    const dirty = new Set<string>();
    for (const id of touched) {
      this.splitCache.delete(id);
      for (const f of FAMILIES) this.allCache.delete(`${id}|${f}`);
      for (const reader of this.readers.get(id) ?? []) dirty.add(reader);
    }
    for (const id of vanished) this.readers.delete(id);
    if (classSetChanged || added.length > 0) this.tables = new Map();
    // A new class may share a rule or a region with any class: find which, pair by pair.
    for (const id of added) {
      const cls = classification.byId.get(id)!;
      for (const [selfId, perKey] of this.baseCache) {
        const self = classification.byId.get(selfId);
        for (const [key, base] of perKey) {
          const [dir, f] = key.split('|') as [Direction, Family];
          if (!self || !cls.region[f] || !this.relates(self, cls, dir, f, base)) continue;
          dirty.add(selfId);
          perKey.delete(key);
        }
      }
    }
    for (const id of dirty) {
      this.regionCache.delete(id);
      const old = this.entriesCache.get(id);
      if (old) this.previousEntries.set(id, old);
      this.entriesCache.delete(id);
    }
    return dirty;
  }

  /** Whether `other` is a candidate of `self`'s base entries (see base()). */
  private relates(self: WorkloadClass, other: WorkloadClass, dir: Direction, f: Family, base: BaseEntries): boolean {
    if (dir === 'egress' && this.egressOpen) return true;
    if (!(base.regionPorts.get(other.region[f]!.key)?.isEmpty() ?? true)) return true;
    const s = this.classMasks(self, f);
    const o = this.classMasks(other, f);
    const [a, b] = dir === 'ingress' ? [s.to, o.from] : [s.from, o.to];
    for (let w = 0; w < a.length; w++) if ((a[w]! & b[w]!) !== 0) return true;
    return false;
  }

  /**
   * The reach of one network from all its workloads (sorted by id): undefined when segsync
   * enforces no class there.
   */
  networkOf(workloads: readonly Workload[]): NetworkReach | undefined {
    const members: Workload[] = [];
    const monitored: Workload[] = [];
    for (const w of workloads) {
      const cls = this.cls.classOf.get(w.id)!;
      if (cls.status === 'enforced' || cls.status === 'quarantined') members.push(w);
      else if (cls.status === 'monitored' && w.managed && MONITOR_IDENTITY[w.cloud]) monitored.push(w);
    }
    return members.length === 0 ? undefined : this.network(members, monitored);
  }

  network(members: Workload[], monitored: Workload[]): NetworkReach {
    const first = members[0]!;
    const group = (ws: Workload[]) => {
      const byClass = new Map<string, Workload[]>();
      for (const w of ws) {
        const id = this.cls.classOf.get(w.id)!.id;
        const list = byClass.get(id);
        if (list) list.push(w);
        else byClass.set(id, [w]);
      }
      return byClass;
    };
    const byClass = group(members);
    const monitorMembers = group(monitored);
    const classIds = [...byClass.keys()].sort();
    const monitorIds = [...monitorMembers.keys()].sort();
    const identity = new Set([...classIds, ...monitorIds]);
    const net = {
      cloud: first.cloud,
      network: first.network,
      location: first.location,
      classIds,
      members: byClass,
      monitorIds,
      monitorMembers,
      ingress: new Map<string, ReachEntry[]>(),
      egress: new Map<string, ReachEntry[]>(),
    };
    for (const id of classIds) {
      const cls = this.cls.byId.get(id)!;
      const enforced = cls.status === 'enforced';
      net.ingress.set(id, enforced ? this.entries(cls, 'ingress', net.network, identity) : []);
      net.egress.set(id, enforced ? this.entries(cls, 'egress', net.network, identity) : []);
    }
    return net;
  }

  /** Allow entries of `self` in one direction, over every family it has an address in. */
  private entries(self: WorkloadClass, dir: Direction, network: string, identity: Set<string>): ReachEntry[] {
    let perKey = this.entriesCache.get(self.id);
    if (!perKey) this.entriesCache.set(self.id, (perKey = new Map()));
    const cacheKey = `${dir}|${network}`;
    const hit = perKey.get(cacheKey);
    if (hit) return hit;
    const out: ReachEntry[] = [];
    const identityPorts = new Map<string, Map<Family, PortSet>>();
    for (const f of FAMILIES) {
      if (!self.region[f]) continue;
      const base = this.base(self, dir, f);
      for (const { otherId, ports } of base.items) {
        const split = this.split(otherId, network, identity, f);
        if (split.inNetwork) {
          const m = identityPorts.get(otherId) ?? new Map<Family, PortSet>();
          m.set(f, ports);
          identityPorts.set(otherId, m);
        }
        if (!split.elsewhere.isEmpty())
          out.push({ peer: { kind: 'addresses', family: f, set: split.elsewhere, classId: otherId }, ports });
      }
      out.push(...this.carvedRegionEntries(self, dir, f, base));
    }
    out.push(...this.identityEntries(self, identityPorts, network));
    let value = sortEntries(out);
    // Recomputed after a change: keep the previous array when nothing in it changed, so the
    // network (and its cloud objects) can be reused as they are.
    const previous = this.previousEntries.get(self.id)?.get(cacheKey);
    if (previous && sameEntries(previous, value)) value = previous;
    perKey.set(cacheKey, value);
    return value;
  }

  /** The region entries of a base, with the carved classes' members removed. */
  private carvedRegionEntries(self: WorkloadClass, dir: Direction, f: Family, base: BaseEntries): ReachEntry[] {
    let perKey = this.regionCache.get(self.id);
    if (!perKey) this.regionCache.set(self.id, (perKey = new Map()));
    const key = `${dir}|${f}`;
    let value = perKey.get(key);
    if (!value) {
      const carve = AddressSet.fromRanges(
        f,
        base.carved.flatMap((id) => (this.cls.byId.get(id)?.members ?? []).flatMap((w) => points(w, f))),
      );
      value = this.regionEntries(base.regionPorts, f, carve);
      perKey.set(key, value);
    }
    return value;
  }

  /**
   * What a class allows in one direction and family before networks and members matter: which
   * classes it reaches on which ports, and which classes' members are carved out of its region
   * entries. Computed once per class, direction and family (a class has members in several
   * networks), and only over the classes that share a rule with it or sit in a region it has
   * ports with: the rule index turns classes² pairs into the pairs that matter.
   */
  private base(self: WorkloadClass, dir: Direction, f: Family): BaseEntries {
    let perKey = this.baseCache.get(self.id);
    if (!perKey) this.baseCache.set(self.id, (perKey = new Map()));
    const cacheKey = `${dir}|${f}`;
    const hit = perKey.get(cacheKey);
    if (hit) return hit;
    const table = this.familyTable(f);
    const selfMasks = this.classMasks(self, f);
    const regionPorts = this.regionPorts(dir, selfMasks, f);
    const open = dir === 'egress' && this.egressOpen;
    // matched[row]: the rules both ends match (self's side × the row's other side).
    const matched = new Map<number, number[]>();
    const selfSide = dir === 'ingress' ? selfMasks.to : selfMasks.from;
    const otherRows = dir === 'ingress' ? table.fromRows : table.toRows;
    for (let w = 0; w < selfSide.length; w++) {
      let bits = selfSide[w]!;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits);
        bits &= ~(1 << bit);
        const rule = w * 32 + bit;
        for (const row of otherRows[rule]!) {
          const list = matched.get(row);
          if (list) list.push(rule);
          else matched.set(row, [rule]);
        }
      }
    }
    let candidates: number[];
    if (open) candidates = table.rows.map((_, i) => i);
    else {
      const set = new Set(matched.keys());
      for (const [regionKey, ports] of regionPorts)
        if (!ports.isEmpty()) for (const row of table.byRegion.get(regionKey) ?? []) set.add(row);
      candidates = [...set].sort((a, b) => a - b);
    }
    const items: PeerItem[] = [];
    const carved: string[] = [];
    for (const row of candidates) {
      const other = table.rows[row]!;
      const pc = this.portsFor(matched.get(row), open);
      const pr = regionPorts.get(other.regionKey)!;
      // Most class pairs share no rule: nothing to allow, nothing to carve.
      if (pc.isEmpty() && pr.isEmpty()) continue;
      const needsCarve = !pr.subtract(pc).isEmpty();
      const ports = needsCarve ? pc : pc.subtract(pr);
      if (needsCarve) carved.push(other.id);
      if (!ports.isEmpty()) items.push({ otherId: other.id, ports });
      if (needsCarve || !ports.isEmpty()) {
        let readers = this.readers.get(other.id);
        if (!readers) this.readers.set(other.id, (readers = new Set()));
        readers.add(self.id);
      }
    }
    const value = { items, carved, regionPorts };
    perKey.set(cacheKey, value);
    return value;
  }

  /**
   * A class's members as seen from one network: whether some are referenced by identity there,
   * and the exact addresses of the others (other networks, or a class not enforced). Cached:
   * every class of the network asks the same question of every other class.
   */
  private split(otherId: string, network: string, identity: Set<string>, f: Family) {
    let perKey = this.splitCache.get(otherId);
    if (!perKey) this.splitCache.set(otherId, (perKey = new Map()));
    const key = `${network}|${f}`;
    const hit = perKey.get(key);
    if (hit) return hit;
    const members = this.cls.byId.get(otherId)?.members ?? [];
    let value: { inNetwork: boolean; elsewhere: AddressSet };
    if (!identity.has(otherId)) value = { inNetwork: false, elsewhere: this.allOf(otherId, members, f) };
    else {
      const rest = members.filter((w) => w.network !== network);
      value = {
        inNetwork: rest.length < members.length,
        elsewhere: AddressSet.fromRanges(
          f,
          rest.flatMap((w) => points(w, f)),
        ),
      };
    }
    perKey.set(key, value);
    return value;
  }

  private allOf(id: string, members: readonly Workload[], f: Family): AddressSet {
    const key = `${id}|${f}`;
    let set = this.allCache.get(key);
    if (!set) {
      set = AddressSet.fromRanges(
        f,
        members.flatMap((w) => points(w, f)),
      );
      this.allCache.set(key, set);
    }
    return set;
  }

  /** One identity entry per class with the ports common to every family; the rest by address. */
  private identityEntries(
    self: WorkloadClass,
    identityPorts: Map<string, Map<Family, PortSet>>,
    network: string,
  ): ReachEntry[] {
    const out: ReachEntry[] = [];
    for (const [classId, perFamily] of identityPorts) {
      const cls = this.cls.byId.get(classId)!;
      // Only families both ends have matter: there is no IPv6 flow to or from an IPv4-only class.
      const families = FAMILIES.filter((f) => cls.region[f] && self.region[f]);
      const common = families.reduce((acc, f) => acc.intersect(perFamily.get(f) ?? PortSet.empty()), PortSet.all());
      if (!common.isEmpty()) out.push({ peer: { kind: 'class', classId }, ports: common });
      for (const [f, ports] of perFamily) {
        const rest = ports.subtract(common);
        if (rest.isEmpty()) continue;
        const members = cls.members.filter((w) => w.network === network);
        out.push({
          peer: {
            kind: 'addresses',
            family: f,
            set: AddressSet.fromRanges(
              f,
              members.flatMap((w) => points(w, f)),
            ),
            classId,
          },
          ports: rest,
        });
      }
    }
    return out;
  }

  private regionEntries(regionPorts: Map<string, PortSet>, f: Family, carve: AddressSet): ReachEntry[] {
    const groups = new Map<string, { ports: PortSet; set: AddressSet }>();
    for (const region of this.regions[f].regions.values()) {
      const ports = regionPorts.get(region.key)!;
      if (ports.isEmpty()) continue;
      const g = groups.get(ports.key());
      groups.set(ports.key(), { ports, set: g ? g.set.union(region.set) : region.set });
    }
    return [...groups.values()]
      .map((g) => ({ ports: g.ports, set: g.set.subtract(carve) }))
      .filter((g) => !g.set.isEmpty())
      .map((g) => ({ peer: { kind: 'addresses', family: f, set: g.set }, ports: g.ports }));
  }

  /** P(self ↔ region) for every region of the family: few regions, asked for by every class pair. */
  private regionPorts(dir: Direction, selfMasks: Masks, f: Family): Map<string, PortSet> {
    const out = new Map<string, PortSet>();
    for (const region of this.regions[f].regions.values()) {
      out.set(
        region.key,
        this.portsOf(dir, selfMasks, this.masks({ key: `r:${region.key}|${f}`, atoms: region.atoms })),
      );
    }
    return out;
  }

  /** Every class with an address of the family, with its rule masks and the rule index: built once per family. */
  private familyTable(f: Family): FamilyTable {
    let table = this.tables.get(f);
    if (!table) {
      const rows = this.cls.classes
        .filter((c) => c.region[f])
        .map((c) => ({ id: c.id, regionKey: c.region[f]!.key, masks: this.classMasks(c, f) }));
      const fromRows = this.rules.map((): number[] => []);
      const toRows = this.rules.map((): number[] => []);
      const byRegion = new Map<string, number[]>();
      rows.forEach((row, i) => {
        for (const [mask, index] of [
          [row.masks.from, fromRows],
          [row.masks.to, toRows],
        ] as const) {
          for (let w = 0; w < mask.length; w++) {
            let bits = mask[w]!;
            while (bits !== 0) {
              const bit = 31 - Math.clz32(bits);
              bits &= ~(1 << bit);
              index[w * 32 + bit]!.push(i);
            }
          }
        }
        const list = byRegion.get(row.regionKey);
        if (list) list.push(i);
        else byRegion.set(row.regionKey, [i]);
      });
      table = { rows, fromRows, toRows, byRegion };
      this.tables.set(f, table);
    }
    return table;
  }

  /**
   * P(src → dst) for ingress (self is dst) or egress (self is src). Each party's matching rules
   * are bitsets computed once, so a pair costs an AND over the rule words instead of evaluating
   * every selector again (classes² × rules would dominate at scale), and a pair that shares no
   * rule allocates nothing.
   */
  private portsOf(dir: 'ingress' | 'egress', self: Masks, other: Masks): PortSet {
    const [from, to] = dir === 'ingress' ? [other.from, self.to] : [self.from, other.to];
    const matched: number[] = [];
    for (let w = 0; w < from.length; w++) {
      let bits = from[w]! & to[w]!;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits);
        bits &= ~(1 << bit);
        matched.push(w * 32 + bit);
      }
    }
    return this.portsFor(matched.length === 0 ? undefined : matched, dir === 'egress' && this.egressOpen);
  }

  /** The ports of a combination of matched rules (allow − deny; egress open starts from all). */
  private portsFor(matched: number[] | undefined, egressOpen: boolean): PortSet {
    if (!matched) return egressOpen ? PortSet.all() : PortSet.empty();
    // Many pairs match the very same rules; build each distinct combination's set once.
    const key = `${egressOpen ? 'o' : 'c'}${[...matched].sort((a, b) => a - b).join(',')}`;
    const hit = this.combos.get(key);
    if (hit) return hit;
    const allow = PortSet.fromSpecs(
      matched.filter((i) => this.rules[i]!.rule.action === 'allow').flatMap((i) => this.rules[i]!.rule.ports),
    );
    const deny = PortSet.fromSpecs(
      matched.filter((i) => this.rules[i]!.rule.action === 'deny').flatMap((i) => this.rules[i]!.rule.ports),
    );
    const result = (egressOpen ? PortSet.all() : allow).subtract(deny);
    this.combos.set(key, result);
    return result;
  }

  /** A class's rule masks in one family: its selectors (from classify) and its region's atoms, by index lookup. */
  private classMasks(c: WorkloadClass, f: Family): Masks {
    const key = `c:${c.id}|${f}`;
    const hit = this.maskCache.get(key);
    if (hit) return hit;
    const words = Math.ceil(this.rules.length / 32);
    const masks = { from: new Uint32Array(words), to: new Uint32Array(words) };
    const set = (e: { from: number[]; to: number[] } | undefined) => {
      if (!e) return;
      for (const i of e.from) masks.from[i >> 5]! |= 1 << (i & 31);
      for (const i of e.to) masks.to[i >> 5]! |= 1 << (i & 31);
    };
    for (const text of c.selectors) set(this.bySelector.get(text));
    for (const atom of c.region[f]!.atoms) set(this.byAtom.get(atom));
    this.maskCache.set(key, masks);
    return masks;
  }

  private masks(party: Party): Masks {
    const hit = this.maskCache.get(party.key);
    if (hit) return hit;
    const words = Math.ceil(this.rules.length / 32);
    const masks = { from: new Uint32Array(words), to: new Uint32Array(words) };
    this.rules.forEach((r, i) => {
      if (peerMatches(r.rule.from, r.fromExternals, party)) masks.from[i >> 5]! |= 1 << (i & 31);
      if (peerMatches(r.rule.to, r.toExternals, party)) masks.to[i >> 5]! |= 1 << (i & 31);
    });
    this.maskCache.set(party.key, masks);
    return masks;
  }
}

function peerMatches(peer: Peer, externals: string[], party: Party): boolean {
  switch (peer.kind) {
    case 'cidrs':
      return party.atoms.has(cidrsAtomName(peer.cidrs, peer.except));
    case 'external':
      return party.atoms.has(`external:${peer.name}`);
    default:
      return (
        (party.labels !== undefined && selectorMatches(peer.selector, party.labels)) ||
        externals.some((e) => party.atoms.has(e))
      );
  }
}

/**
 * Every address of the workload in family `f` (all attachments), each as a one-address range.
 * Class membership is by labels, so a secondary ENI/NIC address belongs to the class too.
 */
const pointsCache = new WeakMap<Workload, Partial<Record<Family, Array<readonly [bigint, bigint]>>>>();

function points(w: Workload, f: Family): Array<readonly [bigint, bigint]> {
  let perFamily = pointsCache.get(w);
  if (!perFamily) pointsCache.set(w, (perFamily = {}));
  return (perFamily[f] ??= parsePoints(w, f));
}

function parsePoints(w: Workload, f: Family): Array<readonly [bigint, bigint]> {
  const out: Array<readonly [bigint, bigint]> = [];
  for (const text of new Set([...w.addresses, ...w.attachments.flatMap((a) => a.addresses)])) {
    const p = parseAddress(text);
    if (p.ok && p.value.family === f) out.push([p.value.value, p.value.value]);
  }
  return out;
}

function sortEntries(entries: ReachEntry[]): ReachEntry[] {
  // Address sets order by their range count and first address: a function of content, cheap.
  const key = (e: ReachEntry) =>
    (e.peer.kind === 'class'
      ? `0|${e.peer.classId}`
      : `1|${e.peer.family}|${e.peer.classId ?? ''}|${e.peer.set.ranges().length}|${String(e.peer.set.ranges()[0]?.[0] ?? '')}`) +
    `|${e.ports.key()}`;
  return entries
    .map((e) => [key(e), e] as const)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, e]) => e);
}

export type { Region, WorkloadClass };
