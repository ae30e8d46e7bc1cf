/**
 * How long an apply takes at the clouds' documented request rates: computed by
 * adapters/engine/estimate.ts (which knows the rate tables), rendered by core/plan/render.ts.
 */
import type { Cloud } from './cloud.ts';

/** One location's share of an apply at the clouds' documented request rates. */
export interface LocationEstimate {
  cloud: Cloud;
  scope: string;
  steps: number;
  calls: number;
  /** Time this location spends waiting for its budgets, summed over the phases. */
  seconds: number;
  /** The API category whose budget bounds it, when one does. */
  limitedBy?: string;
}

/** How long `apply` takes at the documented rates (computed by adapters/engine/estimate.ts). */
export interface ApplyEstimate {
  /** Total: phases are barriers, so the sum over phases of the slowest location. */
  seconds: number;
  /** Per plan phase (core/plan/step-base.ts PHASES), in apply order. */
  phases: Array<{ phase: string; seconds: number }>;
  locations: LocationEstimate[];
}
