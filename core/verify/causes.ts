/**
 * Disagreements grouped by cause: the native object whose rule decided (an AWS security group,
 * an Azure NSG, a GCP firewall rule, or a cloud's implied rule) and which way it errs. One
 * foreign group such as the VPC default group can re-open thousands of flows; a person reads
 * "sg-1 (default, foreign) re-opens 1,328 flows: e.g. …", not 1,328 lines. Pure.
 */
import { compareNumbers, compareStrings } from '../model/compare.ts';
import type { NativeState } from '../model/native/index.ts';
import { isOwnedAws, isOwnedAzure, isOwnedGcpFirewall } from '../ownership.ts';
import type { NativeObject } from './flow.ts';
import type { Disagreement } from './index.ts';

export interface Cause {
  /** The native object whose rule decided; absent for a cloud's implied rule (e.g. AWS implied deny). */
  object?: NativeObject;
  /** Who owns the object: segsync (this deployment), foreign, or unknown (no deployment id given, or no object). */
  owner: 'segsync' | 'foreign' | 'unknown';
  /** `opens`: the cloud allows what the policy denies; `cuts`: the cloud denies what the policy allows. */
  effect: 'opens' | 'cuts';
  /** Disagreements with this cause. */
  count: number;
  /** A few of them, in verify's order, each of a different (src, dst) pair. */
  examples: Disagreement[];
}

export const CAUSE_EXAMPLES = 3;

/**
 * @example
 * groupByCause(result.disagreements, native, 'prod');
 * // [{ object: { kind: 'aws-security-group', id: 'sg-1', name: 'default' }, owner: 'foreign', effect: 'opens', count: 1328, examples: [...] }]
 */
export function groupByCause(
  disagreements: readonly Disagreement[],
  native: NativeState,
  deploymentId?: string,
): Cause[] {
  const groups = new Map<string, Cause>();
  for (const d of disagreements) {
    const effect = d.actual ? 'opens' : 'cuts';
    const key = `${effect}|${d.nativeObject ? `${d.nativeObject.kind}|${d.nativeObject.id}` : implied(d)}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = {
        ...(d.nativeObject ? { object: d.nativeObject } : {}),
        owner: ownerOf(d.nativeObject, native, deploymentId),
        effect,
        count: 0,
        examples: [],
      };
      groups.set(key, g);
    }
    g.count++;
    // Examples of different workload pairs say more than three ports of one pair.
    if (
      g.examples.length < CAUSE_EXAMPLES &&
      !g.examples.some((e) => e.flow.src === d.flow.src && e.flow.dst === d.flow.dst)
    )
      g.examples.push(d);
  }
  return [...groups.entries()]
    .sort(([ka, a], [kb, b]) => compareNumbers(b.count, a.count) || compareStrings(ka, kb))
    .map(([, g]) => g);
}

/** A cloud's implied rule, by its wording without the per-attachment part. */
function implied(d: Disagreement): string {
  return `implied|${d.side}|${d.nativeRule.replace(/ \(.*$/, '').replace(/ at \S+$/, '')}`;
}

function ownerOf(object: NativeObject | undefined, native: NativeState, deploymentId?: string): Cause['owner'] {
  if (object === undefined || deploymentId === undefined) return 'unknown';
  switch (object.kind) {
    case 'aws-security-group': {
      const sg = native.aws.SecurityGroups.find((g) => g.GroupId === object.id);
      return sg && isOwnedAws(sg.Tags, deploymentId) ? 'segsync' : 'foreign';
    }
    case 'azure-nsg': {
      const nsg = native.azure.networkSecurityGroups.find((n) => n.id.toLowerCase() === object.id.toLowerCase());
      return nsg && isOwnedAzure(nsg.tags, deploymentId) ? 'segsync' : 'foreign';
    }
    case 'gcp-firewall': {
      const fw = native.gcp.firewalls.find((f) => f.name === object.name);
      return fw && isOwnedGcpFirewall(fw, deploymentId) ? 'segsync' : 'foreign';
    }
  }
}

/**
 * One line per cause, for a terminal.
 * @example
 * causeLine(cause); // 'sg-1 (default, foreign) re-opens 1,328 flows: e.g. i-web1 → i-db1 tcp/22 (egress), …'
 */
export function causeLine(c: Cause): string {
  const who = c.object
    ? `${c.object.kind === 'gcp-firewall' ? `firewall ${c.object.name}` : c.object.kind === 'azure-nsg' ? `NSG ${c.object.name}` : `${c.object.id} (${c.object.name}`}`
    : `implied rule "${c.examples[0] ? implied(c.examples[0]).split('|')[2] : ''}"`;
  const owner = c.owner === 'unknown' ? '' : c.owner;
  const label =
    c.object?.kind === 'aws-security-group'
      ? `${who}${owner ? `, ${owner}` : ''})`
      : `${who}${owner ? ` (${owner})` : ''}`;
  const verb = c.effect === 'opens' ? 're-opens' : 'cuts';
  const plural = c.count === 1 ? 'flow' : 'flows';
  const eg = c.examples.map(flowText).join(', ');
  return `${label} ${verb} ${thousands(c.count)} ${plural} the policy ${c.effect === 'opens' ? 'denies' : 'allows'}: e.g. ${eg}${c.count > c.examples.length ? ', …' : ''}`;
}

export function flowText(d: Disagreement): string {
  const port = d.flow.port !== undefined ? `/${d.flow.port}` : '';
  return `${d.flow.src} → ${d.flow.dst} ${d.flow.protocol}${port} (${d.side})`;
}

/** 1328 → '1,328' (no locale: core output is deterministic). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * verify's verdict for a terminal: one line per cause (at most `limit`), then the totals.
 * @example
 * renderVerdict(result); // 'sg-1 (default, foreign) re-opens 1,328 flows …\n7828 flows, 4104 enforced sides checked: 1328 disagreements.\n'
 */
export function renderVerdict(
  result: { flows: number; checked: number; disagreements: readonly unknown[]; causes: readonly Cause[] },
  limit = 10,
): string {
  const lines = result.causes.slice(0, limit).map((c) => `  ${causeLine(c)}`);
  if (result.causes.length > limit)
    lines.push(
      `  … and ${result.causes.length - limit} more ${result.causes.length - limit === 1 ? 'cause' : 'causes'} (--json lists all)`,
    );
  lines.push(
    `${result.flows} flows, ${result.checked} enforced sides checked: ${result.disagreements.length} ${result.disagreements.length === 1 ? 'disagreement' : 'disagreements'}.`,
  );
  return `${lines.join('\n')}\n`;
}
