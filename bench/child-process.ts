/** The parent side: runs one case in its own node process, relays its phases, samples its RSS and kills it at the time or memory limit. */
import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fmtBytes, fmtMs, type PhaseResult } from './measure.ts';
import { HERE, ROOT, type Case, caseKey, type Args } from './cases.ts';
import type { CaseResult } from './case-result.ts';

export interface Outcome {
  case: Case;
  result?: CaseResult;
  phases: PhaseResult[];
  killedIn?: string;
  killedWhy?: string;
  stderr: string;
  wallMs: number;
  peakRssChild: number;
}

export function runChild(c: Case, args: Args): Promise<Outcome> {
  return new Promise((resolveOutcome) => {
    const nodeArgs = ['--expose-gc', '--max-old-space-size=7168', '--stack-size=4000'];
    if (args.profile) {
      const dir = join(ROOT, 'bench', 'profiles');
      mkdirSync(dir, { recursive: true });
      nodeArgs.push(
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-name=${caseKey(c).replaceAll('/', '-')}${args.coreOnly ? '-core' : ''}.cpuprofile`,
      );
    }
    if (args.ticks) {
      // V8's tick log is written as it runs, so it survives the time limit's SIGKILL (--cpu-prof does not).
      const dir = join(ROOT, 'bench', 'profiles');
      mkdirSync(dir, { recursive: true });
      nodeArgs.push(
        '--prof',
        '--no-logfile-per-isolate',
        `--logfile=${join(dir, `${caseKey(c).replaceAll('/', '-')}.v8.log`)}`,
      );
    }
    const childArgs = [
      ...nodeArgs,
      '--import',
      'tsx',
      join(HERE, 'run.ts'),
      `--case=${caseKey(c)}`,
      `--seed=${args.seed}`,
      `--max-flows=${args.maxFlows}`,
      ...(args.coreOnly ? ['--core-only'] : []),
      ...(args.retagAll ? ['--retag-all'] : []),
      ...(args.monitor !== undefined ? [`--monitor=${args.monitor}`] : []),
    ];
    const outcome: Outcome = { case: c, phases: [], stderr: '', wallMs: 0, peakRssChild: 0 };
    let current: string | undefined;
    void spawnTracked(childArgs, args.timeoutSec, (tag, value) => {
      if (tag === 'start') {
        current = value as string;
        process.stderr.write(`  ${caseKey(c)} ${current}…`);
      } else if (tag === 'phase') {
        const ph = value as PhaseResult;
        outcome.phases.push(ph);
        current = undefined;
        process.stderr.write(` ${fmtMs(ph.ms)}, peak ${fmtBytes(ph.peakRss)}\n`);
      } else if (tag === 'result') outcome.result = value as CaseResult;
    }).then((run) => {
      outcome.stderr = run.stderr;
      outcome.wallMs = run.wallMs;
      outcome.peakRssChild = run.peakRss;
      if (run.killedWhy !== undefined || !outcome.result) {
        outcome.killedIn = current ?? '(between phases)';
        outcome.killedWhy = run.killedWhy ?? `exit ${run.exit}: ${lastLines(run.stderr)}`;
        process.stderr.write(`\n  ${caseKey(c)} stopped in ${outcome.killedIn}: ${outcome.killedWhy}\n`);
      }
      resolveOutcome(outcome);
    });
  });
}

/** How a tracked child ended: its exit, its stderr tail, its wall time and peak RSS, and why it was killed. */
export interface TrackedRun {
  exit: number | string | null;
  /** What the child printed outside the `@@tag json` lines (a report some scripts print as markdown). */
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRss: number;
  killedWhy?: string;
}

/** The RSS at which a child is killed: the machine has 23 GiB and other sessions share it. */
const RSS_LIMIT = 7.5 * 2 ** 30;

/**
 * Runs `node <nodeArgs…>` from the repository root, hands each `@@tag json` stdout line to
 * `onRecord` as it arrives, samples the child's RSS from /proc and kills it at the time limit or
 * the RSS limit.
 */
export function spawnTracked(
  nodeArgs: readonly string[],
  timeoutSec: number,
  onRecord: (tag: string, value: unknown) => void,
): Promise<TrackedRun> {
  return new Promise((resolveRun) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: TrackedRun = { exit: null, stdout: '', stderr: '', wallMs: 0, peakRss: 0 };
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^@@(\w+) (.*)$/.exec(line);
        if (m) onRecord(m[1]!, JSON.parse(m[2]!));
        else run.stdout += `${line}\n`;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      run.stderr = (run.stderr + chunk).slice(-4000);
    });
    const kill = (why: string) => {
      if (run.killedWhy !== undefined || child.exitCode !== null) return;
      run.killedWhy = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`time limit ${timeoutSec} s`), timeoutSec * 1000);
    const watch = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        const rss = m ? Number(m[1]) * 1024 : 0;
        run.peakRss = Math.max(run.peakRss, rss);
        if (rss > RSS_LIMIT) kill(`memory limit (RSS ${fmtBytes(rss)})`);
      } catch {
        // process gone
      }
    }, 200);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      run.wallMs = performance.now() - t0;
      run.exit = code ?? signal;
      resolveRun(run);
    });
  });
}

const lastLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.trim())
    .slice(-3)
    .join(' | ');
