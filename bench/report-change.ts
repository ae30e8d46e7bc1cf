/** Report sections on the cost of change: one re-tag per cloud (recompute + plan, API writes). */
import { fmtMs, markdownTable } from './measure.ts';
import { CLOUDS, caseLabel } from './cases.ts';
import type { Outcome } from './child-process.ts';

/** One re-tag per cloud: time, steps, writes, convergence; and the API calls each made. */
export function changeSection(outcomes: readonly Outcome[]): string[] {
  const out: string[] = [];
  const mk = (h: string[], rows: string[][]) => out.push(markdownTable(h, rows), '');
  out.push('### One re-tag (tier changes, same network): recompute + plan, and API writes', '');
  mk(
    [
      'case',
      're-tagged',
      'read',
      'recompute (compile)',
      'plan',
      'recompute + plan',
      'steps aws/azure/gcp',
      'API writes aws/azure/gcp',
      'converged',
    ],
    outcomes.flatMap((o) =>
      (o.result?.retags ?? []).map((r) => [
        caseLabel(o.case),
        `${r.cloud} ${r.workload}`,
        fmtMs(r.readMs),
        fmtMs(r.compileMs),
        fmtMs(r.planMs),
        fmtMs(r.compileMs + r.planMs),
        CLOUDS.map((c) => r.steps[c]).join(' / '),
        CLOUDS.map((c) => r.writesTotal[c]).join(' / '),
        r.error
          ? `error: ${r.error}`
          : r.blocked
            ? `plan blocked, not applied: ${r.blocked}`
            : r.failedStep
              ? `apply failed at ${r.failedStep}`
              : r.remaining === undefined
                ? 'not checked'
                : r.remaining === 0
                  ? 'yes'
                  : `${r.remaining} left`,
      ]),
    ),
  );
  const methods = new Map<string, string[]>();
  for (const o of outcomes) {
    for (const r of o.result?.retags ?? []) {
      const m = CLOUDS.flatMap((c) => Object.entries(r.writes[c]).map(([k, n]) => `${k}×${n}`)).join(', ') || 'none';
      methods.set(`${caseLabel(o.case)} | ${r.cloud}`, [caseLabel(o.case), r.cloud, m]);
    }
  }
  if (methods.size > 0) {
    out.push('API calls made by each re-tag (sandbox, counted by wrapping the API objects):', '');
    mk(['case', 're-tag in', 'calls'], [...methods.values()]);
  }
  return out;
}
