/**
 * The rule index: which policy rules can match one end of a flow, as bitsets over `policy.rules`
 * (bit i = rule i), so a flow costs an AND over a few words instead of a scan of every rule.
 * Pure: built from a policy, no I/O; the caches live in one index, never in the module.
 *
 * A rule side (`from` or `to`) matches an end through its labels (segment and selector peers) or
 * through its address (`cidrs` and `external` peers, and selector peers via the externals they
 * select), exactly as intent.ts states it. Both parts are memoised:
 * - labels: by their content after `restrictLabels` (own keys and string values), so the 100k
 *   workloads of an estate cost one evaluation of each distinct selector per distinct label set;
 * - addresses: every CIDR (and `except` CIDR) bound of every address peer cuts a family into
 *   elementary intervals; inside one interval every CIDR either contains all addresses or none,
 *   so every address peer answers alike and one mask per interval is exact (found by binary search).
 *
 * The index assumes the policy is not mutated while it is used (as prepareAws assumes of state).
 */
import { cidrContains, cidrRange, type Cidr, type Family } from '../model/address.ts';
import { compareStrings, partitionPoint } from '../model/compare.ts';
import type { Labels } from '../model/cloud.ts';
import type { Protocol } from '../model/ports.ts';
import { restrictLabels } from './labels.ts';
import { selectorMatches, type Selector } from './selector/index.ts';
import type { Peer, Policy, Rule } from './types.ts';

/** Which rules' `from` and `to` sides match one end, as bitsets over policy.rules. */
export interface Masks {
  from: Uint32Array;
  to: Uint32Array;
}

/** An end of a flow as rules see it: its masks, and a small id for pair memos. */
export interface Party extends Masks {
  id: number;
}

/** A label set as the policy sees it (restricted to the policy's keys), with its rule masks. */
export interface LabelEntry extends Masks {
  /** Interned id (same content, same id); -1 for label sets not memoised (non-string values). */
  id: number;
  labels: Labels;
}

/** An address predicate of the policy (an external, one rule side's `cidrs`) and the rule sides it feeds. */
interface AddressAtom {
  cidrs: readonly Cidr[];
  except: readonly Cidr[];
  from: number[];
  to: number[];
}

/** The rules a (protocol, port) can match, as a bitset; `id` numbers the distinct (protocol, port) asked. */
export interface PortMask {
  id: number;
  mask: Uint32Array;
}

/** Cap on memoised rule pairs: verify walks millions of flows, a few thousand parties. */
const PAIR_MEMO_LIMIT = 250_000;

export class RuleIndex {
  readonly rules: readonly Rule[];
  /** Uint32 words per mask. */
  readonly words: number;
  private readonly selectors: Array<{ selector: Selector; from: number[]; to: number[] }>;
  private readonly atoms: AddressAtom[];
  private readonly bounds: Record<Family, bigint[]>;
  private readonly intervals: Record<Family, Map<number, Masks>> = { ipv4: new Map(), ipv6: new Map() };
  private readonly noAddress: Masks;
  private readonly labelIds = new Map<string, LabelEntry>();
  private readonly frozenLabels = new WeakMap<Labels, LabelEntry>();
  private readonly parties = new Map<string, Party>();
  private readonly portMasks = new Map<string, PortMask>();
  private readonly pairs = new Map<number, Map<number, readonly number[]>>();
  private pairCount = 0;

