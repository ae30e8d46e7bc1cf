/**
 * Deterministic names for the objects segsync creates (STYLE G6): built from the deployment id,
 * the class's readable name and its id (a hash), kept inside each cloud's length and alphabet,
 * trimmed from the left so the meaningful tail and the hash survive. Pure.
 */

export interface NameRule {
  max: number;
  /** Replaces every character the cloud does not allow. */
  sanitize(text: string): string;
}

/** AWS SG / prefix-list names: ≤255, a-zA-Z0-9 space ._-:/()#,@[]+=&;{}!$* (CLOUD-FACTS §1.3). */
export const AWS_NAME: NameRule = {
  max: 255,
  sanitize: (t) => t.replace(/[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, '_'),
};
/** Azure resource names: ≤80, word characters, '.', '-', '_', start and end with a word character (CLOUD-FACTS §2.1). */
export const AZURE_NAME: NameRule = {
  max: 80,
  sanitize: (t) => t.replace(/\+/g, '.').replace(/[^a-zA-Z0-9._-]/g, '_'),
};
/** GCP firewall names and network tags: ≤63, [a-z]([-a-z0-9]*[a-z0-9])? (CLOUD-FACTS §3.1, §3.3). */
export const GCP_NAME: NameRule = { max: 63, sanitize: (t) => t.toLowerCase().replace(/[^a-z0-9-]+/g, '-') };

/**
 * `<prefix><middle>-<suffix>`, trimming `middle` from the left when too long.
 * @example boundedName('ss-prod-', 'prod-web+pci', 'k3x9a0b1c2', GCP_NAME) // 'ss-prod-prod-web-pci-k3x9a0b1c2'
 */
export function boundedName(prefix: string, middle: string, suffix: string, rule: NameRule): string {
  const head = rule.sanitize(prefix);
  const tail = `-${rule.sanitize(suffix)}`;
  let mid = rule.sanitize(middle);
  const room = rule.max - head.length - tail.length;
  if (mid.length > room) mid = mid.slice(mid.length - Math.max(0, room));
  mid = mid.replace(/^[^a-zA-Z0-9]+/, '');
  return `${head}${mid}${mid ? '' : 'x'}${tail}`.replace(/-{2,}/g, '-').slice(0, rule.max);
}
