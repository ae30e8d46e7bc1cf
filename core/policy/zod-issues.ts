/**
 * Turns zod issues into diagnostics a person can act on: the path, what was expected, what was
 * found, and a hint. Pure.
 */
import { z } from 'zod';
import { didYouMean, type Diagnostic } from '../diagnostics.ts';
import type { PositionIndex } from './positions.ts';
import { PolicySchema } from './schema.ts';

type Issue = z.core.$ZodIssue;

const PEER_FORMS = 'a segment name, {selector: "..."}, {external: name} or {cidrs: [...]}';

export function zodIssuesToDiagnostics(issues: readonly Issue[], data: unknown, pos: PositionIndex): Diagnostic[] {
  return issues.flatMap((issue) => convert(issue, [], data, pos));
}

function convert(issue: Issue, prefix: PropertyKey[], data: unknown, pos: PositionIndex): Diagnostic[] {
  const path = [...prefix, ...issue.path];
  const input = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, knownKeys(path));
        return diag('unknown-key', [...path, key], pos.at(path, { key }), `unknown field "${key}"`,
          suggestion ? `did you mean "${suggestion}"?` : `allowed here: ${knownKeys(path).join(', ')}`);
      });
    case 'invalid_union':
      return unionIssue(issue, path, input, data, pos);
    case 'invalid_type':
      if (input === undefined) {
        const field = String(path[path.length - 1]);
        return [diag('missing-field', path, pos.at(path.slice(0, -1)), `missing required field "${field}"`, `add ${field}: <${issue.expected}>`)];
      }
      return [diag('wrong-type', path, pos.at(path), `expected ${issue.expected}, found ${describe(input)}`)];
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const suggestion = typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : undefined;
      return [diag('invalid-value', path, pos.at(path), `expected ${allowed.join(' or ')}, found ${describe(input)}`,
        suggestion ? `did you mean "${suggestion}"?` : undefined)];
    }
    case 'too_small':
      return [diag(Array.isArray(input) ? 'empty-list' : 'too-small', path, pos.at(path),
        Array.isArray(input) ? 'must list at least one item' : `must be at least ${String(issue.minimum)} long`)];
    case 'custom': {
      const params = (issue.params ?? {}) as { hint?: string; selectorColumn?: number };
      const source = pos.at(path, params.selectorColumn !== undefined ? { column: params.selectorColumn } : {});
      return [diag(customCode(path), path, source, issue.message, params.hint)];
    }
    default:
      return [diag('invalid', path, pos.at(path), issue.message)];
  }
}

/** A peer is a union; report the branch the user evidently meant, not all four failures. */
function unionIssue(issue: Extract<Issue, { code: 'invalid_union' }>, path: PropertyKey[], input: unknown, data: unknown, pos: PositionIndex): Diagnostic[] {
  if (input === undefined) {
    const field = String(path[path.length - 1]);
    return [diag('missing-field', path, pos.at(path.slice(0, -1)), `missing required field "${field}"`, `add ${field}: ${PEER_FORMS}`)];
  }
  const branch = peerBranch(input);
  const chosen = branch === undefined ? undefined : issue.errors[branch];
  if (chosen && chosen.length > 0) return chosen.flatMap((inner) => convert(inner, path, data, pos));
  const keys = input && typeof input === 'object' ? Object.keys(input) : [];
  const suggestion = keys.length === 1 ? didYouMean(keys[0]!, ['selector', 'external', 'cidrs']) : undefined;
  return [diag('invalid-peer', path, pos.at(path), `expected ${PEER_FORMS}, found ${describe(input)}`,
    suggestion ? `did you mean "${suggestion}"?` : undefined)];
}

function peerBranch(input: unknown): number | undefined {
  if (typeof input === 'string') return 0;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const keys = Object.keys(input);
  if (keys.includes('selector')) return 1;
  if (keys.includes('external')) return 2;
  if (keys.includes('cidrs')) return 3;
  return undefined;
}

function customCode(path: readonly PropertyKey[]): string {
  const parts = path.filter((p) => typeof p === 'string');
  const last = parts[parts.length - 1];
  if (last === 'cidrs') return 'invalid-cidr';
  if (last === 'ports') return 'invalid-port';
  if (last === 'selector') return 'invalid-selector';
  if (last === 'name' || last === 'from' || last === 'to' || last === 'external') return 'invalid-name';
  return 'invalid';
}

function diag(code: string, path: PropertyKey[], source: Diagnostic['source'], message: string, hint?: string): Diagnostic {
  return { code, severity: 'error', path, source, message, ...(hint ? { hint } : {}) };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
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
export function knownKeys(path: readonly PropertyKey[]): string[] {
  let schemas: z.core.$ZodType[] = [PolicySchema];
  for (const part of path) schemas = schemas.flatMap((s) => step(unwrap(s), part));
  return [...new Set(schemas.flatMap((s) => {
    const t = unwrap(s);
    return t instanceof z.ZodObject ? Object.keys(t.shape) : [];
  }))].sort();
}

function unwrap(s: z.core.$ZodType): z.core.$ZodType {
  let t = s;
  while (t instanceof z.ZodOptional || t instanceof z.ZodDefault) t = t.unwrap() as z.core.$ZodType;
  return t;
}

function step(s: z.core.$ZodType, part: PropertyKey): z.core.$ZodType[] {
  if (s instanceof z.ZodUnion) return (s.options as z.core.$ZodType[]).flatMap((o) => step(unwrap(o), part));
  if (s instanceof z.ZodArray && typeof part === 'number') return [s.element as z.core.$ZodType];
  if (s instanceof z.ZodObject && typeof part === 'string' && part in s.shape) return [s.shape[part] as z.core.$ZodType];
  return [];
}
