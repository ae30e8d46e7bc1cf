/**
 * Report sections for issue 9 (enterprise scale): the verdict against its targets, the fit of
 * each cloud's budgets, one re-tag at 100k · 1,000 · 5k, and AWS re-tags of a packed estate.
 * Everything comes from one `npm run bench` run (bench/scale-runs.ts and the matrix outcomes).
 */
import { DEFAULT_BUDGETS } from '../core/model/budgets.ts';
import { AWS_MAX, caseKey } from './cases.ts';
import type { Outcome } from './child-process.ts';
import { fmtBytes, fmtInt, fmtMs, markdownTable } from './measure.ts';
import { RETAG_ARGS, TRANSITIONS_ARGS, type FitResult, type ScaleResults } from './scale-runs.ts';

const TARGET_CASE = '100k/1000/5k/sparse/unbounded';
const GOAL = { compilePlanMs: 2000, rss: 2 ** 30, retagMs: 10 };
const AWS_MAX_UNITS = AWS_MAX.rulesPerGroupPerDirectionPerFamily * AWS_MAX.groupsPerInterface;

/** "fits" or "refused (N violations): <first cloud line>" from a QuotaExceededError's lines. */
function refusal(lines: readonly string[] | undefined): string {
  if (lines === undefined) return '–';
  if (lines.length === 0) return 'fits';
  const count = /^(\d+) quota violations/.exec(lines[0]!)?.[1] ?? '1';
  return `refused (${count})`;
}

const over = (v: number, limit: number) => `${fmtInt(v)}${v > limit ? ' ⚠' : ''}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function fitSection(results: ScaleResults): string[] {
  const az = DEFAULT_BUDGETS.azure;
  const gcp = DEFAULT_BUDGETS.gcp;
  const rows = results.fit.map(({ spec, row, run }): string[] => {
    if (!row) return [spec, `did not finish: ${run.killedWhy ?? `exit ${run.exit}`}`, ...Array<string>(9).fill('–')];
    return [
      spec,
      fmtInt(row.classes),
      `${over(row.awsWorstUnits, AWS_MAX_UNITS)} (${row.awsWorst})`,
      `${fmtInt(row.awsGroups)} / ${fmtInt(row.awsPrefixLists)}`,
      over(row.azureMaxRules, az.rulesPerNsg),
      over(row.azureMaxPrefixes, az.prefixesPerNsgSide),
      `${fmtInt(row.gcpRules)} / ${over(row.gcpMaxRulesPerProject, gcp.firewallsPerProject)} / ${over(row.gcpMaxRanges, gcp.rangesPerRule)}`,
      `${fmtInt(row.compressions)}${row.widenings > 0 ? ` + ${fmtInt(row.widenings)} e2e` : ''}`,
      refusal(row.refused),
      refusal(row.refusedAtDefault),
      fmtMs(run.wallMs),
    ];
  });
  return [
    '### Fit of each cloud’s budgets (bench/fit.ts, before any write)',
    '',
    `Each case compiled with every budget lifted (what the policy asks for; ⚠ = over the real limit) and with the real budgets (the last two columns: AWS maximum ${AWS_MAX.rulesPerGroupPerDirectionPerFamily} × ${AWS_MAX.groupsPerInterface} and AWS defaults; Azure and GCP at their documented limits in both; the number of violations listed). \`/compress\`: segment-aligned subnets declared in \`spec.addressPlans\`. Per case: \`node --import tsx bench/fit.ts <case> --seeds=42 --both-budgets\`.`,
    '',
    markdownTable(
      [
        'case',
        'classes',
        `AWS worst units/ENI/dir/fam (≤ ${fmtInt(AWS_MAX_UNITS)})`,
        'AWS SGs / PLs',
        `Azure max rules/NSG (≤ ${fmtInt(az.rulesPerNsg)})`,
        `Azure max prefixes/NSG side (≤ ${fmtInt(az.prefixesPerNsgSide)})`,
        `GCP rules / max per project (quota FIREWALLS ${fmtInt(gcp.firewallsPerProject)}) / max ranges per rule (≤ ${fmtInt(gcp.rangesPerRule)})`,
        'compressions (+ end-to-end widenings)',
        'AWS maximum',
        'AWS defaults',
        'time',
      ],
      rows,
    ),
    '',
  ];
}

