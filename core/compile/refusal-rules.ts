/**
 * What a refusal tells the user about the policy (issue 9: every refusal names the rules, file:line,
 * that bring the weight, and the smallest fixes). Shared by the AWS and Azure compilers. Pure.
 */
import { compareStrings as cmp } from '../model/compare.ts';
import type { Labels } from '../model/cloud.ts';
import { selectorMatches } from '../policy/selector/index.ts';
import type { Peer, Policy } from '../policy/types.ts';

/** How many rules a refusal lists by name; the rest are counted. */
const SHOWN = 8;

/**
 * Allow rules that match the refused class on its side and a peer class on the other, heaviest
 * (most peer members) first, as `file:line name (N peer members)`.
 */
export function rulesBringing(
  policy: Pick<Policy, 'rules'>,
  self: Labels,
  direction: 'ingress' | 'egress',
  peers: ReadonlyMap<string, number>,
  labelsOf: (classId: string) => Labels,
): string[] {
  const weight = new Map<string, number>();
  for (const rule of policy.rules) {
    if (rule.action !== 'allow') continue;
    const [own, other] = direction === 'ingress' ? [rule.to, rule.from] : [rule.from, rule.to];
    if (!labelPeerMatches(own, self)) continue;
    let n = 0;
    for (const [id, members] of peers) if (labelPeerMatches(other, labelsOf(id))) n += members;
    if (n > 0) weight.set(rule.source ? `${rule.source.file}:${rule.source.line} ${rule.name}` : rule.name, n);
  }
  const sorted = [...weight.entries()].sort(([a, x], [b, y]) => y - x || cmp(a, b));
  const shown = sorted.slice(0, SHOWN).map(([name, n]) => `${name} (${n} peer members)`);
  return sorted.length > SHOWN ? [...shown, `and ${sorted.length - SHOWN} more`] : shown;
}

/** The "narrow the rules" fix over `rulesBringing`'s output, or none when no rule was found. */
export function narrowRulesFix(rules: readonly string[]): string | undefined {
  const named = rules.filter((r) => !r.startsWith('and ')).slice(0, 3);
  if (named.length === 0) return undefined;
  return `narrow the rules that bring the most peers (${named
    .map((r) => r.replace(/ \(\d+ peer members\)$/, ''))
    .join(', ')}): fewer peer segments or ports`;
}

function labelPeerMatches(peer: Peer, labels: Labels): boolean {
  return (peer.kind === 'segment' || peer.kind === 'selector') && selectorMatches(peer.selector, labels);
}
