/**
 * Human-readable plans, terraform-style: grouped by cloud and network, one `+ ~ -` line per step,
 * counts at the end. Pure: returns text.
 */
import type { ApplyEstimate } from '../model/estimate.ts';
import { compareStrings } from '../model/compare.ts';
import type { Phase } from './step-base.ts';
import type { Finding } from '../model/finding.ts';
import type { Step } from './step.ts';

export type { ApplyEstimate, LocationEstimate } from '../model/estimate.ts';

const SIGN: Record<Phase, string> = { create: '+', authorize: '+', membership: '~', revoke: '-', delete: '-' };

export interface RenderOptions {
  color?: boolean;
  maxStepsPerNetwork?: number;
  /** Shown after the counts: apply time per location and in total. */
  estimate?: ApplyEstimate;
  /** Locations listed in the estimate (default 10; the slowest first). */
  maxEstimateLocations?: number;
  /** False: leave the findings out (the CLI prints them on stderr with `renderFindings`). */
  findings?: boolean;
  /** Terminal width: longer lines drop list items ("… and 37 more CIDRs") or wrap; none: full lines. */
  width?: number;
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
    lines.push(c.bold(fitMiddle(key, options.width)));
    const shown = steps.slice(0, options.maxStepsPerNetwork ?? Infinity);
    for (const s of shown) {
      const head = `  ${SIGN[s.phase]} ${s.kind.padEnd(22)} `;
      const summary = fitList(s.summary, options.width === undefined ? undefined : options.width - head.length);
      lines.push(`  ${c.sign(SIGN[s.phase])} ${s.kind.padEnd(22)} ${summary}`);
    }
    if (shown.length < steps.length) lines.push(`    … and ${steps.length - shown.length} more`);
    lines.push('');
  }
  if (options.findings !== false && plan.findings.length > 0) lines.push(renderFindings(plan.findings, options), '');
  lines.push(wrap(summaryLine(plan.steps), options.width, '  '));
  if (options.estimate && plan.steps.length > 0) lines.push(...estimateLines(options.estimate, options));
  return `${lines.join('\n')}\n`;
}

/** `Estimated apply time at the clouds' documented rates: 33m 20s`, then one line per location. */
export function estimateLines(estimate: ApplyEstimate, options: RenderOptions = {}): string[] {
  const lines = [`Estimated apply time at the clouds' documented request rates: ${formatDuration(estimate.seconds)}`];
  const shown = estimate.locations.slice(0, options.maxEstimateLocations ?? 10);
  for (const l of shown)
    lines.push(
      `  ${l.cloud.padEnd(5)} ${l.scope.padEnd(28)} ${formatDuration(l.seconds).padStart(9)}  ${l.steps} steps, ${l.calls} calls` +
        (l.limitedBy ? `, bounded by ${l.limitedBy}` : ''),
    );
  if (shown.length < estimate.locations.length)
    lines.push(`  … and ${estimate.locations.length - shown.length} more locations`);
  return lines;
}

/** 0.4 → `<1s`, 75 → `1m 15s`, 7384 → `2h 3m 4s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return '<1s';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h > 0 ? `${h}h` : '', h > 0 || m > 0 ? `${m}m` : '', `${s % 60}s`].filter(Boolean);
  return parts.join(' ');
}

/** Findings as `error: …` / `warning: …` lines with their hints, wrapped to the width. */
export function renderFindings(findings: readonly Finding[], options: RenderOptions = {}): string {
  const c = colors(options.color ?? false);
  const lines: string[] = [];
  for (const f of findings) {
    const label = f.severity === 'error' ? 'error' : 'warning';
    const text = wrap(
      `${label}: ${f.cloud ? `${f.cloud} ` : ''}${f.target}: ${f.message} [${f.code}]`,
      options.width,
      '    ',
    );
    lines.push(`${label === 'error' ? c.red(label) : c.yellow(label)}${text.slice(label.length)}`);
    if (f.hint) lines.push(wrap(`    hint: ${f.hint}`, options.width, '      '));
  }
  return lines.join('\n');
}

/** `Plan: 3 to create, 5 to authorize, 2 membership changes, 1 to revoke, 0 to delete (aws 6, azure 3, gcp 2).` */
export function summaryLine(steps: readonly Step[]): string {
  if (steps.length === 0) return "No changes. segsync's objects are as the policy compiles them.";
  const count = (p: Phase) => steps.filter((s) => s.phase === p).length;
  const clouds = (['aws', 'azure', 'gcp'] as const)
    .map((cl) => `${cl} ${steps.filter((s) => s.cloud === cl).length}`)
    .join(', ');
  return (
    `Plan: ${count('create')} to create, ${count('authorize')} to authorize, ${count('membership')} membership change${count('membership') === 1 ? '' : 's'}, ` +
    `${count('revoke')} to revoke, ${count('delete')} to delete (${clouds}).`
  );
}

const CIDR = /^[0-9a-f.:]+\/\d+$/i;

/**
 * A step summary within `width`: its list ("…: a; b; c" or "a, b, c") keeps the items that fit
 * and ends "… and N more" (N more CIDRs when they are CIDRs); text without a list is cut with "…".
 */
export function fitList(text: string, width: number | undefined): string {
  if (width === undefined || text.length <= width) return text;
  const colon = text.indexOf(': ');
  const head = colon < 0 ? '' : text.slice(0, colon + 2);
  const body = colon < 0 ? text : text.slice(colon + 2);
  const sep = body.includes('; ') ? '; ' : ', ';
  const items = colon < 0 ? [body] : body.split(sep);
  const more = (hidden: readonly string[]): string => {
    if (hidden.length === 0) return '';
    const noun = hidden.every((p) => CIDR.test(p.trim())) ? (hidden.length === 1 ? ' CIDR' : ' CIDRs') : '';
    return ` and ${hidden.length} more${noun}`;
  };
  for (let keep = items.length - 1; keep >= 1; keep--) {
    const candidate = `${head}${items.slice(0, keep).join(sep)}${sep.trim()} …${more(items.slice(keep))}`;
    if (candidate.length <= width) return candidate;
  }
  const tail = more(items.slice(1));
  return `${`${head}${items[0]}`.slice(0, Math.max(1, width - tail.length - 1))}…${tail}`;
}

/** A long id (an Azure VNet's ARM id) cut in the middle, keeping its start and its name. */
function fitMiddle(text: string, width: number | undefined): string {
  if (width === undefined || text.length <= width) return text;
  const tail = Math.ceil((width - 1) / 2);
  return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** Word-wraps at `width`, continuation lines indented. */
export function wrap(text: string, width: number | undefined, indent: string): string {
  if (width === undefined || text.length <= width) return text;
  const out: string[] = [];
  const lead = /^ */.exec(text)![0];
  const [first = '', ...words] = text.trimStart().split(' ');
  let line = `${lead}${first}`;
  for (const word of words) {
    if (line.length + 1 + word.length > width) {
      out.push(line);
      line = `${indent}${word}`;
    } else line = `${line} ${word}`;
  }
  out.push(line);
  return out.join('\n');
}

/** The plan as data; `more` adds what the caller knows beside it (e.g. the monitor report). */
export function planToJson(
  plan: { steps: readonly Step[]; findings: readonly Finding[] },
  estimate?: ApplyEstimate,
  more: Readonly<Record<string, unknown>> = {},
): string {
  const data = { steps: plan.steps, findings: plan.findings, ...(estimate ? { estimate } : {}), ...more };
  return `${JSON.stringify(data, null, 2)}\n`;
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
