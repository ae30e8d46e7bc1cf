/**
 * Exact set algebra over sorted lists of inclusive integer ranges, shared by AddressSet
 * (bigint addresses) and PortSet (number ports). Pure: no I/O, no clock, no randomness.
 *
 * Invariant of every list this module returns (a "canonical" list): ranges are sorted by
 * start, each has lo <= hi, and consecutive ranges are disjoint AND non-adjacent
 * (next.lo > prev.hi + 1). Because of that, two canonical lists describe the same set iff they
 * are element-wise equal, which is what makes set equality and canonical keys cheap.
 *
 * Inputs to union/intersect/subtract must already be canonical; every operation is a single
 * linear merge (O(|a| + |b|)). Only `normalizeRanges` sorts (O(n log n)). Returned arrays and
 * their ranges are frozen so the immutable set classes can hand them out without copying.
 */
import { compareNumbers } from './compare.ts';

/** An inclusive range [lo, hi]. */
export type Range<T extends number | bigint> = readonly [T, T];

/** Successor/predecessor, the only arithmetic the algebra needs (so one code path serves both types). */
export interface Step<T extends number | bigint> {
  succ(x: T): T;
  pred(x: T): T;
}

export const BIGINT_STEP: Step<bigint> = { succ: (x) => x + 1n, pred: (x) => x - 1n };
export const NUMBER_STEP: Step<number> = { succ: (x) => x + 1, pred: (x) => x - 1 };

const freeze = <T extends number | bigint>(out: Array<Range<T>>): ReadonlyArray<Range<T>> => Object.freeze(out);
const range = <T extends number | bigint>(lo: T, hi: T): Range<T> => Object.freeze([lo, hi] as const);

/**
 * Sort and merge arbitrary ranges (any order, overlapping, adjacent) into a canonical list.
 *
 * @example
 * normalizeRanges([[5, 9], [0, 2], [3, 4]], NUMBER_STEP); // [[0, 9]]
 */
export function normalizeRanges<T extends number | bigint>(
  ranges: Iterable<Range<T>>,
  step: Step<T>,
): ReadonlyArray<Range<T>> {
  const sorted = [...ranges].sort((a, b) => compareNumbers(a[0], b[0]));
  return coalesceSorted(sorted, step);
}

/** Merge a list already sorted by start; overlapping or adjacent neighbours become one range. */
function coalesceSorted<T extends number | bigint>(
  sorted: ReadonlyArray<Range<T>>,
  step: Step<T>,
): ReadonlyArray<Range<T>> {
  const out: Array<Range<T>> = [];
  let cur: [T, T] | undefined;
  for (const [lo, hi] of sorted) {
    if (cur !== undefined && lo <= step.succ(cur[1])) {
      if (hi > cur[1]) cur[1] = hi;
      continue;
    }
    if (cur !== undefined) out.push(range(cur[0], cur[1]));
    cur = [lo, hi];
  }
  if (cur !== undefined) out.push(range(cur[0], cur[1]));
  return freeze(out);
}

/**
 * Union of two canonical lists: a linear merge by start, then coalescing.
 *
 * @example
 * unionRanges([[0, 4]], [[5, 9]], NUMBER_STEP); // [[0, 9]] (adjacent ranges merge)
 */
export function unionRanges<T extends number | bigint>(
  a: ReadonlyArray<Range<T>>,
  b: ReadonlyArray<Range<T>>,
  step: Step<T>,
): ReadonlyArray<Range<T>> {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const merged: Array<Range<T>> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x[0] <= y[0])) {
      merged.push(x as Range<T>);
      i++;
    } else {
      merged.push(y);
      j++;
    }
  }
  return coalesceSorted(merged, step);
}

/**
 * Intersection of two canonical lists (two pointers; the result is canonical because pieces of
 * a canonical list are separated by gaps of the other operand's ranges or its own gaps).
 *
 * @example
 * intersectRanges([[0, 10]], [[5, 20]]); // [[5, 10]]
 */
export function intersectRanges<T extends number | bigint>(
  a: ReadonlyArray<Range<T>>,
  b: ReadonlyArray<Range<T>>,
): ReadonlyArray<Range<T>> {
  const out: Array<Range<T>> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i] as Range<T>;
    const [blo, bhi] = b[j] as Range<T>;
    const lo = alo > blo ? alo : blo;
    const hi = ahi < bhi ? ahi : bhi;
    if (lo <= hi) out.push(range(lo, hi));
    // Advance whichever range ends first: it cannot meet anything further in the other list.
    if (ahi < bhi) i++;
    else j++;
  }
  return freeze(out);
}

/**
 * Difference a \ b of two canonical lists, in one pass over both.
 *
 * @example
 * subtractRanges([[0, 65535]], [[22, 22]], NUMBER_STEP); // [[0, 21], [23, 65535]]
 */
export function subtractRanges<T extends number | bigint>(
  a: ReadonlyArray<Range<T>>,
  b: ReadonlyArray<Range<T>>,
  step: Step<T>,
): ReadonlyArray<Range<T>> {
  if (a.length === 0 || b.length === 0) return a;
  const out: Array<Range<T>> = [];
  let j = 0;
  for (const [alo, ahi] of a) {
    let lo = alo;
    // Skip b ranges entirely before this a range; they cannot affect later a ranges either.
    while (j < b.length && (b[j] as Range<T>)[1] < lo) j++;
    let k = j;
    while (k < b.length && lo <= ahi) {
      const [blo, bhi] = b[k] as Range<T>;
      if (blo > ahi) break;
      if (blo > lo) out.push(range(lo, step.pred(blo)));
      if (bhi >= ahi) {
        lo = step.succ(ahi); // a range fully consumed; succ keeps lo > ahi as the "done" marker
        break;
      }
      lo = step.succ(bhi);
      k++;
    }
    if (lo <= ahi) out.push(range(lo, ahi));
  }
  return freeze(out);
}

/**
 * Membership by binary search over a canonical list: O(log n).
 *
 * @example
 * rangesContain([[0, 4], [10, 12]], 11); // true
 */
export function rangesContain<T extends number | bigint>(ranges: ReadonlyArray<Range<T>>, x: T): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const [rlo, rhi] = ranges[mid] as Range<T>;
    if (x < rlo) hi = mid - 1;
    else if (x > rhi) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Equality of two canonical lists (element-wise, which is set equality by the invariant).
 *
 * @example
 * rangesEqual([[1, 2]], [[1, 2]]); // true
 */
export function rangesEqual<T extends number | bigint>(
  a: ReadonlyArray<Range<T>>,
  b: ReadonlyArray<Range<T>>,
): boolean {
  if (a.length !== b.length) return false;
  return a.every((r, i) => {
    const s = b[i] as Range<T>;
    return r[0] === s[0] && r[1] === s[1];
  });
}