  constructor(private readonly policy: Policy) {
    this.rules = policy.rules;
    this.words = Math.ceil(policy.rules.length / 32);
    this.noAddress = this.emptyMasks();
    const selectors = new Map<Selector, { selector: Selector; from: number[]; to: number[] }>();
    const externalAtoms = policy.externals.map((e): AddressAtom => ({
      cidrs: e.cidrs,
      except: e.except,
      from: [],
      to: [],
    }));
    this.atoms = [...externalAtoms];
    policy.rules.forEach((rule, i) => {
      for (const side of ['from', 'to'] as const) {
        const peer: Peer = rule[side];
        switch (peer.kind) {
          case 'cidrs':
            this.atoms.push({ cidrs: peer.cidrs, except: peer.except, from: [], to: [] });
            this.atoms[this.atoms.length - 1]![side].push(i);
            break;
          case 'external': {
            // The first external of that name, as the oracle's `find` picks it; none matches nothing.
            const at = policy.externals.findIndex((e) => e.name === peer.name);
            if (at >= 0) externalAtoms[at]![side].push(i);
            break;
          }
          case 'segment':
          case 'selector': {
            let entry = selectors.get(peer.selector);
            if (!entry) selectors.set(peer.selector, (entry = { selector: peer.selector, from: [], to: [] }));
            entry[side].push(i);
            policy.externals.forEach((e, at) => {
              if (selectorMatches(peer.selector, e.labels)) externalAtoms[at]![side].push(i);
            });
            break;
          }
        }
      }
    });
    this.selectors = [...selectors.values()];
    this.bounds = { ipv4: this.boundsOf('ipv4'), ipv6: this.boundsOf('ipv6') };
  }

  /** The label entry of a workload's labels (restricted to the policy's keys), memoised by content. */
  labels(raw: Labels): LabelEntry {
    const frozen = Object.isFrozen(raw);
    if (frozen) {
      const hit = this.frozenLabels.get(raw);
      if (hit) return hit;
    }
    const labels = restrictLabels(raw, this.policy.labelKeys);
    const key = labelKey(labels);
    let entry = key === undefined ? undefined : this.labelIds.get(key);
    if (!entry) {
      entry = { id: key === undefined ? -1 : this.labelIds.size, labels, ...this.labelMasks(labels) };
      if (key !== undefined) this.labelIds.set(key, entry);
    }
    if (frozen) this.frozenLabels.set(raw, entry);
    return entry;
  }

  /** The party of one end: its labels (absent for a bare address) and its address (absent: none). */
  party(labels: LabelEntry | undefined, family: Family | undefined, value: bigint | undefined): Party {
    const interval = family === undefined || value === undefined ? -1 : upperBound(this.bounds[family], value);
    const addressKey = interval < 0 ? '-' : `${family}${interval}`;
    if (labels?.id === -1) return { id: -1, ...this.combine(labels, this.addressMasks(family, value, interval)) };
    const key = `${labels === undefined ? '' : labels.id}|${addressKey}`;
    let party = this.parties.get(key);
    if (!party) {
      party = { id: this.parties.size, ...this.combine(labels, this.addressMasks(family, value, interval)) };
      this.parties.set(key, party);
    }
    return party;
  }

  /**
   * Indices (ascending, i.e. policy order) of the rules whose `from` matches `src` and whose `to`
   * matches `dst`, whatever the ports; memoised per party pair.
   */
  pairRules(src: Party, dst: Party): readonly number[] {
    if (src.id < 0 || dst.id < 0) return this.and(src.from, dst.to);
    let row = this.pairs.get(src.id);
    const hit = row?.get(dst.id);
    if (hit) return hit;
    if (this.pairCount >= PAIR_MEMO_LIMIT) {
      this.pairs.clear();
      this.pairCount = 0;
      row = undefined;
    }
    if (!row) this.pairs.set(src.id, (row = new Map()));
    const rules = this.and(src.from, dst.to);
    row.set(dst.id, rules);
    this.pairCount++;
    return rules;
  }

  /** The rules with some port spec that covers (protocol, port), and an id for that (protocol, port). */
  ports(protocol: Protocol, port: number | undefined): PortMask {
    const key = `${protocol}/${port ?? ''}`;
    let entry = this.portMasks.get(key);
    if (!entry) {
      const mask = new Uint32Array(this.words);
      this.rules.forEach((r, i) => {
        if (r.ports.some((spec) => portMatches(spec, protocol, port))) mask[i >> 5]! |= 1 << (i & 31);
      });
      this.portMasks.set(key, (entry = { id: this.portMasks.size, mask }));
    }
    return entry;
  }

