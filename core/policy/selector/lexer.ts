/**
 * The selector tokenizer.
 *
 * Pure: a function of the text alone. It follows Calico's tokenizer
 * (libcalico-go/lib/selector/tokenizer/tokenizer.go) rule for rule, because "same string, same
 * meaning as in Calico" (DESIGN.md §2) starts with splitting the string the same way:
 * - only spaces and tabs separate tokens; Calico rejects a line break, so we do too;
 * - a quoted value runs to the next quote of the same kind, with no escapes;
 * - operator words are recognised only right after a label key, so `in`, `contains` or `all`
 *   are ordinary keys anywhere else, and the space inside `starts with`, `ends with` and
 *   `not in` is optional (`startswith` is valid Calico);
 * - `has(`, `all(` and `global(` are keywords only with the `(` attached: `has (x)` is the key
 *   `has` followed by a parenthesis.
 * Instead of failing, it ends the token list with a `bad` token, so the parser can say what it
 * expected at that point.
 */
import type { ComparisonOp } from './ast.ts';

/** A token kind; comparison operators use their AST names. */
export type TokenKind =
  | ComparisonOp
  | 'key'
  | 'string'
  | 'has'
  | 'all'
  | 'not'
  | 'and'
  | 'or'
  | 'lparen'
  | 'rparen'
  | 'lbrace'
  | 'rbrace'
  | 'comma'
  | 'eof'
  | 'bad';

/** An error the lexer can pin down better than the parser's "expected X" context could. */
export interface LexError {
  index: number;
  expected: string;
  found: string;
  hint?: string;
}

/** A token; `start`/`end` index the selector text. */
export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** The key for `key`/`has`, the unquoted text for `string`, how to show it for `bad`. */
  value: string;
  /** For `bad` tokens only: a problem that stands whatever the parser expected. */
  error?: LexError;
  /** For `bad` tokens only: advice to add to the parser's message. */
  hint?: string;
}

const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  '(': 'lparen',
  ')': 'rparen',
  '{': 'lbrace',
  '}': 'rbrace',
  ',': 'comma',
};

const PAIRS: Readonly<Record<string, TokenKind>> = { '==': 'eq', '!=': 'ne', '&&': 'and', '||': 'or' };

/** Single characters that start a pair above but are not valid alone, with advice. */
const HALF_PAIRS: Readonly<Record<string, string | undefined>> = {
  '=': undefined,
  '&': "the 'and' operator is '&&'",
  '|': "the 'or' operator is '||'",
};

/** Calico tries these in this order after a label key; the second word may follow blanks. */
const OPERATOR_WORDS: readonly [ComparisonOp, string, string?][] = [
  ['contains', 'contains'],
  ['startswith', 'starts', 'with'],
  ['endswith', 'ends', 'with'],
  ['notin', 'not', 'in'],
  ['in', 'in'],
];

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isKeyChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_./-]$/.test(c);

function skipBlanks(text: string, i: number): number {
  while (isBlank(text[i])) i++;
  return i;
}

function keyEnd(text: string, i: number): number {
  while (isKeyChar(text[i])) i++;
  return i;
}

function token(kind: TokenKind, start: number, end: number, value = ''): Token {
  return { kind, start, end, value };
}

/** How to show the text at `i` as "found ...": a word, a character, or end of selector. */
export function describeAt(text: string, i: number): string {
  if (i >= text.length) return 'end of selector';
  const end = keyEnd(text, i);
  if (end > i) return `'${text.slice(i, end)}'`;
  return describeChar(String.fromCodePoint(text.codePointAt(i) ?? 0));
}

