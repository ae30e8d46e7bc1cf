/**
 * Sandbox persistence (DESIGN.md §7 `--state FILE`): the clouds' internal state as plain JSON
 * data and back. Maps and Sets keep their insertion order (tagged `$map` / `$set`), so a restored
 * sandbox lists, numbers and snapshots exactly as the one that was saved.
 */

/** A deep copy of `value` as JSON-ready data: Maps → `{ $map: [[k, v], …] }`, Sets → `{ $set: […] }`. */
export function toData(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [toData(k), toData(v)]) };
  if (value instanceof Set) return { $set: [...value].map(toData) };
  if (Array.isArray(value)) return value.map(toData);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toData(v);
    return out;
  }
  return value;
}

/** The inverse of `toData`. */
export function fromData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromData);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$map' && Array.isArray(o.$map))
      return new Map((o.$map as [unknown, unknown][]).map(([k, v]) => [fromData(k), fromData(v)]));
    if (keys.length === 1 && keys[0] === '$set' && Array.isArray(o.$set)) return new Set(o.$set.map(fromData));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = fromData(v);
    return out;
  }
  return value;
}

/** One sandbox cloud's `dump()`: JSON data, opaque to callers (only its `restore` reads it). */
export type CloudDump = Record<string, unknown>;
