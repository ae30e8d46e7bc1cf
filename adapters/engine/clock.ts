/**
 * Time for the apply engine: the real clock, or a simulated one on which pacing tests and the
 * rollout bench run hours of cloud time in milliseconds (no real waiting).
 *
 * The simulated clock advances only when every promise chain has settled: `run(work)` drains the
 * microtask queue (one `setImmediate`), then jumps to the earliest pending `sleep` and resolves
 * every sleeper due then. Work driven by it must not wait on real I/O or real timers.
 */

export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))),
};

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export class SimulatedClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => this.push({ at: this.t + ms, seq: this.seq++, resolve }));
  }

  /** Runs `work` to completion, advancing simulated time whenever nothing else can happen. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let settled = false;
    const p = work().finally(() => {
      settled = true;
    });
    p.catch(() => undefined);
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return p;
      const first = this.heap[0];
      if (!first) throw new Error('simulated clock: the work waits on nothing the clock knows (real I/O or timers?)');
      this.t = first.at;
      while (this.heap.length > 0 && this.heap[0]!.at <= this.t) this.pop().resolve();
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
