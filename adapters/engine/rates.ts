/**
 * The shape of a cloud's request budgets as data (one table per cloud: rates-aws.ts,
 * rates-azure.ts, rates-gcp.ts). Each API category is a token bucket with its documented size and
 * refill and the source it comes from; each API method of the cloud's Api interface (Ec2Api,
 * AzureNetworkApi, GcpComputeApi) takes one token from every category it counts against.
 */
import type { Cloud } from '../../core/policy/labels.ts';
import type { Step } from '../../core/plan/step.ts';
import type { BucketSpec } from './token-bucket.ts';

export interface CategoryRate extends BucketSpec {
  /** Where the numbers come from (shared/CLOUD-FACTS*.md section and the provider's page). */
  source: string;
  note?: string;
}

export interface MethodRate {
  categories: readonly string[];
  /** A write may have taken effect when it fails in flight; only reads are retried call by call on a 5xx. */
  write: boolean;
  /** When the call's first argument names ids or filters (`GroupIds`, `Filters`), it counts against these instead. */
  filtered?: { args: readonly string[]; categories: readonly string[] };
}

export interface RateTable {
  cloud: Cloud;
  /** What one set of buckets covers: one location of the plan (`step.scope`). */
  location: string;
  categories: Readonly<Record<string, CategoryRate>>;
  methods: Readonly<Record<string, MethodRate>>;
  /** A method the table does not list (an API added later) is paced as this. */
  fallback: MethodRate;
  /** Steps of one location in flight at once (a bound on open requests, not a rate). */
  maxInFlight: number;
  /** The API calls one step makes when nothing fails (what `plan` estimates with). */
  stepCalls(step: Step): readonly string[];
}

/** The categories one call of `method` with `args` takes a token from. */
export function categoriesOf(table: RateTable, method: string, args: readonly unknown[]): readonly string[] {
  const m = table.methods[method] ?? table.fallback;
  if (m.filtered) {
    const input = args[0] as Record<string, unknown> | undefined;
    const named = m.filtered.args.some((a) => {
      const v = input?.[a];
      return Array.isArray(v) && v.length > 0;
    });
    if (named) return m.filtered.categories;
  }
  return m.categories;
}

export function isWrite(table: RateTable, method: string): boolean {
  return (table.methods[method] ?? table.fallback).write;
}
