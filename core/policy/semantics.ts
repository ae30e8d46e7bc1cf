/**
 * Checks that need the whole document: duplicate names, references to segments and externals
 * that do not exist, and selectors that can never match a normalised label. Pure.
 *
 * Runs on the raw YAML data even when the schema found errors elsewhere, so one run reports
 * every mistake; it only looks at nodes that have the right type.
 */
import { didYouMean, type Diagnostic, type Severity } from '../diagnostics.ts';
import { LABEL_KEY_PATTERN } from './labels.ts';
import type { PositionIndex } from '../source/positions.ts';
import { selectorAllSpellings, selectorLabelRefs, trySelector } from './selector/index.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Reports one diagnostic at `path` (at `column` of that line when given). */
type Add = (
  severity: Severity,
  code: string,
  path: PropertyKey[],
  message: string,
  hint?: string,
  column?: number,
) => void;

export function checkSemantics(data: unknown, pos: PositionIndex): Diagnostic[] {
  const spec = isObj(data) && isObj(data.spec) ? data.spec : {};
  const out: Diagnostic[] = [];
  const add: Add = (severity, code, path, message, hint, column) =>
    out.push({
      code,
      severity,
      path,
      source: pos.at(path, column !== undefined ? { column } : {}),
      message,
      ...(hint ? { hint } : {}),
    });

  const segments = namesOf(spec.segments, ['spec', 'segments'], 'segment', add);
  const externals = namesOf(spec.externals, ['spec', 'externals'], 'external', add);
  namesOf(spec.rules, ['spec', 'rules'], 'rule', add);
  const labelKeys = isObj(spec.labels)
    ? list(spec.labels.keys).filter((k): k is string => typeof k === 'string')
    : undefined;

  labelKeys?.forEach((key, i) => {
    if (key !== key.trim().toLowerCase() || !LABEL_KEY_PATTERN.test(key)) {
      add(
        'error',
        'invalid-label-key',
        ['spec', 'labels', 'keys', i],
        `label key "${key}" can never match a normalised label`,
        `labels are lowercased and trimmed; write "${key.trim().toLowerCase()}"`,
      );
    }
  });
  const defaults = isObj(spec.defaults) ? spec.defaults : {};
  if (isObj(spec.labelTrust) && spec.labelTrust.onUntrusted === 'quarantine' && defaults.unlabeled !== 'quarantine')
    add(
      'error',
      'trust-quarantine-needs-unlabeled',
      ['spec', 'labelTrust', 'onUntrusted'],
      'labelTrust.onUntrusted: quarantine quarantines a workload by taking its labels away, which only quarantines it when unlabeled workloads are quarantined',
      'add `defaults: { unlabeled: quarantine }`, or use onUntrusted: keep',
    );
  list(spec.segments).forEach((seg, i) => {
    if (isObj(seg) && typeof seg.selector === 'string')
      checkSelector(seg.selector, ['spec', 'segments', i, 'selector'], labelKeys, add);
    if (isObj(seg) && seg.mode === 'monitor' && typeof seg.name === 'string') {
      add(
        'warning',
        'segment-monitor',
        ['spec', 'segments', i, 'mode'],
        `segment "${seg.name}" is in monitor mode: planned and reported, not enforced`,
        'set mode: enforce (or remove mode) to enforce it',
      );
    }
  });
  list(spec.externals).forEach((ext, i) => {
    if (!isObj(ext) || !isObj(ext.labels)) return;
    for (const [k, v] of Object.entries(ext.labels)) {
      if (
        k !== k.trim().toLowerCase() ||
        (typeof v === 'string' && v !== v.trim().toLowerCase()) ||
        !LABEL_KEY_PATTERN.test(k.trim().toLowerCase())
      ) {
        add(
          'error',
          'invalid-external-label',
          ['spec', 'externals', i, 'labels', k],
          `external label ${k}: ${String(v)} is not in canonical form`,
          'selectors compare against lowercased, trimmed labels; write keys and values in lowercase',
        );
      }
    }
  });
  list(spec.rules).forEach((rule, i) => {
    if (!isObj(rule)) return;
    for (const side of ['from', 'to'] as const) {
      checkPeer(rule[side], side, ['spec', 'rules', i, side], segments, externals, labelKeys, add);
    }
  });
  return out;
}

