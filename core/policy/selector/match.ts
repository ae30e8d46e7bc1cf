/**
 * Evaluating a selector against a workload's (or an external's) labels.
 *
 * Pure: a function of the selector and the labels. The truth table is Calico's
 * (libcalico-go/lib/selector/parser/ast.go, the Evaluate methods), because the intent oracle
 * must select exactly the workloads a Calico user would expect (DESIGN.md §2). The cases
 * people get wrong are the absent label: `k != 'v'` and `k not in {...}` match a workload
 * without `k`, while `==`, `in`, `contains`, `starts with` and `ends with` need `k` present.
 * Comparison is exact and case-sensitive; labels are lowercased before they get here.
 */
import type { Selector } from './ast.ts';
import { parseSelector } from './parser.ts';

type Labels = Readonly<Record<string, string>>;

/** Own properties only: a label map is data, and `has(constructor)` must not see Object's. */
function labelValue(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function evaluate(s: Selector, labels: Labels): boolean {
  switch (s.op) {
    case 'all':
      return true;
    case 'not':
      return !evaluate(s.expr, labels);
    case 'and':
      return s.args.every((a) => evaluate(a, labels));
    case 'or':
      return s.args.some((a) => evaluate(a, labels));
    case 'has':
      return labelValue(labels, s.key) !== undefined;
    default:
      return compare(s, labelValue(labels, s.key));
  }
}

type Comparison = Exclude<Selector, { op: 'all' | 'not' | 'and' | 'or' | 'has' }>;

function compare(s: Comparison, value: string | undefined): boolean {
  switch (s.op) {
    case 'ne':
      return value !== s.value;
    case 'notin':
      return value === undefined || !s.values.includes(value);
    case 'eq':
      return value === s.value;
    case 'in':
      return value !== undefined && s.values.includes(value);
    case 'contains':
      return value !== undefined && value.includes(s.value);
    case 'startswith':
      return value !== undefined && value.startsWith(s.value);
    case 'endswith':
      return value !== undefined && value.endsWith(s.value);
  }
}

/**
 * Whether a selector (an AST, or text to parse) selects a label map, with Calico's semantics.
 * Text that does not parse throws a SelectorSyntaxError.
 *
 * @example
 * selectorMatches("tier != 'db'", { app: 'shop' });              // true: absent counts as "not db"
 * selectorMatches("tier starts with 'we'", { app: 'shop' });     // false: needs tier present
 * selectorMatches(parseSelector('has(app)'), { app: 'shop' });   // true
 */
export function selectorMatches(selector: Selector | string, labels: Labels): boolean {
  return evaluate(typeof selector === 'string' ? parseSelector(selector) : selector, labels);
}
