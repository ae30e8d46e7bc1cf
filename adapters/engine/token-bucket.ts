/**
 * A token bucket on an injectable clock, the model every cloud documents for its request budgets
 * (EC2: CLOUD-FACTS-SCALE §1.5; ARM: CLOUD-FACTS §2.7; GCP windows are expressed as buckets in
 * rates-gcp.ts). Callers `take()` one token per call; waiters are served first come, first served.
 *
 * Adaptive (AIMD): a throttling answer from the cloud means the budget is smaller than the table
 * says (another client shares it, or the table is stale), so `throttled()` halves the rate, empties
 * the bucket and optionally pauses for the cloud's Retry-After; every success then adds back 5 % of
 * the nominal rate, never above it (never below 10 % of it).
 */
import type { Clock } from './clock.ts';

export interface BucketSpec {
  /** Bucket size: the burst the cloud allows. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/** Floating-point slack: a token that is 1e-9 short is a rounding artefact, not a wait. */
const EPSILON = 1e-9;

export class TokenBucket {
  private tokens: number;
  private last: number;
  private rate: number;
  private pausedUntil = 0;
  private readonly waiters: Array<() => void> = [];
  private pumping = false;
  throttles = 0;

  constructor(
    readonly spec: BucketSpec,
    private readonly clock: Clock,
    private readonly minFraction = 0.1,
  ) {
    this.tokens = spec.capacity;
    this.last = clock.now();
    this.rate = spec.refillPerSecond;
  }

  /** The refill rate now (tokens per second); below the nominal one after throttling. */
  get currentRate(): number {
    return this.rate;
  }

  take(): Promise<void> {
    this.refill();
    if (this.waiters.length === 0 && this.clock.now() >= this.pausedUntil && this.tokens >= 1 - EPSILON) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      void this.pump();
    });
  }

  /** Takes a token if there is one now (the cloud's side of a bucket: answer or refuse, never wait). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1 - EPSILON) return false;
    this.tokens -= 1;
    return true;
  }

  /** The cloud said "slow down": halve the rate, drop the burst, honour Retry-After. */
  throttled(retryAfterMs?: number): void {
    this.refill();
    this.throttles += 1;
    this.rate = Math.max(this.spec.refillPerSecond * this.minFraction, this.rate / 2);
    this.tokens = Math.min(this.tokens, 0);
    if (retryAfterMs !== undefined && retryAfterMs > 0)
      this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + retryAfterMs);
  }

  /** A call went through: creep back towards the nominal rate. */
  succeeded(): void {
    if (this.rate >= this.spec.refillPerSecond) return;
    this.refill();
    this.rate = Math.min(this.spec.refillPerSecond, this.rate + this.spec.refillPerSecond * 0.05);
  }

  private refill(): void {
    const now = this.clock.now();
    const from = Math.max(this.last, this.pausedUntil);
    if (now > from) this.tokens = Math.min(this.spec.capacity, this.tokens + ((now - from) / 1000) * this.rate);
    this.last = Math.max(this.last, now);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        this.refill();
        const now = this.clock.now();
        if (now < this.pausedUntil) {
          await this.clock.sleep(this.pausedUntil - now);
          continue;
        }
        if (this.tokens >= 1 - EPSILON) {
          this.tokens -= 1;
          this.waiters.shift()!();
          continue;
        }
        await this.clock.sleep(((1 - this.tokens) / this.rate) * 1000);
      }
    } finally {
      this.pumping = false;
    }
  }
}
