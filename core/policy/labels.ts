/**
 * Label normalisation: cloud tags (AWS tags, Azure tags, GCP labels) → canonical labels that
 * selectors match against (DESIGN.md §2 "Labels"). Pure: no I/O, no clock, no randomness.
 *
 * Invariants: the result is deterministic whatever the input order (keys sorted, problems
 * sorted); nothing is ever renamed or guessed; a collision is never resolved silently.
 *
 * ## Label rules (README)
 *
 * 1. Keys and values are trimmed (Unicode whitespace) and lowercased (`toLowerCase`, which is
 *    locale-independent). A missing value is the empty string.
 * 2. A key must be 1-512 characters from `A-Z a-z 0-9 _ . / -` after trimming, the characters and
 *    length a label name may have in a Calico selector (`kubernetes.io/role` and `team/owner` are
 *    fine). Any other key (`cost center`, `env:prod`, `ñ`) is reported as `label-key-invalid`
 *    and ignored; it is never rewritten into a valid one.
 * 3. Two or more tags that normalise to the same key with different values (`Tier=web` and
 *    `tier=db`, or ` tier` and `tier`) are a `label-collision`: reported with every original key
 *    and value, the key is left out of the labels, and `ok` is false (a workload error). If they
 *    normalise to the same value (`Tier=Web`, `tier=web`) they agree: one label, no problem.
 * 4. Values may contain anything. A value that contains both `'` and `"` is kept (`has(key)` and
 *    `!=` still see it) but no selector string literal can spell it (Calico strings have no
 *    escapes), so it is reported as `label-value-invalid`, a warning that does not affect `ok`.
 * 5. AWS: tags whose key starts with `aws:` (any case) are reserved system tags, not user labels;
 *    they are skipped silently. AWS tags are case-sensitive, so collisions are real there.
 *    Azure: tag names are case-insensitive in Azure, so collisions cannot come from the cloud,
 *    but they are handled the same way. GCP: labels are already lowercase `[a-z0-9_-]` keys;
 *    international characters, which GCP allows, are not selector characters (rule 2).
 * 6. The policy may restrict which keys count (`spec.labels.keys`); see `restrictLabels`.
 *
 * Label objects have no prototype and are frozen, so keys such as `constructor` or `__proto__`
 * behave like any other key (`labels['constructor']` is undefined unless the tag exists).
 */

import { compareStrings } from '../model/compare.ts';
import type { Cloud, LabelProblem, Labels } from '../model/cloud.ts';

// Re-exported: the library entry (core/index.ts) names them next to normalizeLabels.
export type { Cloud, LabelProblem, Labels };
/** `ok` is false iff a collision was found (a workload error); other problems are warnings. */
export interface NormalizedLabels {
  labels: Labels;
  problems: LabelProblem[];
  ok: boolean;
}

/** Longest label key: Calico's selector tokenizer accepts `[a-zA-Z0-9_./-]{1,512}`. */
export const LABEL_KEY_MAX_LENGTH = 512;
/**
 * A label key after trimming: the selector language's label characters. Tested on trimmed keys,
 * so it accepts upper case; labels themselves are lowercased afterwards.
 *
 * @example
 * LABEL_KEY_PATTERN.test('kubernetes.io/role'); // true
 * LABEL_KEY_PATTERN.test('cost center');        // false
 */
export const LABEL_KEY_PATTERN = /^[A-Za-z0-9_./-]{1,512}$/;

type Tags = Readonly<Record<string, string>> | ReadonlyArray<{ Key?: string; Value?: string }>;
interface Tag {
  key: string;
  value: string;
}
interface Candidate {
  original: Tag;
  value: string;
}

const isTagArray = (tags: Tags): tags is ReadonlyArray<{ Key?: string; Value?: string }> => Array.isArray(tags);
const quote = (t: Tag): string => `${JSON.stringify(t.key)}=${JSON.stringify(t.value)}`;

function toTags(tags: Tags): Tag[] {
  // Cloud APIs sometimes send null for an empty value; a missing value is the empty string.
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  if (isTagArray(tags)) return tags.map((t) => ({ key: str(t.Key), value: str(t.Value) }));
  return Object.entries(tags).map(([key, value]) => ({ key, value: str(value) }));
}

