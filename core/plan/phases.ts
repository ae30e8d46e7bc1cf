/**
 * The one place that orders steps by phase (STYLE G5, DESIGN.md §3 make-before-break):
 * create → authorize → membership → revoke → delete. Pure.
 *
 * The sort is stable: each planner decides the order INSIDE a phase (AWS grows a prefix list
 * before it adds entries, Azure joins ASGs before it sets NICs, GCP sorts by target), and that
 * order is part of make-before-break, so this helper must never reorder within a phase.
 */
import { PHASES, type Phase } from './step-base.ts';

const RANK: Readonly<Record<Phase, number>> = Object.fromEntries(PHASES.map((p, i) => [p, i])) as Record<Phase, number>;

/**
 * Steps in phase order, the input order kept within a phase.
 * @example orderByPhase([{ phase: 'delete' }, { phase: 'create' }]); // [{ phase: 'create' }, { phase: 'delete' }]
 */
export function orderByPhase<T extends { phase: Phase }>(steps: readonly T[]): T[] {
  return steps
    .map((s, i) => [s, i] as const)
    .sort(([a, i], [b, j]) => RANK[a.phase] - RANK[b.phase] || i - j)
    .map(([s]) => s);
}

/** Steps collected per phase by a planner that builds them phase by phase (Azure). */
export type Phased<T> = Record<Phase, T[]>;

export function emptyPhased<T>(): Phased<T> {
  return { create: [], authorize: [], membership: [], revoke: [], delete: [] };
}
