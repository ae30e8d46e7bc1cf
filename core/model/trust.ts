/**
 * Label trust (docs/semantics.md "Label trust"): whether a label change counts, given who made it.
 * Pure: the principal comes from the event (CloudTrail userIdentity, Event Grid claims, audit-log
 * principalEmail); the labels segsync honoured before come from the snapshot.
 *
 * Outcomes for a workload whose labels changed, on a cloud with a trust list:
 *   trusted principal         → the new labels count;
 *   untrusted principal       → refused: the old labels are kept (`keep`) or taken away (`quarantine`);
 *   no principal in the event → deferred: the old labels are kept until an event that names the
 *                               principal arrives (AWS `Tag Change on Resource` names none).
 */
import type { Cloud, Labels } from './cloud.ts';

/**
 * `spec.labelTrust` as the policy resolves it (core/policy/types.ts re-exports it): principal
 * patterns per cloud (`*` matches any run of characters); a cloud without a list trusts everyone.
 * Here, below the policy stage, so the adapters' event use case may judge label changes.
 */
export interface LabelTrust {
  onUntrusted: 'keep' | 'quarantine';
  aws?: readonly string[];
  azure?: readonly string[];
  gcp?: readonly string[];
}

/** Who made a change: `id` is the ARN, email or principal id; Azure events add their claims. */
export interface Actor {
  id: string;
  claims?: Readonly<Record<string, string>>;
}

export type TrustVerdict =
  { honour: true } | { honour: false; kind: 'refused' | 'deferred'; labels: Labels; reason: string };

/** Short names of the Entra ID claims an Azure pattern may use before `=`. */
const AZURE_CLAIMS: Readonly<Record<string, string>> = {
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  oid: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  name: 'name',
  appid: 'appid',
};

/** Whether the trust list of `cloud` admits `actor`; a cloud without a list admits everyone. */
export function trusted(trust: LabelTrust | undefined, cloud: Cloud, actor: Actor | undefined): boolean | undefined {
  const patterns = trust?.[cloud];
  if (!patterns) return true;
  if (!actor) return undefined;
  return patterns.some((p) => matchesActor(p, cloud, actor));
}

function matchesActor(pattern: string, cloud: Cloud, actor: Actor): boolean {
  const eq = cloud === 'azure' ? pattern.indexOf('=') : -1;
  if (eq < 0) return glob(pattern, actor.id);
  const claim = pattern.slice(0, eq);
  const value = actor.claims?.[AZURE_CLAIMS[claim] ?? claim] ?? actor.claims?.[claim];
  return value !== undefined && glob(pattern.slice(eq + 1), value);
}

/** `*` matches any run of characters (including none); everything else matches itself, case-sensitively. */
export function glob(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`, 's');
  return re.test(text);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The verdict on one workload's new labels. `before` is what segsync honoured (undefined: never
 * seen, i.e. no labels honoured yet).
 */
export function judgeLabels(
  trust: LabelTrust | undefined,
  cloud: Cloud,
  before: Labels | undefined,
  after: Labels,
  actor: Actor | undefined,
): TrustVerdict {
  if (!trust?.[cloud] || sameLabels(before ?? {}, after)) return { honour: true };
  const ok = trusted(trust, cloud, actor);
  if (ok) return { honour: true };
  if (ok === undefined)
    return {
      honour: false,
      kind: 'deferred',
      labels: before ?? {},
      reason: 'the event does not say who changed the labels; kept until an event that does',
    };
  return {
    honour: false,
    kind: 'refused',
    labels: trust.onUntrusted === 'quarantine' ? {} : (before ?? {}),
    reason: `${actor!.id} is not in labelTrust.${cloud}`,
  };
}

export function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
