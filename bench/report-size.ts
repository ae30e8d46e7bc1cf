/** Report sections on size: native objects against quotas and the naive translation, the estates, what compile asks for. */
import { DEFAULT_BUDGETS } from '../core/model/budgets.ts';
import { fmtInt, markdownTable } from './measure.ts';
import { CLOUDS, caseLabel, AWS_MAX } from './cases.ts';
import type { Outcome } from './child-process.ts';

/** Region-wide AWS quotas the compiler does not budget (the GCP project quota is a budget: DEFAULT_BUDGETS). */
export const DEFAULT_QUOTAS = { awsGroupsPerRegion: 2500, awsPrefixListsPerRegion: 100 };

/** Native size per cloud after the full apply, against default quotas and the naive translation. */
export function nativeSizeSection(outcomes: readonly Outcome[]): string[] {
  const out: string[] = [];
  const mk = (h: string[], rows: string[][]) => out.push(markdownTable(h, rows), '');
  out.push('### Native size per cloud (after the full apply) against quotas and the naive translation', '');
  const q = DEFAULT_BUDGETS;
  const flag = (v: number, limit: number) => `${fmtInt(v)}${v > limit ? ' ⚠' : ''}`;
  mk(
    [
      'case',
      'AWS SGs (max/region ≤2500)',
      'AWS rule units',
      'AWS max rules/SG/dir/fam (≤ budget: 60, or 200 with AWS 1000)',
      'AWS max SGs/ENI ≤5',
      'AWS PLs (max/region ≤100)',
      'AWS max PL entries ≤1000',
      'naive AWS rules (max/workload)',
    ],
    outcomes
      .filter((o) => o.result?.native)
      .map((o) => {
        const n = o.result!.native!.aws;
        const nv = o.result!.naive!;
        return [
          caseLabel(o.case),
          `${fmtInt(n.groups)} (${flag(n.maxGroupsPerRegion, DEFAULT_QUOTAS.awsGroupsPerRegion)})`,
          fmtInt(n.ruleUnits),
          flag(
            n.maxRulesPerGroupDirFamily,
            o.case.aws === 'max'
              ? AWS_MAX.rulesPerGroupPerDirectionPerFamily
              : q.aws.rulesPerGroupPerDirectionPerFamily,
          ),
          flag(n.maxGroupsPerEni, q.aws.groupsPerInterface),
          `${fmtInt(n.prefixLists)} (${flag(n.maxPrefixListsPerRegion, DEFAULT_QUOTAS.awsPrefixListsPerRegion)})`,
          flag(n.maxPrefixListEntries, q.aws.prefixListMaxEntries),
          `${fmtInt(nv.rules.aws)} (${fmtInt(nv.maxPerWorkload.aws)})`,
        ];
      }),
  );
  mk(
    [
      'case',
      'Azure NSGs',
      'Azure rules',
      'max rules/NSG ≤1000',
      'ASGs',
      'max ASGs/ipconfig ≤20',
      'max ASGs/NSG ≤100',
      'max prefixes/NSG side ≤4000',
      'naive Azure rules (max/workload)',
    ],
    outcomes
      .filter((o) => o.result?.native)
      .map((o) => {
        const n = o.result!.native!.azure;
        const nv = o.result!.naive!;
        return [
          caseLabel(o.case),
          fmtInt(n.nsgs),
          fmtInt(n.rules),
          flag(n.maxRulesPerNsg, q.azure.rulesPerNsg),
          fmtInt(n.asgs),
          flag(n.maxAsgsPerIpConfig, q.azure.asgsPerIpConfiguration),
          flag(n.maxAsgsPerNsg, q.azure.asgsPerNsg),
          flag(n.maxPrefixesPerNsgSide, q.azure.prefixesPerNsgSide),
          `${fmtInt(nv.rules.azure)} (${fmtInt(nv.maxPerWorkload.azure)})`,
        ];
      }),
  );
  mk(
    [
      'case',
      'GCP firewall rules',
      'max/project ≤500',
      'max tags/instance ≤64',
      'max ranges/rule ≤5000',
      'max source tags/rule ≤30',
      'max target tags/rule ≤70',
      'naive GCP rules (max/workload)',
    ],
    outcomes
      .filter((o) => o.result?.native)
      .map((o) => {
        const n = o.result!.native!.gcp;
        const nv = o.result!.naive!;
        return [
          caseLabel(o.case),
          fmtInt(n.firewalls),
          flag(n.maxFirewallsPerProject, DEFAULT_BUDGETS.gcp.firewallsPerProject),
          flag(n.maxTagsPerInstance, q.gcp.tagsPerInstance),
          flag(n.maxRangesPerRule, q.gcp.rangesPerRule),
          flag(n.maxSourceTagsPerRule, q.gcp.sourceTagsPerRule),
          flag(n.maxTargetTagsPerRule, q.gcp.targetTagsPerRule),
          `${fmtInt(nv.rules.gcp)} (${fmtInt(nv.maxPerWorkload.gcp)})`,
        ];
      }),
  );
  return out;
}

