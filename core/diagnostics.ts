/**
 * Diagnostics: every mistake a user can make comes back as data, never as a thrown stack trace.
 *
 * Pure. A Diagnostic names where (file:line:column of the YAML node and the dotted path inside
 * the document), what is wrong, and how to fix it, so the CLI, the CDK synth check and editors
 * can all print the same thing.
 */
import { compareStrings } from './model/compare.ts';

export type Severity = 'error' | 'warning';

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic {
  /** Stable, kebab-case identifier a user can search for or acknowledge. */
  code: string;
  severity: Severity;
  /** Path inside the document, e.g. ['spec', 'rules', 3, 'ports', 0]. */
  path: ReadonlyArray<PropertyKey>;
  source?: SourcePosition;
  message: string;
  hint?: string;
}

/** `['spec', 'rules', 3, 'ports', 0]` → `spec.rules[3].ports[0]`. */
export function toDotPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(document)' : out;
}

/** Orders by file, line, column, then path, so output is stable and reads top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compareStrings(a.source?.file ?? '', b.source?.file ?? '') ||
      (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
      (a.source?.column ?? 0) - (b.source?.column ?? 0) ||
      compareStrings(toDotPath(a.path), toDotPath(b.path)),
  );
}

/** `policy.yaml:14:9  error  rules[3].to  unknown segment "dbs" (hint: did you mean "db"?)` */
export function renderDiagnostic(d: Diagnostic): string {
  const where = d.source ? `${d.source.file}:${d.source.line}:${d.source.column}` : '';
  const path = toDotPath(d.path.length > 0 && d.path[0] === 'spec' ? d.path.slice(1) : d.path);
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${where}  ${d.severity}  ${path}  ${d.message} [${d.code}]${hint}`.trimStart();
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Damerau-free Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a third of the word's length, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Math.max(2, Math.ceil(word.length / 3)) + 1;
  for (const c of candidates) {
    const score = distance(word.toLowerCase(), c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** `plural(1, 'step')` → "1 step", `plural(2, 'step')` → "2 steps"; irregular forms as the third argument. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