  private labelMasks(labels: Labels): Masks {
    const masks = this.emptyMasks();
    for (const s of this.selectors) {
      if (!selectorMatches(s.selector, labels)) continue;
      for (const i of s.from) masks.from[i >> 5]! |= 1 << (i & 31);
      for (const i of s.to) masks.to[i >> 5]! |= 1 << (i & 31);
    }
    return masks;
  }

  /** Masks of the interval `value` falls in; computed from the first address seen there. */
  private addressMasks(family: Family | undefined, value: bigint | undefined, interval: number): Masks {
    if (family === undefined || value === undefined || interval < 0) return this.noAddress;
    const cache = this.intervals[family];
    let masks = cache.get(interval);
    if (!masks) {
      masks = this.emptyMasks();
      for (const atom of this.atoms) {
        if (!inCidrs(atom.cidrs, family, value) || inCidrs(atom.except, family, value)) continue;
        for (const i of atom.from) masks.from[i >> 5]! |= 1 << (i & 31);
        for (const i of atom.to) masks.to[i >> 5]! |= 1 << (i & 31);
      }
      cache.set(interval, masks);
    }
    return masks;
  }

  /** Sorted distinct interval starts: each CIDR's first address and the one after its last. */
  private boundsOf(family: Family): bigint[] {
    const set = new Set<bigint>();
    for (const atom of this.atoms) {
      for (const c of [...atom.cidrs, ...atom.except]) {
        if (c.family !== family) continue;
        const [lo, hi] = cidrRange(c);
        set.add(lo);
        set.add(hi + 1n);
      }
    }
    return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private combine(labels: Masks | undefined, address: Masks): Masks {
    if (!labels) return address;
    const masks = this.emptyMasks();
    for (let w = 0; w < this.words; w++) {
      masks.from[w] = labels.from[w]! | address.from[w]!;
      masks.to[w] = labels.to[w]! | address.to[w]!;
    }
    return masks;
  }

  private and(a: Uint32Array, b: Uint32Array): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.words; w++) {
      let bits = a[w]! & b[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        out.push(w * 32 + 31 - Math.clz32(low));
        bits ^= low;
      }
    }
    return out;
  }

  private emptyMasks(): Masks {
    return { from: new Uint32Array(this.words), to: new Uint32Array(this.words) };
  }
}

/** Is bit `i` set in `mask`? */
export function hasBit(mask: Uint32Array, i: number): boolean {
  return (mask[i >> 5]! & (1 << (i & 31))) !== 0;
}

/** Same spec semantics as intent.ts: the flow's protocol, and its port inside a tcp/udp range. */
function portMatches(spec: Rule['ports'][number], protocol: Protocol, port: number | undefined): boolean {
  if (spec.protocol === 'any') return true;
  if (spec.protocol !== protocol) return false;
  if (spec.protocol === 'icmp') return true;
  return port !== undefined && port >= spec.from && port <= spec.to;
}

function inCidrs(cidrs: readonly Cidr[], family: Family, value: bigint): boolean {
  return cidrs.some((c) => cidrContains(c, family, value));
}

/** Number of bounds ≤ value: the elementary interval of `value` (0 = before the first bound). */
function upperBound(bounds: readonly bigint[], value: bigint): number {
  return partitionPoint(bounds.length, (i) => bounds[i]! <= value);
}

/**
 * A label set's identity for selectors, which read own keys and compare values with ===: its own
 * keys, sorted, with their values. Undefined (no memo) when some value is not a string.
 */
function labelKey(labels: Labels): string | undefined {
  const keys = Object.getOwnPropertyNames(labels).sort(compareStrings);
  const parts: string[] = [];
  for (const k of keys) {
    const v: unknown = labels[k];
    if (typeof v !== 'string') return undefined;
    parts.push(k, v);
  }
  return JSON.stringify(parts);
}
