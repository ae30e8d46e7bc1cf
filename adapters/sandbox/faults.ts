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

// ---------------------------------------------------------------------------------------------
// Random faults at given rates (DESIGN.md §7): SEGSYNC_SANDBOX_FAULTS=throttle=0.2,transient=0.05,conflict=0.02,seed=7

/** Probability per call of each fault; `seed` makes the sequence reproducible. */
export interface FaultRates {
  /** The cloud's throttling answer, before the call takes effect (Azure's carries Retry-After: 1 s). */
  throttle: number;
  /** A 5xx before the call takes effect. */
  transient: number;
  /** A stale-version answer on the calls that carry one: AWS ModifyManagedPrefixList CurrentVersion, Azure If-Match (412), GCP setTags fingerprint (412). */
  conflict: number;
  /** A write that took effect, then the connection dropped: the caller sees a 504 GatewayTimeout. */
  dropped: number;
  seed: number;
}

const RATE_KEYS = ['throttle', 'transient', 'conflict', 'dropped', 'seed'] as const;

/**
 * @example parseFaultSpec('throttle=0.2,transient=0.05,conflict=0.02,seed=7'); // dropped defaults to 0
 */
export function parseFaultSpec(spec: string): FaultRates {
  const rates: FaultRates = { throttle: 0, transient: 0, conflict: 0, dropped: 0, seed: 1 };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value] = part.split('=').map((s) => s.trim()) as [string, string | undefined];
    const n = Number(value);
    if (!(RATE_KEYS as readonly string[]).includes(key) || value === undefined || !Number.isFinite(n))
      throw new RangeError(`SEGSYNC_SANDBOX_FAULTS: "${part}" is not one of ${RATE_KEYS.join('|')}=<number>`);
    if (key !== 'seed' && (n < 0 || n > 1)) throw new RangeError(`SEGSYNC_SANDBOX_FAULTS: ${key} must be in [0, 1]`);
    rates[key as keyof FaultRates] = n;
  }
  return rates;
}

/** The cloud's own throttling answer (ARM's carries its Retry-After header as `retryAfterSeconds`). */
export function throttleError(cloud: Cloud, operation: string): CloudApiError {
  const [code, status, message] = CODES[cloud].throttle;
  const e = new CloudApiError(cloud, code, `${message} (${operation})`, status);
  return cloud === 'azure' ? Object.assign(e, { retryAfterSeconds: 1 }) : e;
}

const CONFLICTS: Record<Cloud, Record<string, [string, number, string]>> = {
  aws: {
    modifyManagedPrefixList: [
      'PrefixListVersionMismatch',
      400,
      'The prefix list has the incorrect version number (sandbox fault).',
    ],
  },
  azure: {
    createOrUpdateNetworkInterface: ['PreconditionFailed', 412, 'The specified precondition failed (sandbox fault).'],
    createOrUpdateNetworkSecurityGroup: [
      'PreconditionFailed',
      412,
      'The specified precondition failed (sandbox fault).',
    ],
  },
  gcp: { setTags: ['conditionNotMet', 412, 'Supplied fingerprint does not match current metadata (sandbox fault).'] },
};

const isRead = (method: string) => /^(describe|list|get)/.test(method);

/** Injects random faults into every call of a sandbox API object (wrap it around `sandbox.<cloud>.api(…)`). */
export class RandomFaults {
  readonly injected = { throttle: 0, transient: 0, conflict: 0, dropped: 0 };
  private readonly next: () => number;

  constructor(readonly rates: FaultRates) {
    let a = rates.seed >>> 0;
    // mulberry32
    this.next = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  readonly wrap = <T extends object>(cloud: Cloud, _scope: string, api: T): T => {
    return new Proxy(api, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          const { throttle, transient, conflict, dropped } = this.rates;
          if (this.next() < throttle) {
            this.injected.throttle += 1;
            throw throttleError(cloud, prop);
          }
          if (this.next() < transient) {
            this.injected.transient += 1;
            const [code, status, message] = CODES[cloud].fail;
            throw new CloudApiError(cloud, code, `${message} (sandbox fault injected into ${prop})`, status);
          }
          const stale = CONFLICTS[cloud][prop];
          if (stale && this.next() < conflict) {
            this.injected.conflict += 1;
            throw new CloudApiError(cloud, stale[0], stale[2], stale[1]);
          }
          const result = await fn.apply(target, args);
          if (!isRead(prop) && this.next() < dropped) {
            this.injected.dropped += 1;
            throw new CloudApiError(
              cloud,
              'GatewayTimeout',
              `the connection dropped after ${prop} took effect (sandbox fault)`,
              504,
            );
          }
          return result;
        };
      },
    });
  };
}