function describeChar(c: string): string {
  if (c === '\n' || c === '\r') return 'a line break';
  const code = c.codePointAt(0) ?? 0;
  const invisible = code < 0x21 || (code >= 0x7f && code <= 0xa0) || /^\s$/u.test(c);
  return invisible ? `the character U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
}

function badChar(text: string, i: number): Token {
  const c = String.fromCodePoint(text.codePointAt(i) ?? 0);
  const bad = token('bad', i, i + c.length, describeChar(c));
  if (c === '\n' || c === '\r') bad.hint = 'a Calico selector is one line: only spaces and tabs may separate its parts';
  else if (/^\s$/u.test(c)) bad.hint = 'only spaces and tabs may separate the parts of a selector';
  return bad;
}

function lexError(start: number, error: LexError): Token {
  return { kind: 'bad', start, end: start, value: error.found, error };
}

function lexQuoted(text: string, i: number, q: string): Token {
  const close = text.indexOf(q, i + 1);
  if (close < 0) {
    return lexError(i, { index: i, expected: `a closing ${q} to end the value quoted here`, found: 'end of selector' });
  }
  return token('string', i, close + 1, text.slice(i + 1, close));
}

/** `has(` key `)`, with blanks allowed inside the parentheses. */
function lexHas(text: string, i: number): Token {
  const keyStart = skipBlanks(text, i + 'has('.length);
  const end = keyEnd(text, keyStart);
  if (end === keyStart) {
    return lexError(i, { index: keyStart, expected: 'a label key inside has(...)', found: describeAt(text, keyStart) });
  }
  if (end - keyStart > LABEL_KEY_MAX) return keyTooLong(text, keyStart, end);
  const close = skipBlanks(text, end);
  if (text[close] !== ')') {
    return lexError(i, { index: close, expected: "')' to close has(", found: describeAt(text, close) });
  }
  return token('has', i, close + 1, text.slice(keyStart, end));
}

/**
 * `all(` `)` and `global(` `)`. Calico evaluates global() as true wherever it appears (its
 * GlobalNode), so here it is all() spelt differently: the token keeps the spelling so validate
 * can suggest all(), which says what it means.
 */
function lexCall(text: string, i: number, name: 'all' | 'global'): Token {
  const close = skipBlanks(text, i + name.length + 1);
  if (text[close] !== ')') {
    return lexError(i, { index: close, expected: `')' to close ${name}(`, found: describeAt(text, close) });
  }
  return token('all', i, close + 1, name);
}

/** After a label key Calico looks only for an operator word. */
function lexOperatorWord(text: string, i: number): Token {
  for (const [kind, first, second] of OPERATOR_WORDS) {
    if (!text.startsWith(first, i)) continue;
    let end = i + first.length;
    if (second !== undefined) {
      end = skipBlanks(text, end);
      if (!text.startsWith(second, end)) continue;
      end += second.length;
    }
    // Calico would split `inx` into `in` and the key `x`, which can never parse; saying
    // "found 'inx'" is clearer and accepts exactly the same strings.
    if (!isKeyChar(text[end])) return token(kind, i, end);
  }
  const end = keyEnd(text, i);
  return end > i ? token('bad', i, end, `'${text.slice(i, end)}'`) : badChar(text, i);
}

function lexWord(text: string, i: number): Token {
  if (text.startsWith('has(', i)) return lexHas(text, i);
  if (text.startsWith('all(', i)) return lexCall(text, i, 'all');
  if (text.startsWith('global(', i)) return lexCall(text, i, 'global');
  const end = keyEnd(text, i);
  if (end - i > LABEL_KEY_MAX) return keyTooLong(text, i, end);
  return end > i ? token('key', i, end, text.slice(i, end)) : badChar(text, i);
}

/** Calico's tokenizer reads label keys of at most 512 characters (`[a-zA-Z0-9_./-]{1,512}`). */
const LABEL_KEY_MAX = 512;

function keyTooLong(text: string, i: number, end: number): Token {
  return lexError(i, {
    index: i,
    expected: `a label key of at most ${LABEL_KEY_MAX} characters`,
    found: `a key of ${end - i} characters`,
  });
}

function lexAt(text: string, i: number, afterKey: boolean): Token {
  const c = text[i] ?? '';
  const single = PUNCTUATION[c];
  if (single) return token(single, i, i + 1);
  if (c === '"' || c === "'") return lexQuoted(text, i, c);
  const pair = PAIRS[text.slice(i, i + 2)];
  if (pair) return token(pair, i, i + 2);
  if (c === '!') return token('not', i, i + 1);
  if (c in HALF_PAIRS) {
    const bad = token('bad', i, i + 1, `'${c}'`);
    const hint = HALF_PAIRS[c];
    if (hint) bad.hint = hint;
    return bad;
  }
  return afterKey ? lexOperatorWord(text, i) : lexWord(text, i);
}

/**
 * Splits a selector into tokens. The list always ends with an `eof` token, or with a `bad`
 * token at the first thing that is not a token.
 *
 * @example
 * tokenize("app in {'web'}").map((t) => t.kind);
 * // => ['key', 'in', 'lbrace', 'string', 'rbrace', 'eof']
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    i = skipBlanks(text, i);
    const afterKey = tokens[tokens.length - 1]?.kind === 'key';
    const next = i >= text.length ? token('eof', i, i) : lexAt(text, i, afterKey);
    tokens.push(next);
    if (next.kind === 'eof' || next.kind === 'bad') return tokens;
    i = next.end;
  }
}
