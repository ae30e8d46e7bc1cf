/**
 * Pacing at the API boundary: `pacer.wrap(cloud, scope, api)` returns the same Ec2Api /
 * AzureNetworkApi / GcpComputeApi with every method paced by its category (rates-*.ts), so the
 * adapters' read.ts and apply.ts run unchanged over it. One set of token buckets per location.
 *
 * Per call:
 * - take one token from each of the method's categories, then call;
 * - a throttling answer (the cloud's classifier says ThrottledError: RequestLimitExceeded, 429
 *   with Retry-After, rateLimitExceeded) was refused before it took effect: slow that location's
 *   buckets (token-bucket.ts) and retry the same call, up to `throttleRetries` times;
 * - a transient failure (5xx, dropped connection) of a READ is retried here too; of a WRITE it is
 *   left to the engine, which re-runs the whole idempotent step (the write may have landed);
 * - anything else (4xx, conflicts) goes back unchanged to the adapter's own handling.
 */
import { ThrottledError, TransientCloudError } from '../../core/errors.ts';
import type { Cloud } from '../../core/policy/labels.ts';
import { AWS_ERRORS } from '../aws/errors.ts';
import { AZURE_ERRORS } from '../azure/errors.ts';
import { classifyCloudError } from '../errors.ts';
import { GCP_ERRORS } from '../gcp/errors.ts';
import type { Clock } from './clock.ts';
import type { ApiWrapper } from './clouds.ts';
import { categoriesOf, isWrite, type RateTable } from './rates.ts';
import { AWS_RATES } from './rates-aws.ts';
import { AZURE_RATES } from './rates-azure.ts';
import { GCP_RATES } from './rates-gcp.ts';
import { TokenBucket } from './token-bucket.ts';

export const RATE_TABLES: Readonly<Record<Cloud, RateTable>> = { aws: AWS_RATES, azure: AZURE_RATES, gcp: GCP_RATES };

const CLASSIFY: Record<Cloud, (e: unknown) => Error> = {
  aws: (e) => classifyCloudError(e, AWS_ERRORS),
  azure: (e) => classifyCloudError(e, AZURE_ERRORS),
  gcp: (e) => classifyCloudError(e, GCP_ERRORS),
};

export interface LocationStats {
  cloud: Cloud;
  scope: string;
  calls: number;
  throttled: number;
  /** Reads retried after a transient failure. */
  retriedReads: number;
}

export class PacedLocation {
  readonly buckets = new Map<string, TokenBucket>();
  readonly stats: LocationStats;

  constructor(
    readonly table: RateTable,
    readonly scope: string,
    clock: Clock,
  ) {
    for (const [name, spec] of Object.entries(table.categories)) this.buckets.set(name, new TokenBucket(spec, clock));
    this.stats = { cloud: table.cloud, scope, calls: 0, throttled: 0, retriedReads: 0 };
  }

  bucket(category: string): TokenBucket {
    const b = this.buckets.get(category);
    if (!b) throw new Error(`${this.table.cloud} rate table has no category "${category}"`);
    return b;
  }
}

export interface PacerOptions {
  clock: Clock;
  tables?: Readonly<Record<Cloud, RateTable>>;
  /** Retries of one throttled call before the step fails with the ThrottledError (default 10). */
  throttleRetries?: number;
  /** Retries of one read after a transient failure (default 5). */
  readRetries?: number;
  /** Observes every call as it is sent (the tests' bucket checks). */
  onCall?: (cloud: Cloud, scope: string, method: string, categories: readonly string[], at: number) => void;
}

/** Retry-After the cloud sent, in ms: ARM's header (carried as `retryAfterSeconds` on the error). */
export function retryAfterMs(e: unknown): number | undefined {
  const s = (e as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof s === 'number' && s >= 0 ? s * 1000 : undefined;
}

export class Pacer {
  private readonly locations = new Map<string, PacedLocation>();
  readonly tables: Readonly<Record<Cloud, RateTable>>;

  constructor(private readonly options: PacerOptions) {
    this.tables = options.tables ?? RATE_TABLES;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  location(cloud: Cloud, scope: string): PacedLocation {
    const key = `${cloud} ${scope}`;
    let loc = this.locations.get(key);
    if (!loc) {
      loc = new PacedLocation(this.tables[cloud], scope, this.options.clock);
      this.locations.set(key, loc);
    }
    return loc;
  }

  stats(): LocationStats[] {
    return [...this.locations.values()].map((l) => ({ ...l.stats }));
  }

  /** The same API object, every method paced by its category and throttles retried adaptively. */
  readonly wrap: ApiWrapper = <T extends object>(cloud: Cloud, scope: string, api: T): T => {
    const loc = this.location(cloud, scope);
    const { clock, onCall } = this.options;
    const throttleRetries = this.options.throttleRetries ?? 10;
    const readRetries = this.options.readRetries ?? 5;
    const classify = CLASSIFY[cloud];
    return new Proxy(api, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          const categories = categoriesOf(loc.table, prop, args);
          const write = isWrite(loc.table, prop);
          for (let throttles = 0, failures = 0; ;) {
            for (const c of categories) await loc.bucket(c).take();
            loc.stats.calls += 1;
            onCall?.(cloud, scope, prop, categories, clock.now());
            try {
              const result = await fn.apply(target, args);
              for (const c of categories) loc.bucket(c).succeeded();
              return result;
            } catch (e) {
              const kind = classify(e);
              if (kind instanceof ThrottledError && throttles < throttleRetries) {
                throttles += 1;
                loc.stats.throttled += 1;
                for (const c of categories) loc.bucket(c).throttled(retryAfterMs(e));
                continue;
              }
              if (kind instanceof TransientCloudError && !write && failures < readRetries) {
                failures += 1;
                loc.stats.retriedReads += 1;
                await clock.sleep(Math.min(10_000, 100 * 2 ** failures));
                continue;
              }
              throw e;
            }
          }
        };
      },
    });
  };
}