function retagSection(results: ScaleResults): string[] {
  const { full, retags, maxRss, run } = results.retag;
  const out = [
    '### One re-tag through recompile (bench/retag.ts)',
    '',
    `\`node --import tsx bench/retag.ts ${RETAG_ARGS.join(' ')}\`: the sparse estate read through the sandbox adapters, compiled and planned once, then workloads re-tagged one after another (tier → next tier of the same app) with \`recompile\` + \`plan\`; budgets lifted. Wall time, CPU in brackets.`,
    '',
  ];
  if (!full) return [...out, `Did not finish: ${run.killedWhy ?? `exit ${run.exit}`}.`, ''];
  out.push(
    `Full compile ${fmtMs(full.compile.wall)} (${fmtMs(full.compile.cpu)}) + plan ${fmtMs(full.plan.wall)} (${fmtMs(full.plan.cpu)}), ${fmtInt(full.workloads)} workloads, ${fmtInt(full.classes)} classes; RSS before compile ${fmtBytes(full.rssBefore)}, peak ${fmtBytes(maxRss)}.`,
    '',
    markdownTable(
      ['re-tag', 'change', 'recompile', 'plan', 'networks recompiled'],
      retags.map((r, i) => [
        String(i + 1),
        r.change,
        `${fmtMs(r.recompile.wall)} (${fmtMs(r.recompile.cpu)})`,
        `${fmtMs(r.plan.wall)} (${fmtMs(r.plan.cpu)})`,
        `${r.networksRedone} of ${r.networks}`,
      ]),
    ),
    '',
  );
  return out;
}

function transitionsSection(results: ScaleResults): string[] {
  const { result, run } = results.transitions;
  const head = [
    '### AWS re-tags of a packed estate (bench/retag-transitions.ts)',
    '',
    `\`node --import tsx bench/retag-transitions.ts ${TRANSITIONS_ARGS.join(' ')}\`: 1k realistic at the AWS maximum, applied on the sandbox, then AWS workloads re-tagged one after another (tier → next tier); an accepted plan is applied and must converge, a refused one is tagged back.`,
    '',
  ];
  if (!result) return [...head, `Did not finish: ${run.killedWhy ?? `exit ${run.exit}`}.`, ''];
  const reasons = result.refused.map((r) => {
    const m = /\(class ([^)]+)\) would hold (\d+) (\w+) rules .*limit of (\d+)/.exec(r);
    return m ? `class ${m[1]}: would hold ${m[2]} ${m[3]} rules during the change (limit ${m[4]})` : r.slice(0, 200);
  });
  return [
    ...head,
    `**${result.applied} of ${result.picks}** applied and converged.`,
    ...(reasons.length > 0 ? ['', 'Refused (`transition-exceeds-quota`, nothing written):', ''] : []),
    ...reasons.map((r) => `- ${r}`),
    '',
  ];
}

