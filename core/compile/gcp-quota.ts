/**
 * The GCP project quota FIREWALLS: every VPC firewall rule of a project counts, over all its
 * networks (CLOUD-FACTS-SCALE §3.1: 500 observed, adjustable by request, no published maximum).
 * A network's rules live in the project that owns the network (for a Shared VPC, the host
 * project), so the rules of every network of one project add up, catch-all denies included.
 *
 * Only segsync's own rules are counted: rules segsync does not own (other tools, a default
 * network's `default-allow-*`) use the same quota, but compile does not see them and does not
 * guess; a project that is full of them is refused by GCP at apply time (QUOTA_EXCEEDED).
 * Pure and deterministic.
 */
import { QuotaExceededError, type QuotaDetail } from '../errors.ts';
import type { GcpBudget } from '../model/budgets.ts';
import { compareStrings as cmp } from '../model/compare.ts';
import type { GcpFirewall } from '../model/native/gcp.ts';

/** How many of the segments most rules target a refusal names. */
const SEGMENTS_SHOWN = 5;

export interface ProjectRules {
  firewalls: ReadonlyArray<{ project: string; network: string; firewall: Pick<GcpFirewall, 'targetTags'> }>;
  /** Own tags → segment names (the memberships say which class each tag is). */
  memberships: ReadonlyArray<{ className: string; tags: readonly string[] }>;
}

/** Every project whose segsync rules exceed `firewallsPerProject`, in project order. */
export function projectQuotaViolations(desired: ProjectRules, budget: GcpBudget): QuotaDetail[] {
  const byProject = new Map<string, ProjectRules['firewalls'][number][]>();
  for (const fw of desired.firewalls) {
    const list = byProject.get(fw.project);
    if (list) list.push(fw);
    else byProject.set(fw.project, [fw]);
  }
  const segmentOf = new Map<string, string>();
  for (const m of desired.memberships) for (const t of m.tags) segmentOf.set(t, m.className);
  const out: QuotaDetail[] = [];
  for (const project of [...byProject.keys()].sort(cmp)) {
    const rules = byProject.get(project)!;
    if (rules.length <= budget.firewallsPerProject) continue;
    out.push(violation(project, rules, budget, segmentOf));
  }
  return out;
}

/** The violations as one error (all of them), or undefined when every project fits. */
export function projectQuotaRefusal(desired: ProjectRules, budget: GcpBudget): QuotaExceededError | undefined {
  const [first, ...more] = projectQuotaViolations(desired, budget);
  return first === undefined ? undefined : new QuotaExceededError(first, { more });
}

function violation(
  project: string,
  rules: ProjectRules['firewalls'][number][],
  budget: GcpBudget,
  segmentOf: ReadonlyMap<string, string>,
): QuotaDetail {
  const perNetwork = counts(rules.map((r) => r.network));
  // A rule shared by several segments (rules that differ only in target tags are already one
  // rule) counts for each: this ranks where the rules come from, it does not sum to `needed`.
  const perSegment = counts(rules.flatMap((r) => (r.firewall.targetTags ?? []).map((t) => segmentOf.get(t) ?? t)));
  const heaviest = perSegment.slice(0, SEGMENTS_SHOWN).map(([s, n]) => `${s} (${n})`);
  const networks = perNetwork.map(([n, k]) => `${n} (${k} rules)`).join(', ');
  return {
    segment: '',
    cloud: 'gcp',
    object: `project ${project}`,
    limit: 'VPC firewall rules (Compute Engine quota FIREWALLS, over all networks of the project)',
    allowed: budget.firewallsPerProject,
    needed: rules.length,
    hint: "segsync's own rules only: rules segsync does not own in the project use the same quota and are not visible at compile time",
    network: networks,
    fixes: [
      `request a quota increase: Compute Engine API quota FIREWALLS for project ${project}, to at least ${rules.length} plus the rules segsync does not own there; then set limits.gcp.firewallsPerProject (or --limit gcp.firewallsPerProject=N) to the granted value`,
      `allow fewer distinct port sets: each one a segment sends or receives costs a rule per direction and address family (rules that differ only in their target segments are already one rule per ${budget.targetTagsPerRule} targets); the segments most rules target: ${heaviest.join(', ')}${perSegment.length > SEGMENTS_SHOWN ? `, and ${perSegment.length - SEGMENTS_SHOWN} more` : ''}`,
      ...(perNetwork.length > 1 ? ['move one of these networks to another project: the quota is per project'] : []),
    ],
  };
}

/** Occurrences per value, most first, ties by name. */
function counts(values: readonly string[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].sort(([a, x], [b, y]) => y - x || cmp(a, b));
}
