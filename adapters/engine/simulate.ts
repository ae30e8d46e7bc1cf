/**
 * The clouds' side of pacing, for tests and the rollout bench on a simulated clock: each call
 * takes `latencyMs` of cloud time, and the cloud enforces its own token buckets (by default the
 * documented ones), answering with its own throttling error when a bucket is empty
 * (RequestLimitExceeded; 429 TooManyRequests with Retry-After; 403 rateLimitExceeded). Every
 * call that found its bucket empty is counted, so a test can assert that none did.
 */
import type { Cloud } from '../../core/policy/labels.ts';
import { throttleError } from '../sandbox/faults.ts';
import type { Clock } from './clock.ts';
import { aroundMethods, type ApiWrapper } from './clouds.ts';
import { RATE_TABLES } from './paced-api.ts';
import { categoriesOf, type RateTable } from './rates.ts';
import { TokenBucket } from './token-bucket.ts';

export interface CloudSideOptions {
  clock: Clock;
  /** Cloud time per call, ms (default aws 200, azure 2000: a long-running PUT, gcp 2000: an Operation). */
  latencyMs?: Partial<Record<Cloud, number>>;
  /** The budgets the cloud really enforces (default: the documented tables). */
  tables?: Readonly<Record<Cloud, RateTable>>;
}

export interface CloudSideStats {
  calls: number;
  /** Calls that found a bucket empty and were answered with a throttling error. */
  overLimit: number;
}

const DEFAULT_LATENCY: Record<Cloud, number> = { aws: 200, azure: 2000, gcp: 2000 };

export class CloudSide {
  readonly stats: CloudSideStats = { calls: 0, overLimit: 0 };
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly options: CloudSideOptions) {}

  /** An ApiWrapper: put it innermost (right around the sandbox), the engine's pacing outside. */
  readonly wrap: ApiWrapper = <T extends object>(cloud: Cloud, scope: string, api: T): T => {
    const table = (this.options.tables ?? RATE_TABLES)[cloud];
    const latency = this.options.latencyMs?.[cloud] ?? DEFAULT_LATENCY[cloud];
    return aroundMethods(api, async (method, args, call) => {
      this.stats.calls += 1;
      const empty = categoriesOf(table, method, args).filter((c) => !this.bucket(cloud, scope, table, c).tryTake());
      await this.options.clock.sleep(latency);
      if (empty.length > 0) {
        this.stats.overLimit += 1;
        throw throttleError(cloud, method);
      }
      return call();
    });
  };

  private bucket(cloud: Cloud, scope: string, table: RateTable, category: string): TokenBucket {
    const key = `${cloud} ${scope} ${category}`;
    let b = this.buckets.get(key);
    if (!b) {
      const spec = table.categories[category];
      if (!spec) throw new Error(`${cloud} rate table has no category ${category}`);
      b = new TokenBucket(spec, this.options.clock);
      this.buckets.set(key, b);
    }
    return b;
  }
}
