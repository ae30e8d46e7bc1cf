/**
 * How long `apply` takes at the documented rates: a pure function of the plan's steps and the rate
 * tables (rates-*.ts), shown by `segsync plan`. Model: the calls each step makes on the happy path
 * (table.stepCalls); per location, each category serves its calls from its bucket (full at the
 * start, refilling at the documented rate); categories of one location and all locations work in
 * parallel; phases are barriers, so a phase lasts as long as its slowest location, and buckets
 * keep refilling meanwhile. Latency, retries and conflicts are not modelled: it is the floor the
 * budgets impose, which is what dominates a large rollout.
 */
import { PHASES, type Phase } from '../../core/plan/step-base.ts';
import type { Step } from '../../core/plan/step.ts';
import type { Cloud } from '../../core/policy/labels.ts';
import type { ApplyEstimate, LocationEstimate } from '../../core/model/estimate.ts';
import { RATE_TABLES } from './paced-api.ts';
import type { RateTable } from './rates.ts';
import { locationOf } from './run.ts';

export type { ApplyEstimate, LocationEstimate };

function callCategories(table: RateTable, call: string): readonly string[] {
  const [method, variant] = call.split(':') as [string, string | undefined];
  const m = table.methods[method] ?? table.fallback;
  return variant === 'filtered' && m.filtered ? m.filtered.categories : m.categories;
}

/** @example estimateApply(plan.steps).seconds; // 2000 for 10,000 ENI moves in one account+Region */
export function estimateApply(
  steps: readonly Step[],
  tables: Readonly<Record<Cloud, RateTable>> = RATE_TABLES,
): ApplyEstimate {
  interface Loc {
    cloud: Cloud;
    scope: string;
    steps: number;
    calls: number;
    seconds: number;
    tokens: Map<string, number>;
    binding: Map<string, number>;
    perPhase: Map<Phase, Map<string, number>>;
  }
  const locs = new Map<string, Loc>();
  for (const step of steps) {
    const key = locationOf(step);
    let loc = locs.get(key);
    const table = tables[step.cloud];
    if (!loc) {
      loc = {
        cloud: step.cloud,
        scope: step.scope,
        steps: 0,
        calls: 0,
        seconds: 0,
        tokens: new Map(Object.entries(table.categories).map(([c, r]) => [c, r.capacity])),
        binding: new Map(),
        perPhase: new Map(),
      };
      locs.set(key, loc);
    }
    loc.steps += 1;
    let counts = loc.perPhase.get(step.phase);
    if (!counts) loc.perPhase.set(step.phase, (counts = new Map()));
    for (const call of table.stepCalls(step)) {
      loc.calls += 1;
      for (const c of callCategories(table, call)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  let total = 0;
  const phases: Array<{ phase: Phase; seconds: number }> = [];
  for (const phase of PHASES) {
    let longest = 0;
    const needs = new Map<Loc, number>();
    for (const loc of locs.values()) {
      const table = tables[loc.cloud];
      let t = 0;
      for (const [c, n] of loc.perPhase.get(phase) ?? []) {
        const rate = table.categories[c]!;
        const wait = Math.max(0, n - loc.tokens.get(c)!) / rate.refillPerSecond;
        if (wait > t) t = wait;
        if (wait > 0) loc.binding.set(c, (loc.binding.get(c) ?? 0) + wait);
      }
      needs.set(loc, t);
      loc.seconds += t;
      longest = Math.max(longest, t);
    }
    for (const loc of locs.values()) {
      const table = tables[loc.cloud];
      const counts = loc.perPhase.get(phase);
      for (const [c, rate] of Object.entries(table.categories)) {
        const used = counts?.get(c) ?? 0;
        loc.tokens.set(c, Math.min(rate.capacity, loc.tokens.get(c)! - used + longest * rate.refillPerSecond));
      }
    }
    if (longest > 0 || [...locs.values()].some((l) => l.perPhase.has(phase))) phases.push({ phase, seconds: longest });
    total += longest;
  }
  const locations: LocationEstimate[] = [...locs.values()]
    .map((l) => {
      const binding = [...l.binding.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      return {
        cloud: l.cloud,
        scope: l.scope,
        steps: l.steps,
        calls: l.calls,
        seconds: l.seconds,
        ...(binding !== undefined ? { limitedBy: binding } : {}),
      };
    })
    .sort((a, b) => b.seconds - a.seconds || `${a.cloud} ${a.scope}`.localeCompare(`${b.cloud} ${b.scope}`));
  return { seconds: total, phases, locations };
}
