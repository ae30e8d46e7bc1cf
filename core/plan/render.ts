/**
 * Human-readable plans, terraform-style: grouped by cloud and network, one `+ ~ -` line per step,
 * counts at the end. Pure: returns text.
 */
import { compareStrings } from '../model/compare.ts';
import type { Phase } from './step-base.ts';
import type { Finding } from '../model/finding.ts';
import type { Step } from './step.ts';

const SIGN: Record<Phase, string> = { create: '+', authorize: '+', membership: '~', revoke: '-', delete: '-' };

export interface RenderOptions {
  color?: boolean;
  maxStepsPerNetwork?: number;
}

export function renderPlan(
  plan: { steps: readonly Step[]; findings: readonly Finding[] },
  options: RenderOptions = {},
): string {
  const c = colors(options.color ?? false);
  const lines: string[] = [];
  const groups = new Map<string, Step[]>();
  for (const s of plan.steps) {
    const key = `${s.cloud}  ${s.network}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, steps] of [...groups.entries()].sort(([a], [b]) => compareStrings(a, b))) {
    lines.push(c.bold(`${key}`));
    const shown = steps.slice(0, options.maxStepsPerNetwork ?? Infinity);
    for (const s of shown) lines.push(`  ${c.sign(SIGN[s.phase])} ${s.kind.padEnd(22)} ${s.summary}`);
    if (shown.length < steps.length) lines.push(`    … and ${steps.length - shown.length} more`);
    lines.push('');
  }
  for (const f of plan.findings) {
    lines.push(
      `${f.severity === 'error' ? c.red('error') : c.yellow('warning')}: ${f.cloud ? `${f.cloud} ` : ''}${f.target}: ${f.message} [${f.code}]${f.hint ? `\n    hint: ${f.hint}` : ''}`,
    );
  }
  if (plan.findings.length > 0) lines.push('');
  lines.push(summaryLine(plan.steps));
  return `${lines.join('\n')}\n`;
}

/** `Plan: 3 to create, 5 to authorize, 2 membership changes, 1 to revoke, 0 to delete (aws 6, azure 3, gcp 2).` */
export function summaryLine(steps: readonly Step[]): string {
  if (steps.length === 0) return "No changes. segsync's objects are as the policy compiles them.";
  const count = (p: Phase) => steps.filter((s) => s.phase === p).length;
  const clouds = (['aws', 'azure', 'gcp'] as const)
    .map((cl) => `${cl} ${steps.filter((s) => s.cloud === cl).length}`)
    .join(', ');
  return (
    `Plan: ${count('create')} to create, ${count('authorize')} to authorize, ${count('membership')} membership changes, ` +
    `${count('revoke')} to revoke, ${count('delete')} to delete (${clouds}).`
  );
}

export function planToJson(plan: { steps: readonly Step[]; findings: readonly Finding[] }): string {
  return `${JSON.stringify({ steps: plan.steps, findings: plan.findings }, null, 2)}\n`;
}

function colors(on: boolean) {
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  const green = wrap(32);
  const red = wrap(31);
  const yellow = wrap(33);
  return {
    bold: wrap(1),
    red,
    yellow,
    sign: (s: string) => (s === '+' ? green(s) : s === '-' ? red(s) : yellow(s)),
  };
}