/** The estates, and what compile asks for before any cloud. */
export function estatesSection(outcomes: readonly Outcome[]): string[] {
  const out: string[] = [];
  const mk = (h: string[], rows: string[][]) => out.push(markdownTable(h, rows), '');
  out.push('### The estates', '');
  mk(
    [
      'case',
      'workloads',
      'enforced',
      'monitored',
      'unmanaged',
      'networks',
      'classes',
      'deny rules',
      'plan ∅ steps aws/azure/gcp',
      'apply API writes aws/azure/gcp',
      'plan findings',
    ],
    outcomes
      .filter((o) => o.result)
      .map((o) => {
        const r = o.result!;
        return [
          caseLabel(o.case),
          fmtInt(r.counts.workloads),
          fmtInt(r.counts.enforced),
          fmtInt(r.counts.monitored),
          fmtInt(r.counts.unmanaged),
          fmtInt(r.counts.networks),
          fmtInt(r.counts.classes),
          fmtInt(r.counts.denyRules),
          r.planEmpty ? CLOUDS.map((c) => fmtInt(r.planEmpty!.steps[c])).join(' / ') : '–',
          r.applyWrites ? CLOUDS.map((c) => fmtInt(r.applyWrites![c])).join(' / ') : '–',
          r.planEmpty
            ? Object.entries(r.planEmpty.findings)
                .map(([k, n]) => `${k}×${n}`)
                .join(', ') || 'none'
            : '–',
        ];
      }),
  );
  const sized = outcomes.filter((o) => o.result?.desiredSize);
  if (sized.length > 0) {
    out.push('### What compile asks for (desired objects, before any cloud)', '');
    mk(
      [
        'case',
        'AWS SGs',
        'AWS rule units',
        'AWS max SGs per class',
        'AWS PLs',
        'AWS max PL entries',
        'Azure NSGs',
        'Azure rules',
        'Azure max rules/NSG',
        'ASGs',
        'GCP firewalls',
        'GCP max ranges/rule',
      ],
      sized.map((o) => {
        const d = o.result!.desiredSize!;
        return [
          caseLabel(o.case),
          fmtInt(d.aws.groups),
          fmtInt(d.aws.ruleUnits),
          fmtInt(d.aws.maxGroupsPerClass),
          fmtInt(d.aws.prefixLists),
          fmtInt(d.aws.maxPrefixListEntries),
          fmtInt(d.azure.nsgs),
          fmtInt(d.azure.rules),
          fmtInt(d.azure.maxRulesPerNsg),
          fmtInt(d.azure.asgs),
          fmtInt(d.gcp.firewalls),
          fmtInt(d.gcp.maxRangesPerRule),
        ];
      }),
    );
  }
  return out;
}
