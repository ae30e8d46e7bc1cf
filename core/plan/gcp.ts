/**
 * planGcp: desired GCP rules and tags vs the actual project state → ordered, owned-only steps.
 * Pure and deterministic: steps sorted by phase, then target.
 *
 * Invariants (DESIGN.md §3 make-before-break; CLOUD-FACTS.md §3.1, §3.4, §6.9):
 * - Rule names hash their content (compile/gcp-rules.ts), so there are only inserts and deletes:
 *   a rule whose target tags no instance carries yet is 'create'; one that widens tags already in
 *   use is 'authorize'; both run before any setTags ('membership'); a rule that goes away is
 *   'revoke' while instances still carry one of its tags after the membership phase, else
 *   'delete'. An owned rule whose content was edited by hand under its name is put back with
 *   'update-firewall' (authorize). Against an up-to-date state the plan is empty.
 * - Only rules passing isOwnedGcpFirewall are updated or deleted (Owned<T> in the step types); a
 *   foreign rule that holds a name segsync needs is an error finding, never touched.
 * - Membership: one setTags per instance whose tag SET differs, carrying the fingerprint read
 *   with the state (optimistic locking, §3.4: a stale one fails and the caller re-plans). Foreign
 *   tags are kept, except, with `exclusive`, those a widening foreign rule targets (gcp-foreign.ts).
 *   Tags of classes segsync no longer enforces on an instance are removed. More than
 *   tagsPerInstance tags (64, §3.3) refuses the plan with QuotaExceededError.
 */
import { gcpBudget, type GcpDesired, type GcpDesiredFirewall, type GcpMembership } from '../compile/gcp.ts';
import { firewallKey } from '../compile/gcp-rules.ts';
import { QuotaExceededError } from '../errors.ts';
import type { GcpFirewall, GcpInstance, GcpState } from '../model/native/gcp.ts';
import { assertOwned, isOwnedGcpFirewall, isOwnedGcpTag } from '../ownership.ts';
import { gcpAttachmentOf, gcpInstanceProject, gcpNetworkId, gcpZoneName } from '../model/ids.ts';
import { actualInstanceKey, firewallProject, foreignRules, instanceKey } from './gcp-foreign.ts';
import type { GcpSetTagsStep, GcpStep, GcpStepBase } from './gcp-steps.ts';
import { by } from '../model/compare.ts';
import { orderByPhase } from './phases.ts';
import type { Finding } from '../model/finding.ts';
import type { CompileContext } from '../model/budgets.ts';

export type {
  GcpDeleteFirewallStep,
  GcpInsertFirewallStep,
  GcpSetTagsStep,
  GcpStep,
  GcpStepBase,
  GcpUpdateFirewallStep,
} from './gcp-steps.ts';

/**
 * @example
 * const { steps } = planGcp(desired, (await gcpAdapter(apis).read()).state, { deploymentId: 'prod' }, { exclusive: false });
 * steps.map((s) => s.phase); // ['create', …, 'membership', …, 'delete']
 */
export function planGcp(
  desired: GcpDesired,
  actual: GcpState,
  ctx: CompileContext,
  options: { exclusive: boolean },
): { steps: GcpStep[]; findings: Finding[] } {
  const foreign = foreignRules(desired, actual);
  const tagsBefore = new Set(actual.instances.flatMap((i) => i.tags.items ?? []));
  const drop = options.exclusive ? foreign.widenedBy : new Map<string, Set<string>>();
  const membership = membershipSteps(desired, actual, ctx, drop);
  const tagsAfter = new Set(
    actual.instances.flatMap((i) => membership.itemsAfter.get(actualInstanceKey(i)) ?? i.tags.items ?? []),
  );
  const rules = firewallSteps(desired, actual, tagsBefore, tagsAfter);
  // By target inside a phase (the stable phase order keeps it).
  const steps = orderByPhase([...rules.steps, ...membership.steps].sort(by((s) => s.target)));
  return { steps, findings: [...foreign.findings, ...rules.findings, ...membership.findings] };
}

