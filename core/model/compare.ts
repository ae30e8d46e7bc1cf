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
