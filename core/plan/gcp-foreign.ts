/**
 * Foreign VPC firewall rules that reach managed instances past segsync's catch-all denies.
 * Pure: reports, and (for `exclusive: true`) names the foreign network tags that let them in.
 *
 * Why priority decides (CLOUD-FACTS.md §3.1, §6.2): the highest-priority matching rule wins and
 * deny beats allow only at equal priority. segsync's allows sit at 100 and its catch-all denies at
 * 101, so a foreign allow at ≤ 100 can open what the policy denies ('foreign-rule-widens'), and a
 * foreign deny at ≤ 100 can close what it allows ('foreign-rule-narrows'). Anything at ≥ 101 is
 * shadowed (a foreign allow at exactly 101 ties with the deny and loses), whatever it targets.
 * A foreign rule reaches an instance when it has no targetTags or shares a tag with it. Tags are
 * the only lever segsync has on instances: with `exclusive` it removes foreign tags that such an
 * allow targets; a rule without targetTags (every instance) can only be reported.
 */
import { plural } from '../diagnostics.ts';
import { by } from '../model/compare.ts';
import { ALLOW_PRIORITY, DENY_PRIORITY } from '../compile/gcp-rules.ts';
import type { GcpDesired } from '../compile/gcp.ts';
import type { GcpFirewall, GcpInstance, GcpState } from '../model/native/gcp.ts';
import { isOwnedGcpFirewall, isOwnedGcpTag } from '../ownership.ts';
import { gcpInstanceProject, gcpNetworkPath, gcpZoneName } from '../model/ids.ts';
import type { Finding } from '../model/finding.ts';

/** `<project>/<zone>/<name>`: how plan and desired memberships meet actual instances. */
export function instanceKey(project: string, zone: string, name: string): string {
  return `${project}/${zone}/${name}`;
}

export function actualInstanceKey(inst: GcpInstance): string {
  return instanceKey(gcpInstanceProject(inst) ?? '', gcpZoneName(inst.zone), inst.name);
}

/** The project a rule lives in: from its selfLink, else from its network path. */
export function firewallProject(fw: GcpFirewall): string {
  return (
    /(?:^|\/)projects\/([^/]+)\//.exec(fw.selfLink ?? '')?.[1] ??
    /(?:^|\/)projects\/([^/]+)\//.exec(fw.network)?.[1] ??
    ''
  );
}

export interface ForeignReport {
  findings: Finding[];
  /** Per instance key: foreign tags that only serve to let a widening foreign rule in. */
  widenedBy: Map<string, Set<string>>;
}

export function foreignRules(desired: GcpDesired, actual: GcpState): ForeignReport {
  const dep = desired.deploymentId;
  const tagsByKey = new Map(actual.instances.map((i) => [actualInstanceKey(i), i.tags.items ?? []] as const));
  // Monitor-mode instances are not enforced: foreign rules on them are their own business.
  const managed = desired.memberships
    .filter((m) => m.monitored !== true)
    .map((m) => {
      const key = instanceKey(m.project, m.zone, m.instance);
      return { key, network: m.network.replace(/^gcp:/, ''), tags: tagsByKey.get(key) ?? [] };
    });
  const networks = new Set(desired.networks.map((n) => n.replace(/^gcp:/, '')));
  const report: ForeignReport = { findings: [], widenedBy: new Map() };
  const rules = actual.firewalls.filter(
    (fw) => fw.disabled !== true && !isOwnedGcpFirewall(fw, dep) && networks.has(gcpNetworkPath(fw.network)),
  );
  for (const fw of [...rules].sort(by((fw) => fw.name))) {
    const allows = (fw.allowed ?? []).length > 0;
    if (fw.priority >= (allows ? DENY_PRIORITY : ALLOW_PRIORITY + 1)) continue;
    const targets = fw.targetTags ?? [];
    const hit = managed.filter(
      (m) =>
        m.network === gcpNetworkPath(fw.network) && (targets.length === 0 || m.tags.some((t) => targets.includes(t))),
    );
    if (hit.length === 0) continue;
    report.findings.push(allows ? widens(fw, hit.length) : narrows(fw, hit.length));
    if (!allows) continue;
    for (const m of hit) {
      const foreignTags = m.tags.filter((t) => targets.includes(t) && !isOwnedGcpTag(t, dep));
      if (foreignTags.length === 0) continue;
      const set = report.widenedBy.get(m.key) ?? new Set<string>();
      for (const t of foreignTags) set.add(t);
      report.widenedBy.set(m.key, set);
    }
  }
  return report;
}

const targetText = (fw: GcpFirewall) =>
  (fw.targetTags ?? []).length === 0 ? 'every instance of the network' : `tags ${(fw.targetTags ?? []).join(', ')}`;

/** A warning that foreign `action` rule `fw` is evaluated before `before` (which goes on to say what that does). */
function foreignRuleFinding(
  fw: GcpFirewall,
  [code, action]: ['foreign-rule-widens', 'allow'] | ['foreign-rule-narrows', 'deny'],
  before: string,
  hint: string,
): Finding {
  return {
    severity: 'warning',
    code,
    cloud: 'gcp',
    target: `${firewallProject(fw)}/firewalls/${fw.name}`,
    message: `foreign ${fw.direction.toLowerCase()} ${action} rule "${fw.name}" at priority ${fw.priority} (targets ${targetText(fw)}) is evaluated before ${before}`,
    hint,
  };
}

function widens(fw: GcpFirewall, count: number): Finding {
  return foreignRuleFinding(
    fw,
    ['foreign-rule-widens', 'allow'],
    `segsync's catch-all deny at ${DENY_PRIORITY} and can open flows the policy denies on ${plural(count, 'managed instance')}`,
    (fw.targetTags ?? []).length === 0
      ? `raise its priority number above ${DENY_PRIORITY - 1} or give it targetTags that managed instances do not carry`
      : `raise its priority number above ${DENY_PRIORITY - 1}, or set exclusive: true to remove the foreign tags it targets from managed instances`,
  );
}

function narrows(fw: GcpFirewall, count: number): Finding {
  return foreignRuleFinding(
    fw,
    ['foreign-rule-narrows', 'deny'],
    `segsync's allows at ${ALLOW_PRIORITY} (deny wins ties) and can block flows the policy allows on ${plural(count, 'managed instance')}`,
    `raise its priority number above ${ALLOW_PRIORITY} if the policy should decide`,
  );
}