function firewallSteps(
  desired: GcpDesired,
  actual: GcpState,
  tagsBefore: Set<string>,
  tagsAfter: Set<string>,
): { steps: GcpStep[]; findings: Finding[] } {
  const dep = desired.deploymentId;
  const key = (project: string, name: string) => `${project}/${name}`;
  const present = new Map(actual.firewalls.map((fw) => [key(firewallProject(fw), fw.name), fw] as const));
  const wanted = new Set(desired.firewalls.map((d) => key(d.project, d.firewall.name)));
  const steps: GcpStep[] = [];
  const findings: Finding[] = [];
  for (const d of desired.firewalls) {
    const a = present.get(key(d.project, d.firewall.name));
    if (a === undefined) {
      const fresh = (d.firewall.targetTags ?? []).every((t) => !tagsBefore.has(t));
      steps.push({
        ...base(d, fresh ? 'create' : 'authorize'),
        kind: 'insert-firewall',
        phase: fresh ? 'create' : 'authorize',
        summary: `+ ${d.firewall.name}: ${summaryOf(d.firewall)}`,
        firewall: d.firewall,
      });
    } else if (!isOwnedGcpFirewall(a, dep)) {
      findings.push(nameTaken(d, dep));
    } else if (firewallKey(a) !== firewallKey(d.firewall)) {
      steps.push({
        ...base(d, 'authorize'),
        kind: 'update-firewall',
        phase: 'authorize',
        summary: `~ ${d.firewall.name}: edited by hand, put back: ${summaryOf(d.firewall)}`,
        firewall: d.firewall,
      });
    }
  }
  for (const a of actual.firewalls) {
    const project = firewallProject(a);
    if (!isOwnedGcpFirewall(a, dep) || wanted.has(key(project, a.name))) continue;
    const owned = assertOwned(a, (f) => isOwnedGcpFirewall(f, dep), `GCP firewall ${a.name}`);
    const targets = a.targetTags ?? [];
    const phase = targets.length === 0 || targets.some((t) => tagsAfter.has(t)) ? 'revoke' : 'delete';
    const network = gcpNetworkId(a.network);
    steps.push({
      cloud: 'gcp',
      scope: project,
      network,
      phase,
      kind: 'delete-firewall',
      target: `${project}/firewalls/${a.name}`,
      summary: `- ${a.name}: ${summaryOf(a)}`,
      firewall: owned,
    });
  }
  return { steps, findings };
}

function base(d: GcpDesiredFirewall, phase: 'create' | 'authorize'): Omit<GcpStepBase, 'kind' | 'summary'> {
  return {
    cloud: 'gcp',
    scope: d.project,
    network: d.network,
    phase,
    target: `${d.project}/firewalls/${d.firewall.name}`,
  };
}

interface MembershipResult {
  steps: GcpSetTagsStep[];
  findings: Finding[];
  itemsAfter: Map<string, string[]>;
}

function membershipSteps(
  desired: GcpDesired,
  actual: GcpState,
  ctx: CompileContext,
  drop: Map<string, Set<string>>,
): MembershipResult {
  const budget = gcpBudget(ctx);
  const dep = desired.deploymentId;
  const want = new Map(desired.memberships.map((m) => [instanceKey(m.project, m.zone, m.instance), m] as const));
  const result: MembershipResult = { steps: [], findings: [], itemsAfter: new Map() };
  const seen = new Set<string>();
  for (const inst of [...actual.instances].sort((a, b) => (actualInstanceKey(a) < actualInstanceKey(b) ? -1 : 1))) {
    const k = actualInstanceKey(inst);
    seen.add(k);
    const m = want.get(k);
    const current = inst.tags.items ?? [];
    const dropped = drop.get(k) ?? new Set<string>();
    const kept = current.filter((t) => !isOwnedGcpTag(t, dep) && !dropped.has(t));
    const items = [...new Set([...kept, ...(m?.tags ?? [])])].sort();
    result.itemsAfter.set(k, items);
    if (sameSet(current, items)) continue;
    if (items.length > budget.tagsPerInstance) throw tooManyTags(inst, m, items.length, budget.tagsPerInstance);
    result.steps.push(setTags(inst, m, current, items));
  }
  for (const [k, m] of want) if (!seen.has(k)) result.findings.push(missingInstance(m));
  return result;
}

