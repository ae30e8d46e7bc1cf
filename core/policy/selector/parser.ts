/**
 * The selector parser.
 *
 * Pure: a function of the text alone. Its grammar is Calico's
 * (libcalico-go/lib/selector/parser/parser.go), because "same string, same meaning as in Calico"
 * (DESIGN.md §2) needs the same precedence, not just the same operators:
 *
 *   or   := and ('||' and)*                    lowest
 *   and  := term ('&&' term)*
 *   term := '!'* ( has(k) | all() | '(' or ')' | k op 'v' | k [not] in '{' set '}' )
 *   set  := ( 'v' (',' 'v')* ','? )?           empty sets and a trailing comma are Calico's too
 *
 * Like Calico, a run of `!` collapses to its parity (`!!has(a)` is `has(a)`), the empty selector
 * is all(), and so is global() (Calico's GlobalNode matches everything). validate warns about
 * both spellings (semantics.ts), because all() says what they mean.
 */
import { OPERATOR_TEXT, SelectorSyntaxError, canonicalSet, type ComparisonOp, type Selector } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';

/** Deeper nesting than this is a mistake, and recursing further could exhaust the stack. */
const MAX_NESTING = 100;

const COMPARISONS = "'==', '!=', 'in', 'not in', 'contains', 'starts with' or 'ends with'";
const TERM = "a label key, has(...), all(), '!' or '('";
const VALUE = "a quoted value such as 'web'";

/** Words people write for the boolean operators. */
const WORD_HINTS: Readonly<Record<string, string>> = {
  and: "'and' is written '&&'",
  or: "'or' is written '||'",
  not: "'not' is written '!'",
};

/** 1-based column in code points, so astral characters in values count once. */
function columnOf(text: string, index: number): number {
  return Array.from(text.slice(0, index)).length + 1;
}

