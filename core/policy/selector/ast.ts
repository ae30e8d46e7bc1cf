/**
 * The selector AST, its syntax error, and its canonical text.
 *
 * Pure: no I/O, clock, randomness or environment; the same input always gives the same output,
 * so the intent oracle and every translation agree on what a selector means.
 *
 * The semantics are Calico's (projectcalico/calico, libcalico-go/lib/selector) because the policy
 * contract promises "same string, same meaning as in Calico" (DESIGN.md §2): people paste
 * selectors between Calico policies and segsync, and a selector that quietly meant something
 * else here would open or close flows nobody reviewed.
 */

/**
 * A parsed selector. `and`/`or` are flattened (no `and` directly inside an `and`) and have at
 * least two arguments; `in`/`notin` values are sorted by code point and de-duplicated, as
 * Calico's StringSet does, so equal sets compare equal.
 */
export type Selector =
  | { op: 'all' }
  | { op: 'eq' | 'ne' | 'contains' | 'startswith' | 'endswith'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'has'; key: string }
  | { op: 'not'; expr: Selector }
  | { op: 'and' | 'or'; args: Selector[] };

/** The comparison operators, spelled the way selectorToString writes them. */
export const OPERATOR_TEXT = {
  eq: '==',
  ne: '!=',
  contains: 'contains',
  startswith: 'starts with',
  endswith: 'ends with',
  in: 'in',
  notin: 'not in',
} as const;

/** A comparison operator's AST name. */
export type ComparisonOp = keyof typeof OPERATOR_TEXT;

/**
 * Calico's label key alphabet (tokenizer.LabelKeyMatcher `[a-zA-Z0-9_./-]`). Calico puts no
 * length limit on keys in selectors (its findIdentifier is unbounded), so neither do we.
 */
const LABEL_KEY = /^[A-Za-z0-9_./-]+$/;

/**
 * Whether `key` can be written as a label key in a selector.
 *
 * @example
 * isLabelKey('kubernetes.io/role'); // true
 * isLabelKey('team owner');         // false
 */
export function isLabelKey(key: string): boolean {
  return LABEL_KEY.test(key);
}

/**
 * A selector that does not parse. `column` is 1-based and counts characters (code points), so
 * an editor can put a caret under the problem; the message never repeats the column, because
 * callers prefix it with their own location.
 */
export class SelectorSyntaxError extends Error {
  override readonly name = 'SelectorSyntaxError';
  /** 1-based column inside the selector text where the problem is. */
  readonly column: number;
  /** What the parser wanted there, e.g. "a quoted value such as 'web'". */
  readonly expected: string;
  /** The token found there, or "end of selector". */
  readonly found: string;

  constructor(column: number, expected: string, found: string, hint?: string) {
    super(`expected ${expected}, found ${found}${hint ? `; ${hint}` : ''}`);
    this.column = column;
    this.expected = expected;
    this.found = found;
  }
}

/** Code-point order, which is the UTF-8 byte order Go's sort.Strings uses for Calico's sets. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Sorted and de-duplicated, as Calico's ConvertToStringSetInPlace leaves a set literal. */
export function canonicalSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}

/**
 * Flattens nested `and`/`or` and replaces degenerate ones (0 or 1 argument) by their meaning,
 * so hand-built ASTs print as text that parses back to the same meaning.
 */
function normalise(s: Selector): Selector {
  switch (s.op) {
    case 'not':
      return { op: 'not', expr: normalise(s.expr) };
    case 'and':
    case 'or': {
      const args = s.args.map(normalise).flatMap((a) => (a.op === s.op ? a.args : [a]));
      if (args.length === 1 && args[0]) return args[0];
      if (args.length === 0) return s.op === 'and' ? { op: 'all' } : { op: 'not', expr: { op: 'all' } };
      return { op: s.op, args };
    }
    default:
      return s;
  }
}

/** A value has no escapes in Calico, so it is quoted with whichever quote it does not contain. */
function quote(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new RangeError(
    `label value ${JSON.stringify(value)} contains both ' and ", which a Calico selector cannot quote`,
  );
}

function keyText(key: string): string {
  if (isLabelKey(key)) return key;
  throw new RangeError(`${JSON.stringify(key)} is not a label key: keys are letters, digits and _ . / -`);
}

function print(s: Selector): string {
  switch (s.op) {
    case 'all':
      return 'all()';
    case 'has':
      return `has(${keyText(s.key)})`;
    case 'in':
    case 'notin':
      return `${keyText(s.key)} ${OPERATOR_TEXT[s.op]} {${canonicalSet(s.values).map(quote).join(', ')}}`;
    case 'not':
      // `!k == 'v'` parses as !(k == 'v') in Calico, but few readers would guess that.
      return s.expr.op === 'has' || s.expr.op === 'all' ? `!${print(s.expr)}` : `!(${print(s.expr)})`;
    case 'and':
      return s.args.map((a) => (a.op === 'or' ? `(${print(a)})` : print(a))).join(' && ');
    case 'or':
      return s.args.map(print).join(' || ');
    default:
      return `${keyText(s.key)} ${OPERATOR_TEXT[s.op]} ${quote(s.value)}`;
  }
}

/**
 * The canonical text of a selector: single spaces, single quotes unless the value contains one,
 * sets sorted, and only the parentheses precedence needs. For any AST the parser can produce,
 * `parseSelector(selectorToString(s))` deep-equals `s`. Throws a RangeError for an AST no text
 * can express (a key outside the key alphabet, a value containing both quote characters).
 *
 * @example
 * selectorToString(parseSelector('(tier=="web"||tier=="api")&&env in {"prod","dev"}'));
 * // => "(tier == 'web' || tier == 'api') && env in {'dev', 'prod'}"
 */
export function selectorToString(selector: Selector): string {
  return print(normalise(selector));
}

/** Every label key and literal value a selector names. */
export interface SelectorLabelRefs {
  keys: string[];
  values: { key: string; value: string }[];
}

/**
 * Every label key and every literal value (with its key) that a selector names, each once, in
 * order of appearance. Labels are normalised to lowercase, so a reference with an uppercase
 * letter can never match; callers use this to warn about it.
 *
 * @example
 * selectorLabelRefs(parseSelector("Tier == 'Web' || has(env)"));
 * // => { keys: ['Tier', 'env'], values: [{ key: 'Tier', value: 'Web' }] }
 */
export function selectorLabelRefs(selector: Selector): SelectorLabelRefs {
  const keys = new Set<string>();
  const values = new Map<string, { key: string; value: string }>();
  const addValue = (key: string, value: string): void => {
    values.set(JSON.stringify([key, value]), { key, value });
  };
  const visit = (s: Selector): void => {
    switch (s.op) {
      case 'all':
        return;
      case 'not':
        return visit(s.expr);
      case 'and':
      case 'or':
        return s.args.forEach(visit);
      case 'has':
        keys.add(s.key);
        return;
      case 'in':
      case 'notin':
        keys.add(s.key);
        return s.values.forEach((v) => addValue(s.key, v));
      default:
        keys.add(s.key);
        return addValue(s.key, s.value);
    }
  };
  visit(selector);
  return { keys: [...keys], values: [...values.values()] };
}