function setTags(inst: GcpInstance, m: GcpMembership | undefined, previous: string[], items: string[]): GcpSetTagsStep {
  const project = gcpInstanceProject(inst) ?? '';
  const nic0 = inst.networkInterfaces[0];
  const added = items.filter((t) => !previous.includes(t));
  const removed = previous.filter((t) => !items.includes(t));
  return {
    cloud: 'gcp',
    scope: project,
    phase: 'membership',
    kind: 'set-tags',
    network: m?.network ?? (nic0 ? gcpNetworkId(nic0.network) : ''),
    target: nic0 ? gcpAttachmentOf(inst, nic0) : `gcp:${project}/${gcpZoneName(inst.zone)}/${inst.name}`,
    summary: `~ ${gcpZoneName(inst.zone)}/${inst.name} tags${added.length ? ` +${added.join(' +')}` : ''}${removed.length ? ` -${removed.join(' -')}` : ''}${m ? ` (segment ${m.className})` : ''}`,
    zone: gcpZoneName(inst.zone),
    instance: inst.name,
    items,
    fingerprint: inst.tags.fingerprint,
    previous: [...previous],
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  new Set(a).size === new Set(b).size && a.every((t) => b.includes(t));

function tooManyTags(
  inst: GcpInstance,
  m: GcpMembership | undefined,
  needed: number,
  allowed: number,
): QuotaExceededError {
  return new QuotaExceededError({
    segment: m?.className ?? '(none)',
    cloud: 'gcp',
    object: `instance ${gcpInstanceProject(inst) ?? ''}/${gcpZoneName(inst.zone)}/${inst.name}`,
    limit: 'network tags per instance',
    allowed,
    needed,
    hint: "segsync adds one tag and keeps the instance's foreign network tags; remove foreign tags it no longer needs",
  });
}

function nameTaken(d: GcpDesiredFirewall, dep: string): Finding {
  return {
    severity: 'error',
    code: 'firewall-name-taken',
    cloud: 'gcp',
    target: `${d.project}/firewalls/${d.firewall.name}`,
    message: `a firewall rule named "${d.firewall.name}" exists without segsync's ownership marker (a description starting "segsync:${dep}"); segsync will not overwrite it, so this rule cannot be created`,
    hint: 'rename or delete that rule (the ss-<deployment>- prefix is reserved for segsync)',
  };
}

function missingInstance(m: GcpMembership): Finding {
  return {
    severity: 'warning',
    code: 'instance-missing',
    cloud: 'gcp',
    target: m.attachment,
    message: `instance ${m.project}/${m.zone}/${m.instance} (segment ${m.className}) was in the inventory but not in the state read after it; its tags are left for the next run`,
  };
}

/** `INGRESS allow tcp:443 from 2 tag(s) → ss-prod-web-…` for plan output. */
function summaryOf(fw: GcpFirewall): string {
  const action = fw.allowed?.length ? 'allow' : 'deny';
  const protocols = (fw.allowed?.length ? fw.allowed : (fw.denied ?? []))
    .map((p) => `${p.IPProtocol}${p.ports ? `:${p.ports.join(',')}` : ''}`)
    .join(' ');
  const peers =
    fw.direction === 'INGRESS'
      ? `from ${[...(fw.sourceTags ?? []), ...(fw.sourceRanges ?? [])].slice(0, 3).join(', ')}${count(fw.sourceTags, fw.sourceRanges)}`
      : `to ${(fw.destinationRanges ?? []).slice(0, 3).join(', ')}${count(fw.destinationRanges)}`;
  return `${fw.direction} ${action} ${protocols} ${peers} → ${(fw.targetTags ?? ['all instances']).join(', ')} (priority ${fw.priority})`;
}

function count(...lists: Array<string[] | undefined>): string {
  const n = lists.reduce((acc, l) => acc + (l?.length ?? 0), 0);
  return n > 3 ? ` (+${n - 3} more)` : '';
}