function namesOf(items: unknown, base: PropertyKey[], what: string, add: Add): Set<string> {
  const seen = new Map<string, number>();
  list(items).forEach((item, i) => {
    if (!isObj(item) || typeof item.name !== 'string') return;
    const first = seen.get(item.name);
    if (first !== undefined) {
      add(
        'error',
        `duplicate-${what}`,
        [...base, i, 'name'],
        `${what} "${item.name}" is defined twice (first at ${String(base[base.length - 1])}[${first}])`,
        `${what} names must be unique; rename or merge one of them`,
      );
    } else seen.set(item.name, i);
  });
  return new Set(seen.keys());
}

function checkPeer(
  peer: unknown,
  side: 'from' | 'to',
  path: PropertyKey[],
  segments: Set<string>,
  externals: Set<string>,
  labelKeys: string[] | undefined,
  add: Add,
): void {
  if (typeof peer === 'string') {
    if (segments.has(peer)) return;
    const hint = externals.has(peer)
      ? `"${peer}" is an external: write {external: ${peer}}`
      : didYouMean(peer, segments)
        ? `did you mean "${didYouMean(peer, segments)}"?`
        : `defined segments: ${[...segments].join(', ') || '(none)'}`;
    add('error', 'unknown-segment', path, `unknown segment "${peer}"`, hint);
    return;
  }
  if (!isObj(peer)) return;
  if (typeof peer.external === 'string' && !externals.has(peer.external)) {
    const suggestion = didYouMean(peer.external, externals);
    add(
      'error',
      'unknown-external',
      [...path, 'external'],
      `unknown external "${peer.external}"`,
      suggestion ? `did you mean "${suggestion}"?` : `defined externals: ${[...externals].join(', ') || '(none)'}`,
    );
  }
  if (side === 'to' && 'cidrs' in peer) {
    add(
      'error',
      'to-cidrs',
      [...path, 'cidrs'],
      '"to" cannot be a bare CIDR list',
      'declare the addresses as an external under spec.externals and write to: {external: <name>}',
    );
  }
  if (typeof peer.selector === 'string') checkSelector(peer.selector, [...path, 'selector'], labelKeys, add);
}

/** Labels are lowercased before matching, so an uppercase literal in a selector can never match. */
function checkSelector(text: string, path: PropertyKey[], labelKeys: string[] | undefined, add: Add): void {
  const parsed = trySelector(text);
  if (!parsed.ok) return; // the schema already reported it with its column
  for (const spelling of selectorAllSpellings(text)) {
    const what = spelling.spelling === 'empty' ? 'an empty selector' : 'global()';
    add(
      'warning',
      'selector-all-spelling',
      path,
      `${what} selects every workload, as all() does`,
      'write all(), which says so',
      spelling.column,
    );
  }
  const refs = selectorLabelRefs(parsed.selector);
  for (const key of new Set(refs.keys)) {
    if (key !== key.toLowerCase()) {
      add(
        'warning',
        'selector-uppercase',
        path,
        `selector names label key "${key}", which no normalised label can have`,
        `write "${key.toLowerCase()}"`,
        keyColumn(text, key),
      );
    } else if (labelKeys && !labelKeys.includes(key)) {
      // A near miss of a counted key is a typo in the selector: adding it to the list would hide it.
      const meant = didYouMean(key, labelKeys);
      add(
        'warning',
        'selector-key-not-counted',
        path,
        `selector names label key "${key}", which spec.labels.keys does not count`,
        meant ? `did you mean "${meant}"?` : `if "${key}" is a tag key you use, add it to spec.labels.keys`,
        keyColumn(text, key),
      );
    }
  }
  for (const { key, value } of refs.values) {
    if (value !== value.toLowerCase()) {
      add(
        'warning',
        'selector-uppercase',
        path,
        `selector compares ${key} with "${value}", which no normalised label value can equal`,
        `write "${value.toLowerCase()}"`,
        valueColumn(text, value),
      );
    }
  }
}

/** 1-based column of `key` as a whole label key (not inside a longer key such as `app` in `apps`). */
function keyColumn(text: string, key: string): number {
  const escaped = key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`(?<![A-Za-z0-9_./-])${escaped}(?![A-Za-z0-9_./-])`).exec(text);
  return (m?.index ?? 0) + 1;
}

/** 1-based column of the first character inside the quotes of the literal `value`. */
function valueColumn(text: string, value: string): number {
  const i = Math.max(text.indexOf(`'${value}'`), text.indexOf(`"${value}"`));
  return i < 0 ? 1 : i + 2;
}