function invalidKey(tag: Tag): LabelProblem {
  const shown = tag.key.trim() === '' ? 'an empty key' : `key ${JSON.stringify(tag.key)}`;
  const tooLong = tag.key.trim().length > LABEL_KEY_MAX_LENGTH;
  return {
    code: 'label-key-invalid',
    key: tag.key,
    message: `tag ${quote(tag)} is ignored: ${shown} is not a valid label key${tooLong ? ` (longer than ${LABEL_KEY_MAX_LENGTH} characters)` : ''}`,
    hint: `label keys use only letters, digits and _ . / - (1-${LABEL_KEY_MAX_LENGTH} characters); rename the tag to use it in selectors`,
  };
}

function collision(key: string, candidates: Candidate[]): LabelProblem {
  const quoted = candidates.map((c) => quote(c.original));
  const all = `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1] ?? ''}`;
  return {
    code: 'label-collision',
    key,
    message: `tags ${all} normalise to the same label "${key}" with different values; the label is left out`,
    hint: `keep one tag for "${key}" on the instance (or give them the same value); segsync will not guess which one applies`,
  };
}

function unquotableValue(key: string, value: string): LabelProblem {
  return {
    code: 'label-value-invalid',
    key,
    message: `label ${key}=${value} contains both ' and ", so no selector can compare against its value (has(${key}) still works)`,
    hint: 'remove one kind of quote from the tag value',
  };
}

/** Group usable tags by normalised key; report invalid keys, skip reserved ones. */
function collect(cloud: Cloud, tags: Tag[], problems: LabelProblem[]): Map<string, Candidate[]> {
  const groups = new Map<string, Candidate[]>();
  for (const tag of tags) {
    const trimmed = tag.key.trim();
    if (cloud === 'aws' && trimmed.toLowerCase().startsWith('aws:')) continue;
    if (!LABEL_KEY_PATTERN.test(trimmed)) {
      problems.push(invalidKey(tag));
      continue;
    }
    const key = trimmed.toLowerCase();
    const group = groups.get(key) ?? [];
    group.push({ original: tag, value: tag.value.trim().toLowerCase() });
    groups.set(key, group);
  }
  return groups;
}

/**
 * Normalise one instance's tags into canonical labels (rules in the module comment).
 *
 * @example
 * normalizeLabels('aws', [{ Key: 'Tier', Value: 'Web ' }, { Key: 'aws:cloudformation:stack-name', Value: 'x' }]);
 * // { labels: { tier: 'web' }, problems: [], ok: true }
 * normalizeLabels('aws', { Tier: 'web', tier: 'db' }).ok; // false (label-collision on "tier")
 */
export function normalizeLabels(cloud: Cloud, tags: Tags): NormalizedLabels {
  const problems: LabelProblem[] = [];
  const groups = collect(cloud, toTags(tags), problems);
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  let ok = true;
  for (const key of [...groups.keys()].sort(compareStrings)) {
    const candidates = groups.get(key) ?? [];
    const values = new Set(candidates.map((c) => c.value));
    const [value] = values;
    if (values.size !== 1 || value === undefined) {
      problems.push(collision(key, candidates));
      ok = false;
      continue;
    }
    labels[key] = value;
    if (value.includes("'") && value.includes('"')) problems.push(unquotableValue(key, value));
  }
  problems.sort(
    (a, b) => compareStrings(a.key, b.key) || compareStrings(a.code, b.code) || compareStrings(a.message, b.message),
  );
  return { labels: Object.freeze(labels), problems, ok };
}

/**
 * Keep only the label keys the policy counts (`spec.labels.keys`, already canonical and
 * validated by the policy checks); `undefined` keeps every label.
 *
 * @example
 * restrictLabels({ tier: 'web', owner: 'bob' }, ['tier']); // { tier: 'web' }
 * restrictLabels({ tier: 'web' }, undefined);               // { tier: 'web' }
 */
export function restrictLabels(labels: Labels, keys: readonly string[] | undefined): Labels {
  if (keys === undefined) return labels;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of keys) {
    if (Object.hasOwn(labels, key)) out[key] = labels[key] as string;
  }
  return Object.freeze(out);
}
