/**
 * Which of many selectors select one label map, without evaluating all of them: a selector that
 * needs `k == 'v'` (or `k in {…}`) to hold can only match a label map with one of those values,
 * so it is filed under each (k, v) and only looked at for label maps that have one. Selectors
 * with no such requirement are evaluated every time. Pure; the answer is exactly
 * `selectors.filter((s) => selectorMatches(s, labels))`, as indices in the given order.
 */
import type { Selector } from './ast.ts';
import { selectorMatches } from './match.ts';

type Labels = Readonly<Record<string, string>>;

export class SelectorIndex {
  private readonly byKeyValue = new Map<string, Map<string, number[]>>();
  private readonly always: number[] = [];

  constructor(private readonly selectors: readonly Selector[]) {
    selectors.forEach((s, i) => {
      const need = requirement(s);
      if (!need) {
        this.always.push(i);
        return;
      }
      let byValue = this.byKeyValue.get(need.key);
      if (!byValue) this.byKeyValue.set(need.key, (byValue = new Map()));
      for (const v of need.values) {
        const list = byValue.get(v);
        if (list) list.push(i);
        else byValue.set(v, [i]);
      }
    });
  }

  /** Indices of the selectors that select `labels`, ascending. */
  matching(labels: Labels): number[] {
    const candidates = [...this.always];
    for (const [key, byValue] of this.byKeyValue) {
      if (!Object.hasOwn(labels, key)) continue;
      const list = byValue.get(labels[key]!);
      if (list) candidates.push(...list);
    }
    candidates.sort((a, b) => a - b);
    const out: number[] = [];
    let last = -1;
    for (const i of candidates) {
      if (i === last) continue;
      last = i;
      if (selectorMatches(this.selectors[i]!, labels)) out.push(i);
    }
    return out;
  }
}

/** A key and the values one of which it must have for `s` to match; undefined when there is none. */
function requirement(s: Selector): { key: string; values: readonly string[] } | undefined {
  switch (s.op) {
    case 'eq':
      return { key: s.key, values: [s.value] };
    case 'in':
      return { key: s.key, values: s.values };
    case 'and':
      for (const a of s.args) {
        const r = requirement(a);
        if (r) return r;
      }
      return undefined;
    default:
      return undefined;
  }
}
