/**
 * The one comparator family for deterministic output (STYLE G6). Pure.
 *
 * Strings compare by UTF-16 code unit, never by `localeCompare`: a locale-aware order depends on
 * the machine's ICU data and locale, so the same input could sort differently on two hosts and
 * the plan, the native state and the reports would stop being a function of the input set.
 * Lint forbids `localeCompare` in core/ (eslint.config.js).
 */

/** Code-unit order: deterministic whatever the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric order for numbers or bigints (a bigint difference cannot be returned as a comparator result). */
export function compareNumbers<T extends number | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A comparator on a derived key (string by code unit, number numerically).
 * @example items.sort(by((i) => i.name));
 */
export function by<T>(key: (item: T) => string | number): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return typeof ka === 'number' && typeof kb === 'number' ? ka - kb : compareStrings(String(ka), String(kb));
  };
}

/**
 * Binary search over a sorted list: the first index in [0, length) for which `before(i)` is false,
 * where `before` is true on a prefix of the list and false after it (length if it never turns).
 * @example partitionPoint(xs.length, (i) => xs[i]! < x); // first index with xs[i] >= x
 */
export function partitionPoint(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
