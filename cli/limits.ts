/**
 * `--limit cloud.key=N`: a raised (or lowered) quota, for the compiler and planner to fit within
 * and for the sandbox clouds to enforce. Keys are the budget fields of core/model/budgets.ts.
 */
import { DEFAULT_BUDGETS, type CompileContext } from '../core/model/budgets.ts';

export type Limits = NonNullable<CompileContext['limits']>;

/** Every settable key, `cloud.field`, with its default. */
export const LIMIT_KEYS: ReadonlyMap<string, number> = new Map(
  Object.entries(DEFAULT_BUDGETS).flatMap(([cloud, fields]) =>
    Object.entries(fields).map(([field, value]): [string, number] => [`${cloud}.${field}`, value]),
  ),
);

/** Parses every `--limit` value; all problems at once, each a full sentence. */
export function parseLimits(values: readonly string[]): { limits: Limits; problems: string[] } {
  const limits: Record<string, Record<string, number>> = {};
  const problems: string[] = [];
  for (const text of values) {
    const eq = text.indexOf('=');
    if (eq < 0) {
      problems.push(`--limit ${text}: write KEY=VALUE, e.g. aws.groupsPerInterface=16`);
      continue;
    }
    const name = text.slice(0, eq).trim();
    const value = text.slice(eq + 1).trim();
    if (!LIMIT_KEYS.has(name)) {
      const near = closest(name, [...LIMIT_KEYS.keys()]);
      problems.push(
        `--limit ${text}: unknown limit "${name}"` +
          (near ? `; did you mean "${near}"?` : `; one of ${[...LIMIT_KEYS.keys()].join(', ')}`),
      );
      continue;
    }
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      problems.push(`--limit ${text}: "${value}" is not a positive integer`);
      continue;
    }
    const [cloud, field] = name.split('.') as [string, string];
    (limits[cloud] ??= {})[field] = Number(value);
  }
  return { limits: limits as Limits, problems };
}

/** The candidate a person most likely meant (case-insensitive, or within a few edits), if any. */
function closest(text: string, candidates: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  const field = candidates.filter((c) => c.toLowerCase().endsWith(`.${lower}`));
  if (field.length === 1) return field[0];
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(text.length / 4)) ? best.c : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
