/**
 * The issue 9 measurements that are not cases of the matrix, run by `npm run bench` (default
 * matrix) each in its own process through the `@@tag json` protocol: the fit of each cloud's
 * budgets before any write (bench/fit.ts), one re-tag at 100k · 1,000 · 5k through recompile
 * (bench/retag.ts), and how many AWS re-tags of the packed 1k realistic estate apply
 * (bench/retag-transitions.ts); then the rollout and event benches, whose own markdown is embedded.
 */
import { join } from 'node:path';
import { HERE } from './cases.ts';
import { spawnTracked, type TrackedRun } from './child-process.ts';
import type { FitRow } from './fit.ts';

/**
 * Fit cases, all seed 42 and AWS maximum (the refusal at AWS defaults is computed too). `/e2e`
 * declares every network end-to-end enforced; 10k realistic /e2e without address plans is left out:
 * it takes about 10 minutes (the widening check walks addresses, BENCHMARKS.md).
 */
export const FIT_SPECS = [
  '1k/100/1k/realistic/aws-max',
  '1k/100/1k/realistic/aws-max/compress',
  '1k/100/1k/realistic/aws-max/e2e',
  '1k/100/1k/sparse/aws-max',
  '1k/100/1k/sparse/aws-max/compress',
  '10k/100/1k/realistic/aws-max',
  '10k/100/1k/realistic/aws-max/compress',
  '10k/100/1k/realistic/aws-max/compress/e2e',
  '10k/100/1k/sparse/aws-max',
  '10k/100/1k/sparse/aws-max/compress',
  '100k/100/1k/sparse/aws-max',
  '100k/100/1k/sparse/aws-max/compress',
  '100k/100/1k/realistic/aws-max/compress',
];
export const RETAG_ARGS = ['--size=100k', '--segments=1000', '--rules=5k', '--retags=5'];
export const TRANSITIONS_ARGS = ['--size=1k'];
/** Benches that print their own markdown, embedded as printed: the first rollout (issue 10) and one event (issue 14). */
export const PRINTED = [
  {
    title: 'First rollout through the apply engine (issue 10)',
    script: 'rollout.ts',
    args: ['--sizes=10k,100k', '--segments=100', '--rules=1000'],
  },
  { title: 'One event, end to end (issue 14)', script: 'event.ts', args: ['--sizes=10k,100k'] },
];

export interface FitResult extends FitRow {
  spec: string;
}
export interface Timing {
  wall: number;
  cpu: number;
}
export interface RetagRun {
  full?: { workloads: number; classes: number; compile: Timing; plan: Timing; rssBefore: number };
  retags: Array<{ change: string; recompile: Timing; plan: Timing; networksRedone: number; networks: number }>;
  maxRss?: number;
  run: TrackedRun;
}
export interface TransitionsRun {
  result?: { seed: number; size: number; applied: number; picks: number; refused: string[] };
  run: TrackedRun;
}
export interface ScaleResults {
  fit: Array<{ spec: string; row?: FitResult; run: TrackedRun }>;
  retag: RetagRun;
  transitions: TransitionsRun;
  printed: Array<{ title: string; command: string; run: TrackedRun }>;
}

const script = (name: string, args: readonly string[]) => [
  '--max-old-space-size=7168',
  '--stack-size=4000',
  '--import',
  'tsx',
  join(HERE, name),
  ...args,
];

export async function runScale(timeoutSec: number, seed: number): Promise<ScaleResults> {
  // Timed runs first, counts last: a colleague's job starting late then disturbs only counts.
  process.stderr.write(`retag ${RETAG_ARGS.join(' ')}…`);
  const retag: Omit<RetagRun, 'run'> = { retags: [] };
  const retagRun = await spawnTracked(script('retag.ts', [...RETAG_ARGS, `--seed=${seed}`]), timeoutSec * 2, (t, v) => {
    if (t === 'full') retag.full = v as RetagRun['full'];
    else if (t === 'retag') retag.retags.push(v as RetagRun['retags'][number]);
    else if (t === 'peak') retag.maxRss = (v as { maxRss: number }).maxRss;
  });
  process.stderr.write(` ${(retagRun.wallMs / 1000).toFixed(1)} s\n`);
  const printed: ScaleResults['printed'] = [];
  for (const { title, script: name, args } of PRINTED) {
    const withSeed = [...args, `--seed=${seed}`];
    process.stderr.write(`${name} ${withSeed.join(' ')}…`);
    const run = await spawnTracked(script(name, withSeed), timeoutSec * 2, () => {});
    process.stderr.write(` ${(run.wallMs / 1000).toFixed(1)} s\n`);
    printed.push({ title, command: `node --import tsx bench/${name} ${withSeed.join(' ')}`, run });
  }
  process.stderr.write(`retag-transitions ${TRANSITIONS_ARGS.join(' ')}…`);
  const transitions: TransitionsRun = { run: { exit: null, stdout: '', stderr: '', wallMs: 0, peakRss: 0 } };
  transitions.run = await spawnTracked(
    script('retag-transitions.ts', [...TRANSITIONS_ARGS, `--seed=${seed}`]),
    timeoutSec,
    (t, v) => {
      if (t === 'transitions') transitions.result = v as TransitionsRun['result'];
    },
  );
  process.stderr.write(` ${(transitions.run.wallMs / 1000).toFixed(1)} s\n`);
  const fit: ScaleResults['fit'] = [];
  for (const spec of FIT_SPECS) {
    process.stderr.write(`fit ${spec}…`);
    let row: FitResult | undefined;
    const run = await spawnTracked(
      script('fit.ts', [spec, `--seeds=${seed}`, '--both-budgets', '--json']),
      timeoutSec,
      (tag, value) => {
        if (tag === 'fit') row = value as FitResult;
      },
    );
    process.stderr.write(` ${(run.wallMs / 1000).toFixed(1)} s${row ? '' : ` ✗ ${run.killedWhy ?? run.exit}`}\n`);
    fit.push({ spec, ...(row ? { row } : {}), run });
  }
  return { fit, retag: { ...retag, run: retagRun }, transitions, printed };
}
