/**
 * Address regions: the policy's CIDRs (externals and `cidrs` peers) cut each address family into
 * elementary intervals; addresses inside the same set of policy CIDRs are indistinguishable to
 * every rule, so they form one region. An atom's `except` CIDRs are carved out exactly here, so
 * every region (and every cloud's translation of it) already excludes them. Pure.
 */
import { compareStrings } from '../model/compare.ts';
import { AddressSet, type Cidr, type Family } from '../model/address.ts';
import type { Policy } from '../policy/types.ts';

/** A named address predicate the policy uses: an external, or one rule side's `cidrs`; `except` is carved out. */
export interface Atom {
  name: string;
  cidrs: Cidr[];
  except: Cidr[];
}

export interface Region {
  /** Sorted atom names whose CIDRs contain this region; '' for addresses in none. */
  key: string;
  atoms: ReadonlySet<string>;
  set: AddressSet;
}

export interface RegionMap {
  family: Family;
  regions: Map<string, Region>;
  /** Region of one address (binary search over elementary intervals). */
  regionOf(value: bigint): Region;
}

export function policyAtoms(policy: Policy): Atom[] {
  const atoms = new Map<string, Atom>();
  for (const e of policy.externals)
    atoms.set(`external:${e.name}`, { name: `external:${e.name}`, cidrs: e.cidrs, except: e.except });
  for (const r of policy.rules) {
    for (const peer of [r.from, r.to]) {
      if (peer.kind === 'cidrs') {
        const name = cidrsAtomName(peer.cidrs, peer.except);
        atoms.set(name, { name, cidrs: peer.cidrs, except: peer.except });
      }
    }
  }
  return [...atoms.values()].sort((a, b) => compareStrings(a.name, b.name));
}

/** `cidrs:<sorted cidrs>`, plus `-<sorted except>` when there is an except (so old names are unchanged). */
export function cidrsAtomName(cidrs: readonly Cidr[], except: readonly Cidr[] = []): string {
  const text = (list: readonly Cidr[]) =>
    list
      .map((c) => `${c.family}/${c.base.toString(16)}/${c.prefix}`)
      .sort()
      .join(',');
  return `cidrs:${text(cidrs)}${except.length > 0 ? `-${text(except)}` : ''}`;
}

/** The exact addresses of an atom in one family: its CIDRs minus its `except` CIDRs. */
export function atomSet(atom: Pick<Atom, 'cidrs' | 'except'>, family: Family): AddressSet {
  return AddressSet.fromCidrs(family, atom.cidrs).subtract(AddressSet.fromCidrs(family, atom.except));
}

/** Sweep over atom boundaries: O(n log n) in the number of atom ranges. */
export function buildRegions(atoms: readonly Atom[], family: Family): RegionMap {
  const events = new Map<bigint, { add: string[]; remove: string[] }>();
  const at = (x: bigint) => {
    let e = events.get(x);
    if (!e) events.set(x, (e = { add: [], remove: [] }));
    return e;
  };
  at(0n);
  for (const atom of atoms) {
    for (const [lo, hi] of atomSet(atom, family).ranges()) {
      at(lo).add.push(atom.name);
      at(hi + 1n).remove.push(atom.name);
    }
  }
  const max = AddressSet.all(family).ranges()[0]![1];
  const points = [...events.keys()].filter((p) => p <= max).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const active = new Map<string, number>();
  const starts: bigint[] = [];
  const keys: string[] = [];
  const rangesByKey = new Map<string, Array<readonly [bigint, bigint]>>();
  points.forEach((p, i) => {
    const ev = events.get(p)!;
    for (const n of ev.remove) active.set(n, (active.get(n) ?? 0) - 1);
    for (const n of ev.add) active.set(n, (active.get(n) ?? 0) + 1);
    const key = [...active.entries()]
      .filter(([, c]) => c > 0)
      .map(([n]) => n)
      .sort()
      .join('|');
    const end = i + 1 < points.length ? points[i + 1]! - 1n : max;
    starts.push(p);
    keys.push(key);
    const list = rangesByKey.get(key) ?? [];
    list.push([p, end]);
    rangesByKey.set(key, list);
  });
  const regions = new Map<string, Region>();
  for (const [key, ranges] of rangesByKey) {
    regions.set(key, {
      key,
      atoms: new Set(key === '' ? [] : key.split('|')),
      set: AddressSet.fromRanges(family, ranges),
    });
  }
  return {
    family,
    regions,
    regionOf(value: bigint): Region {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= value) lo = mid;
        else hi = mid - 1;
      }
      return regions.get(keys[lo]!)!;
    },
  };
}
