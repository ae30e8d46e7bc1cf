/**
 * Measuring helpers for the benchmarks: wall time (performance.now), memory around each phase,
 * and the peak RSS *during* a phase, even a synchronous one.
 *
 * Peak RSS: a worker thread polls /proc/self/status (VmRSS) every few milliseconds while the
 * main thread runs a phase, and keeps the maximum per phase in shared memory; a synchronous
 * compile cannot starve it. Where /proc is missing (not Linux), the peak is only sampled at phase
 * boundaries and `peakExact` is false. The sampler itself adds a few MiB of RSS (its own isolate).
 *
 * Heap: with `node --expose-gc`, a full GC runs before each phase (so phases do not pay for each
 * other's garbage) and after it (so `retainedHeap` is what the phase's result keeps alive).
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export const MiB = 1024 * 1024;

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

export const gcExposed = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function';

function rssNow(): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage.rss();
}

const hasProc = (): boolean => {
  try {
    readFileSync('/proc/self/status', 'utf8');
    return true;
  } catch {
    return false;
  }
};

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { phase, peaks, ctl, intervalMs } = workerData;
const rss = () => { const m = /VmRSS:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8')); return m ? Number(m[1]) * 1024 : 0; };
while (Atomics.load(ctl, 0) === 0) {
  const p = Atomics.load(phase, 0);
  const r = rss();
  if (p >= 0 && r > peaks[p]) peaks[p] = r;
  Atomics.wait(ctl, 0, 0, intervalMs);
}
`;

export interface PhaseResult {
  name: string;
  ms: number;
  /** Peak RSS while the phase ran (bytes). */
  peakRss: number;
  /** RSS when the phase started (after GC): what was already resident. */
  rssBefore: number;
  heapBefore: number;
  /** heapUsed right after the phase, before any GC. */
  heapAfter: number;
  /** heapUsed after a GC at the end of the phase (only meaningful with --expose-gc). */
  retainedHeap: number;
}

/** Runs phases one after another and measures each. */
export class Meter {
  readonly phases: PhaseResult[] = [];
  private readonly worker: Worker | undefined;
  private readonly phaseCell = new Int32Array(new SharedArrayBuffer(4));
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4));
  private readonly peaks = new Float64Array(new SharedArrayBuffer(8 * 256));
  readonly peakExact: boolean;
  /** Called with each phase's name when it starts (progress / crash attribution). */
  onStart: (name: string) => void = () => {};
  onEnd: (r: PhaseResult) => void = () => {};

  constructor(intervalMs = 5) {
    this.phaseCell[0] = -1;
    this.peakExact = hasProc();
    if (this.peakExact) {
      this.worker = new Worker(SAMPLER, {
        eval: true,
        workerData: { phase: this.phaseCell, peaks: this.peaks, ctl: this.ctl, intervalMs },
      });
      this.worker.unref();
    }
  }

  /** Measures `fn` (sync or async) as phase `name`; returns its value. */
  async phase<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const index = this.phases.length;
    if (index >= this.peaks.length) throw new RangeError('too many phases');
    gc();
    const before = process.memoryUsage();
    const rssBefore = rssNow();
    this.peaks[index] = rssBefore;
    Atomics.store(this.phaseCell, 0, index);
    this.onStart(name);
    const t0 = performance.now();
    const value = await fn();
    const ms = performance.now() - t0;
    const heapAfter = process.memoryUsage().heapUsed;
    const rssEnd = rssNow();
    Atomics.store(this.phaseCell, 0, -1);
    gc();
    const retainedHeap = process.memoryUsage().heapUsed;
    const result: PhaseResult = {
      name,
      ms,
      peakRss: Math.max(this.peaks[index]!, rssEnd),
      rssBefore,
      heapBefore: before.heapUsed,
      heapAfter,
      retainedHeap,
    };
    this.phases.push(result);
    this.onEnd(result);
    return value;
  }

  get(name: string): PhaseResult | undefined {
    return this.phases.find((p) => p.name === name);
  }

  /** Stops the sampler thread. */
  close(): void {
    Atomics.store(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
    void this.worker?.terminate();
  }
}

/** Process-wide peak RSS so far (getrusage ru_maxrss), bytes. */
export function maxRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function fmtBytes(b: number | undefined): string {
  if (b === undefined || Number.isNaN(b)) return '–';
  if (b >= 1024 * MiB) return `${(b / (1024 * MiB)).toFixed(2)} GiB`;
  return `${Math.round(b / MiB)} MiB`;
}

export function fmtInt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '–';
  return n.toLocaleString('en-US');
}

/** A GitHub-flavoured markdown table; numbers-looking columns are right-aligned. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^([–>~]|\d)/.test(r[i] ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

/**
 * Least-squares slope of log(y) over log(x): the empirical growth exponent (1 = linear,
 * 2 = quadratic). Undefined with fewer than two usable points.
 */
export function growthExponent(points: ReadonlyArray<readonly [number, number]>): number | undefined {
  const usable = points.filter(([x, y]) => x > 0 && y > 0).map(([x, y]) => [Math.log(x), Math.log(y)] as const);
  if (usable.length < 2) return undefined;
  const mx = usable.reduce((s, [x]) => s + x, 0) / usable.length;
  const my = usable.reduce((s, [, y]) => s + y, 0) / usable.length;
  const num = usable.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = usable.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? undefined : num / den;
}
