/** The markdown report of a bench run (what BENCHMARKS.md embeds): time and memory, growth, failures, machine. */
import { execSync } from 'node:child_process';
import { fmtBytes, fmtInt, fmtMs, growthExponent, markdownTable, type PhaseResult } from './measure.ts';
import { ROOT, type Case, caseLabel, short, type Args } from './cases.ts';
import type { Outcome } from './child-process.ts';
import { changeSection } from './report-change.ts';
import { estatesSection, nativeSizeSection } from './report-size.ts';
import { scaleSections } from './report-scale.ts';
import type { ScaleResults } from './scale-runs.ts';

export const ph = (o: Outcome, name: string): PhaseResult | undefined => o.phases.find((p) => p.name === name);
export const msOf = (o: Outcome, name: string): string => {
  const p = ph(o, name);
  if (p) return fmtMs(p.ms);
  return o.killedIn === name ? `> ${fmtMs(o.wallMs)} ✗` : '–';
};

/** The markdown report of a run: every section, in order. */
export function report(outcomes: readonly Outcome[], args: Args, command: string, scale?: ScaleResults): string {
  const out: string[] = [];
  const mk = (h: string[], rows: string[][]) => out.push(markdownTable(h, rows), '');
  const r0 = outcomes.find((o) => o.result)?.result;

  out.push(
    `Command: \`${command}\` (seed ${args.seed}; each case in its own \`node --expose-gc\` process; code at ${gitState()}).`,
    '',
  );
  if (scale) out.push(...scaleSections(outcomes, scale));
  out.push('### Time and memory per phase', '');
  mk(
    [
      'case',
      'classes',
      'compile',
      'plan ∅',
      'compile + plan ∅',
      'peak RSS (compile+plan)',
      'RSS before compile',
      'apply (sandbox)',
      'plan ✓',
      'steps ✓',
      'verify',
      'flows',
    ],
    outcomes.map((o) => {
      const c = ph(o, 'compile');
      const p = ph(o, 'plan-empty');
      const both =
        c && p
          ? fmtMs(c.ms + p.ms)
          : o.killedIn === 'compile' || o.killedIn === 'plan-empty'
            ? `> ${fmtMs(o.wallMs)} ✗`
            : '–';
      const v = o.result?.verify;
      return [
        caseLabel(o.case),
        o.result?.counts.classes ? fmtInt(o.result.counts.classes) : '–',
        msOf(o, 'compile'),
        msOf(o, 'plan-empty'),
        both,
        c ? fmtBytes(Math.max(c.peakRss, p?.peakRss ?? 0)) : '–',
        c ? fmtBytes(c.rssBefore) : '–',
        msOf(o, 'apply'),
        msOf(o, 'plan-uptodate'),
        o.result?.planUptodateSteps !== undefined ? fmtInt(o.result.planUptodateSteps) : '–',
        msOf(o, 'verify'),
        v ? `${fmtInt(v.flows)}${v.truncated ? ' (cap)' : ''}, ${fmtInt(v.disagreements)} ✗` : '–',
      ];
    }),
  );
  out.push(
    ...changeSection(outcomes),
    ...nativeSizeSection(outcomes),
    ...estatesSection(outcomes),
    ...growthSection(outcomes),
  );
  const failed = outcomes.filter((o) => o.killedIn !== undefined || o.result?.error);
  if (failed.length > 0) {
    out.push('### Cases that did not finish', '');
    for (const o of failed) {
      const error = (o.result?.error ?? '')
        .split('\n')
        .slice(0, 2)
        .map((l) => l.trim())
        .join(' ');
      out.push(
        `- ${caseLabel(o.case)}: ${o.killedIn !== undefined ? `stopped in \`${o.killedIn}\` after ${fmtMs(o.wallMs)} (peak RSS ${fmtBytes(o.peakRssChild)}): ${o.killedWhy}` : `error: ${error}`}`,
      );
    }
    out.push('');
  }
  if (r0) {
    out.push(
      `Machine: ${r0.machine.cpus} × ${r0.machine.cpuModel}, ${r0.machine.memGiB} GiB, Node ${r0.machine.node}, GC exposed: ${r0.machine.gc}.`,
    );
    out.push(
      `1-minute load average at the start / end of each case: ${outcomes
        .filter((o) => o.result)
        .map(
          (o) =>
            `${short(o.case.workloads)}/${o.case.segments}/${o.case.shape}: ${o.result!.machine.loadStart.toFixed(1)} / ${o.result!.machine.loadEnd?.toFixed(1) ?? '?'}`,
        )
        .join('; ')}.`,
      '',
    );
  }
  return out.join('\n');
}

/** Growth with N, per policy shape: least-squares slope of log time (and peak RSS) over log N. */
export function growthSection(outcomes: readonly Outcome[]): string[] {
  const out: string[] = [];
  const mk = (h: string[], rows: string[][]) => out.push(markdownTable(h, rows), '');
  const shapeOf = (c: Case) =>
    `${c.segments} seg / ${short(c.rules)} rules / ${c.shape} / AWS ${c.aws}${c.v4only ? ' / IPv4 only' : ''}`;
  const shapes = [...new Set(outcomes.map((o) => shapeOf(o.case)))];
  const growthRows: string[][] = [];
  for (const shape of shapes) {
    const series = outcomes.filter((o) => shapeOf(o.case) === shape);
    for (const name of ['compile', 'plan-empty', 'plan-uptodate', 'apply', 'verify', 'retag-aws-plan']) {
      const pts = series.flatMap((o) => (ph(o, name) ? [[o.case.workloads, ph(o, name)!.ms] as const] : []));
      const k = growthExponent(pts);
      if (pts.length >= 2)
        growthRows.push([
          shape,
          name,
          pts.map(([n, ms]) => `${short(n)}: ${fmtMs(ms)}`).join(', '),
          k === undefined ? '–' : `N^${k.toFixed(2)}`,
        ]);
    }
    const mem = series.flatMap((o) =>
      ph(o, 'compile') ? [[o.case.workloads, ph(o, 'compile')!.peakRss] as const] : [],
    );
    const k = growthExponent(mem);
    if (mem.length >= 2)
      growthRows.push([
        shape,
        'peak RSS in compile',
        mem.map(([n, b]) => `${short(n)}: ${fmtBytes(b)}`).join(', '),
        k === undefined ? '–' : `N^${k.toFixed(2)}`,
      ]);
  }
  if (growthRows.length > 0) {
    out.push('### Growth with N (least-squares slope of log time over log N)', '');
    mk(['policy', 'phase', 'measured', 'growth'], growthRows);
  }
  return out;
}

/** The commit, and how many files under core/ and adapters/ differ from it (colleagues work concurrently). */
export function gitState(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- core adapters', { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim()).length;
    return `${head}${dirty > 0 ? ` + ${dirty} uncommitted file(s) in core/ and adapters/` : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}
