/**
 * Deterministic fault injection for the sandbox clouds (AWS, Azure, GCP alike).
 *
 * Real clouds throttle and fail transiently; the planner must retry those and only those
 * (CLOUD-FACTS §1.5/§1.6 AWS, §2.4 Azure, §3.4 GCP). A FaultPlan makes a sandbox fail in a
 * reproducible way so tests can prove retries converge: the same plan and the same sequence of
 * calls always fail at the same calls. A fault is raised BEFORE the call changes anything,
 * which is what a throttled or rejected real request looks like to the caller.
 */
import { CloudApiError } from '../errors.ts';

export type Cloud = 'aws' | 'azure' | 'gcp';

export interface FaultPlan {
  /** Every n-th matching call is throttled (AWS RequestLimitExceeded, Azure 429, GCP rateLimitExceeded). */
  throttleEvery?: number;
  /** Every n-th matching call fails with a server error (AWS InternalError, Azure/GCP 500). */
  failEvery?: number;
  /** Shifts which calls fail (call n faults when (n + seed) is a multiple of the period). */
  seed?: number;
  /** Only these operation names are affected (e.g. 'AuthorizeSecurityGroupIngress'); default all. */
  operations?: string[];
  /** Stop injecting after this many faults (lets a bounded retry loop always finish). */
  maxFaults?: number;
}

/** The cloud's own code, HTTP status and message for each kind of transient fault. */
const CODES: Record<Cloud, { throttle: [string, number, string]; fail: [string, number, string] }> = {
  aws: {
    throttle: ['RequestLimitExceeded', 503, 'Request limit exceeded.'],
    fail: ['InternalError', 500, 'An internal error has occurred.'],
  },
  azure: {
    throttle: ['TooManyRequests', 429, 'The request is being throttled.'],
    fail: ['InternalServerError', 500, 'An internal server error occurred.'],
  },
  gcp: {
    throttle: ['rateLimitExceeded', 403, 'Rate Limit Exceeded'],
    fail: ['backendError', 500, 'Backend Error'],
  },
};

export class FaultInjector {
  private calls = 0;
  private faults = 0;

  constructor(private readonly plan: FaultPlan = {}) {
    for (const key of ['throttleEvery', 'failEvery'] as const) {
      const n = plan[key];
      if (n !== undefined && (!Number.isInteger(n) || n < 1))
        throw new RangeError(`FaultPlan.${key} must be an integer ≥ 1, got ${n}`);
    }
  }

  /** Number of faults raised so far. */
  get injected(): number {
    return this.faults;
  }

  /** Throws the cloud's transient error if this call is one the plan selects; otherwise returns. */
  check(cloud: Cloud, operation: string): void {
    const { throttleEvery, failEvery, operations, maxFaults } = this.plan;
    if (operations && !operations.includes(operation)) return;
    this.calls += 1;
    if (maxFaults !== undefined && this.faults >= maxFaults) return;
    const n = this.calls + (this.plan.seed ?? 0);
    const kind =
      throttleEvery && n % throttleEvery === 0 ? 'throttle' : failEvery && n % failEvery === 0 ? 'fail' : undefined;
    if (!kind) return;
    this.faults += 1;
    const [code, status, message] = CODES[cloud][kind];
    throw new CloudApiError(cloud, code, `${message} (sandbox fault injected into ${operation})`, status);
  }
}

/** An injector that never faults, so sandboxes can always call `check`. */
export function noFaults(): FaultInjector {
  return new FaultInjector({});
}