function join(op: 'and' | 'or', args: Selector[]): Selector {
  // Calico keeps `(a && b) && c` nested; flattening it changes nothing it matches.
  const flat = args.flatMap((a) => (a.op === op ? a.args : [a]));
  return flat.length === 1 && flat[0] ? flat[0] : { op, args: flat };
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  peek(): Token {
    // tokenize() always ends with eof or bad, and the parser never reads past either.
    return this.tokens[Math.min(this.pos, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof' && t.kind !== 'bad') this.pos++;
    return t;
  }

  fail(t: Token, expected: string, hint?: string): never {
    if (t.error) {
      const e = t.error;
      throw new SelectorSyntaxError(columnOf(this.text, e.index), e.expected, e.found, e.hint);
    }
    const found = this.describe(t);
    const wordHint = t.kind === 'key' ? WORD_HINTS[t.value.toLowerCase()] : undefined;
    throw new SelectorSyntaxError(columnOf(this.text, t.start), expected, found, hint ?? t.hint ?? wordHint);
  }

  describe(t: Token): string {
    if (t.kind === 'eof') return 'end of selector';
    if (t.kind === 'bad') return t.value;
    const raw = this.text.slice(t.start, t.end);
    const shown = raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
    return t.kind === 'string' ? `the quoted value ${shown}` : `'${shown}'`;
  }

  parseOr(depth: number, after?: string): Selector {
    const args = [this.parseAnd(depth, after)];
    while (this.peek().kind === 'or') {
      this.next();
      args.push(this.parseAnd(depth, "'||'"));
    }
    return join('or', args);
  }

  parseAnd(depth: number, after?: string): Selector {
    const args = [this.parseTerm(depth, after)];
    while (this.peek().kind === 'and') {
      this.next();
      args.push(this.parseTerm(depth, "'&&'"));
    }
    return join('and', args);
  }

  parseTerm(depth: number, after?: string): Selector {
    let negated = false;
    while (this.peek().kind === 'not') {
      this.next();
      negated = !negated;
      after = "'!'";
    }
    const t = this.next();
    const term = this.parsePrimary(t, depth, after);
    return negated ? { op: 'not', expr: term } : term;
  }

  parsePrimary(t: Token, depth: number, after?: string): Selector {
    switch (t.kind) {
      case 'has':
        return { op: 'has', key: t.value };
      case 'all':
        return { op: 'all' };
      case 'key':
        return this.parseComparison(t);
      case 'lparen':
        return this.parseGroup(t, depth);
      default:
        return this.fail(t, after ? `${TERM} after ${after}` : TERM);
    }
  }

  parseGroup(open: Token, depth: number): Selector {
    if (depth >= MAX_NESTING) {
      this.fail(open, 'a simpler expression', `parentheses may nest at most ${MAX_NESTING} deep`);
    }
    const inner = this.parseOr(depth + 1, "'('");
    const close = this.next();
    if (close.kind !== 'rparen') {
      this.fail(close, `'&&', '||' or ')' to close the '(' at column ${columnOf(this.text, open.start)}`);
    }
    return inner;
  }

  parseComparison(key: Token): Selector {
    const op = this.next();
    switch (op.kind) {
      case 'eq':
      case 'ne':
      case 'contains':
      case 'startswith':
      case 'endswith':
        return { op: op.kind, key: key.value, value: this.expectValue(`${VALUE} after '${OPERATOR_TEXT[op.kind]}'`) };
      case 'in':
      case 'notin':
        return { op: op.kind, key: key.value, values: this.parseSet(op.kind) };
      default: {
        const hint =
          op.kind === 'lparen' && (key.value === 'has' || key.value === 'all')
            ? `write ${key.value}( with no space before '('`
            : undefined;
        return this.fail(op, `${COMPARISONS} after label key ${key.value}`, hint);
      }
    }
  }

  expectValue(expected: string): string {
    const t = this.next();
    if (t.kind === 'string') return t.value;
    return this.fail(t, expected, t.kind === 'key' ? `values are quoted, as in '${t.value}'` : undefined);
  }

  parseSet(op: ComparisonOp): string[] {
    const open = this.next();
    if (open.kind !== 'lbrace') {
      this.fail(open, `'{' after '${OPERATOR_TEXT[op]}', as in {'a', 'b'}`);
    }
    const values: string[] = [];
    let t = this.next();
    while (t.kind !== 'rbrace') {
      if (t.kind !== 'string') {
        this.fail(t, `${VALUE} or '}'`, t.kind === 'key' ? `values are quoted, as in '${t.value}'` : undefined);
      }
      values.push(t.value);
      t = this.next();
      if (t.kind === 'comma') t = this.next();
      else if (t.kind !== 'rbrace') this.fail(t, "',' or '}' in the set of values");
    }
    return canonicalSet(values);
  }

  parseSelector(): Selector {
    if (this.peek().kind === 'eof') return { op: 'all' };
    const selector = this.parseOr(0);
    const end = this.next();
    if (end.kind !== 'eof') {
      const hint = end.kind === 'rparen' ? "there is no '(' for this ')' to close" : undefined;
      this.fail(end, "'&&', '||' or end of selector", hint);
    }
    return selector;
  }
}

/**
 * Parses a Calico selector. Throws a SelectorSyntaxError, with the column and what was expected
 * there, if the text is not a selector. The empty selector is all(), as in Calico.
 *
 * @example
 * parseSelector("tier == 'web' && env in {'prod', 'stage'}");
 * // => { op: 'and', args: [
 * //      { op: 'eq', key: 'tier', value: 'web' },
 * //      { op: 'in', key: 'env', values: ['prod', 'stage'] } ] }
 */
export function parseSelector(text: string): Selector {
  return new Parser(text, tokenize(text)).parseSelector();
}

/**
 * Like parseSelector, but returns the syntax error instead of throwing it.
 *
 * @example
 * const r = trySelector("app = 'web'");
 * if (!r.ok) console.log(r.error.column, r.error.message);
 * // 5 "expected '==', '!=', 'in', 'not in', 'contains', 'starts with' or 'ends with' after label key app, found '='"
 */
export function trySelector(
  text: string,
): { ok: true; selector: Selector } | { ok: false; error: SelectorSyntaxError } {
  try {
    return { ok: true, selector: parseSelector(text) };
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return { ok: false, error };
    throw error;
  }
}
