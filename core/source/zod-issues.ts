/**
 * Turns zod issues into diagnostics a person can act on: the path, what was expected, what was
 * found, and a hint. Pure; shared by every user file format (policies, estates), which differ
 * only in their root schema, their union forms and the codes of their own checks.
 */
import { z } from 'zod';
import { didYouMean, type Diagnostic } from '../diagnostics.ts';
import type { PositionIndex } from './positions.ts';

export type Issue = z.core.$ZodIssue;

export interface IssueMapping {
  /** The document's schema, for "did you mean" among the keys allowed at a path. */
  root: z.core.$ZodType;
  /** Which branch of a union the user evidently meant (by the input's shape), if the format has unions. */
  unionBranch?: (input: unknown, path: readonly PropertyKey[]) => number | undefined;
  /** What a union accepts, for the message when no branch fits. */
  unionForms?: string;
  /** Union branch names to suggest when an object has one unknown key. */
  unionKeys?: string[];
  /** The code of a custom check's issue, when its params carry none. */
  customCode?: (path: readonly PropertyKey[]) => string;
}

export function zodIssuesToDiagnostics(
  issues: readonly Issue[],
  data: unknown,
  pos: PositionIndex,
  mapping: IssueMapping,
): Diagnostic[] {
  return issues.flatMap((issue) => convert(issue, [], data, pos, mapping));
}

function convert(
  issue: Issue,
  prefix: PropertyKey[],
  data: unknown,
  pos: PositionIndex,
  m: IssueMapping,
): Diagnostic[] {
  const path = [...prefix, ...issue.path];
  const input = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(m.root, path);
        const suggestion = didYouMean(key, known);
        return diag(
          'unknown-key',
          [...path, key],
          pos.at(path, { key }),
          `unknown field "${key}"`,
          suggestion ? `did you mean "${suggestion}"?` : `allowed here: ${known.join(', ')}`,
        );
      });
    case 'invalid_union':
      return unionIssue(issue, path, input, data, pos, m);
    case 'invalid_type':
      return [typeIssue(issue.expected, path, input, pos)];
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const suggestion = typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : undefined;
      return [
        diag(
          'invalid-value',
          path,
          pos.at(path),
          `expected ${allowed.join(' or ')}, found ${describe(input)}`,
          suggestion ? `did you mean "${suggestion}"?` : undefined,
        ),
      ];
    }
    case 'too_small':
      return [
        diag(
          Array.isArray(input) ? 'empty-list' : 'empty-value',
          path,
          pos.at(path),
          Array.isArray(input) ? 'must list at least one item' : 'must not be empty',
        ),
      ];
    case 'custom': {
      const params = (issue.params ?? {}) as { code?: string; hint?: string; selectorColumn?: number };
      const source = pos.at(path, params.selectorColumn !== undefined ? { column: params.selectorColumn } : {});
      return [diag(params.code ?? m.customCode?.(path) ?? 'invalid', path, source, issue.message, params.hint)];
    }
    default:
      return [diag('invalid', path, pos.at(path), issue.message)];
  }
}

/** Report the union branch the user evidently meant, not every branch's failure. */
function unionIssue(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PropertyKey[],
  input: unknown,
  data: unknown,
  pos: PositionIndex,
  m: IssueMapping,
): Diagnostic[] {
  const forms = m.unionForms ?? 'one of the allowed forms';
  if (input === undefined) {
    const field = String(path[path.length - 1]);
    return [
      diag(
        'missing-field',
        path,
        pos.at(path.slice(0, -1)),
        `missing required field "${field}"`,
        `add ${field}: ${forms}`,
      ),
    ];
  }
  const branch = m.unionBranch?.(input, path);
  const chosen = branch === undefined ? undefined : issue.errors[branch];
  if (chosen && chosen.length > 0) return chosen.flatMap((inner) => convert(inner, path, data, pos, m));
  const keys = input && typeof input === 'object' ? Object.keys(input) : [];
  const suggestion = keys.length === 1 && m.unionKeys ? didYouMean(keys[0]!, m.unionKeys) : undefined;
  return [
    diag(
      'invalid-peer',
      path,
      pos.at(path),
      `expected ${forms}, found ${describe(input)}`,
      suggestion ? `did you mean "${suggestion}"?` : undefined,
    ),
  ];
}

function typeIssue(expected: string, path: PropertyKey[], input: unknown, pos: PositionIndex): Diagnostic {
  if (input === undefined) {
    const field = String(path[path.length - 1]);
    return diag(
      'missing-field',
      path,
      pos.at(path.slice(0, -1)),
      `missing required field "${field}"`,
      `add ${field}: <${expected}>`,
    );
  }
  // YAML reads `Env: 1`, `Env: true` or `account: 0123...` as numbers/booleans; quoting keeps the text.
  const quotable = expected === 'string' && (typeof input === 'number' || typeof input === 'boolean');
  return diag(
    'wrong-type',
    path,
    pos.at(path),
    `expected ${article(expected)}, found ${describe(input)}`,
    quotable ? `quote it: "${String(input)}" (YAML reads unquoted ${String(input)} as a ${typeof input})` : undefined,
  );
}

function article(expected: string): string {
  return expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`;
}

export function diag(
  code: string,
  path: PropertyKey[],
  source: Diagnostic['source'],
  message: string,
  hint?: string,
): Diagnostic {
  return { code, severity: 'error', path, ...(source ? { source } : {}), message, ...(hint ? { hint } : {}) };
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `the ${typeof value} ${String(value)}`;
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** The field names the schema allows at an object path (for "did you mean"). */
export function knownKeys(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let schemas: z.core.$ZodType[] = [root];
  for (const part of path) schemas = schemas.flatMap((s) => step(unwrap(s), part));
  return [
    ...new Set(
      schemas.flatMap((s) => {
        const t = unwrap(s);
        return t instanceof z.ZodObject ? Object.keys(t.shape) : [];
      }),
    ),
  ].sort();
}

function unwrap(s: z.core.$ZodType): z.core.$ZodType {
  let t = s;
  while (t instanceof z.ZodOptional || t instanceof z.ZodDefault) t = t.unwrap() as z.core.$ZodType;
  return t;
}

function step(s: z.core.$ZodType, part: PropertyKey): z.core.$ZodType[] {
  if (s instanceof z.ZodUnion) return (s.options as z.core.$ZodType[]).flatMap((o) => step(unwrap(o), part));
  if (s instanceof z.ZodArray && typeof part === 'number') return [s.element as z.core.$ZodType];
  if (s instanceof z.ZodObject && typeof part === 'string' && part in s.shape)
    return [s.shape[part] as z.core.$ZodType];
  return [];
}