function verdictSection(outcomes: readonly Outcome[], results: ScaleResults): string[] {
  const target = outcomes.find((o) => caseKey(o.case) === TARGET_CASE);
  const c = target?.phases.find((x) => x.name === 'compile');
  const p = target?.phases.find((x) => x.name === 'plan-empty');
  const fit = (spec: string) => results.fit.find((f) => f.spec === spec)?.row;
  const fitCell = (spec: string, row: FitResult | undefined) =>
    row ? `${spec}: ${refusal(row.refused)}, worst ${fmtInt(row.awsWorstUnits)} units/ENI` : `${spec}: not run`;
  const retagMs = results.retag.retags.map((r) => r.recompile.wall + r.plan.wall);
  const verified = outcomes.filter((o) => o.result?.verify);
  const disagreements = verified.reduce((s, o) => s + o.result!.verify!.disagreements, 0);
  const flows = verified.reduce((s, o) => s + o.result!.verify!.flows, 0);
  const met = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');
  const ratio = (ms: number, goal: number) => (ms > goal ? `, ~${Math.round(ms / goal)}×` : '');
  const fitsAll = (specs: string[]) => specs.every((s) => fit(s)?.refused.length === 0);
  const done = ['1k/100/1k/realistic/aws-max'];
  const aligned = ['10k/100/1k/sparse/aws-max/compress', '10k/100/1k/realistic/aws-max/compress'];
  const rows: string[][] = [
    [
      '100k workloads · 1,000 segments · 5,000 rules: compile + plan ≤ 2 s',
      c && p
        ? `compile ${fmtMs(c.ms)} + plan ∅ ${fmtMs(p.ms)} = **${fmtMs(c.ms + p.ms)}** (\`${TARGET_CASE}\`, budgets lifted)`
        : 'did not finish',
      c && p ? `${met(c.ms + p.ms <= GOAL.compilePlanMs)}${ratio(c.ms + p.ms, GOAL.compilePlanMs)}` : 'missed',
    ],
    [
      '… peak RSS < 1 GiB',
      c
        ? `peak **${fmtBytes(Math.max(c.peakRss, p?.peakRss ?? 0))}**, of which ${fmtBytes(c.rssBefore)} resident before compile (sandbox estate, inventory, state)`
        : '–',
      c ? met(Math.max(c.peakRss, p?.peakRss ?? 0) < GOAL.rss) : 'not measured',
    ],
    [
      'one re-tag at that size: recompile + plan ≤ 10 ms',
      retagMs.length > 0
        ? `median **${fmtMs(median(retagMs))}** over ${retagMs.length} re-tags (range ${fmtMs(Math.min(...retagMs))}-${fmtMs(Math.max(...retagMs))})`
        : 'did not finish',
      retagMs.length > 0
        ? `${met(median(retagMs)! <= GOAL.retagMs)}${ratio(median(retagMs)!, GOAL.retagMs)}`
        : 'missed',
    ],
    [
      '1k realistic fits the AWS maximum; Azure and GCP their limits',
      done.map((s) => fitCell(s, fit(s))).join('; '),
      met(fitsAll(done)),
    ],
    [
      '10k sparse and realistic fit with segment-aligned subnets (all three clouds)',
      aligned.map((s) => fitCell(s, fit(s))).join('; '),
      met(fitsAll(aligned)),
    ],
    [
      'verify: 0 disagreements where the estate applies',
      `${fmtInt(disagreements)} disagreements in ${fmtInt(flows)} flows over ${verified.length} cases`,
      met(verified.length > 0 ? disagreements === 0 : undefined),
    ],
    [
      'AWS re-tags of the packed 1k realistic estate apply',
      results.transitions.result
        ? `${results.transitions.result.applied} of ${results.transitions.result.picks}`
        : 'did not finish',
      results.transitions.result
        ? met(results.transitions.result.applied === results.transitions.result.picks)
        : 'not measured',
    ],
  ];
  return [
    '### Verdict against the targets (issues 4 and 9)',
    '',
    markdownTable(['target', 'measured', 'verdict'], rows),
    '',
  ];
}

function printedSections(results: ScaleResults): string[] {
  return results.printed.flatMap(({ title, command, run }) => [
    `### ${title}`,
    '',
    `\`${command}\`${run.exit === 0 ? '' : ` — did not finish: ${run.killedWhy ?? `exit ${run.exit}`}`}`,
    '',
    run.stdout.trim(),
    '',
  ]);
}

/** The issue 9 sections, verdict first; the benches that print their own report last. */
export function scaleSections(outcomes: readonly Outcome[], results: ScaleResults): string[] {
  return [
    ...verdictSection(outcomes, results),
    ...fitSection(results),
    ...retagSection(results),
    ...transitionsSection(results),
    ...printedSections(results),
  ];
}
