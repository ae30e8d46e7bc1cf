import { describe, expect, it } from 'vitest';
import {
  parseSelector,
  selectorAllSpellings,
  selectorMatches,
  SelectorSyntaxError,
  trySelector,
} from '../../../../core/policy/selector/index.ts';

/** Parses text that must fail, and returns the error. */
function syntaxError(text: string): SelectorSyntaxError {
  const result = trySelector(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} not to parse`);
  return result.error;
}

const OPERATORS = "'==', '!=', 'in', 'not in', 'contains', 'starts with' or 'ends with'";
const TERM = "a label key, has(...), all(), '!' or '('";

describe('GIVEN a selector with a syntax error', () => {
  it.each<[string, string, number, string, string]>([
    ['= instead of ==', "app = 'web'", 5, `${OPERATORS} after label key app`, "'='"],
    ['unquoted value', 'app == web', 8, "a quoted value such as 'web' after '=='", "'web'"],
    ['unterminated single quote', "app == 'web", 8, "a closing ' to end the value quoted here", 'end of selector'],
    [
      'unterminated double quote',
      'a == "b\' && has(c)',
      6,
      'a closing " to end the value quoted here',
      'end of selector',
    ],
    ['trailing garbage', "app == 'web' tier", 14, "'&&', '||' or end of selector", "'tier'"],
    ['unbalanced (', "(app == 'web'", 14, "'&&', '||' or ')' to close the '(' at column 1", 'end of selector'],
    ['unbalanced )', "app == 'web')", 13, "'&&', '||' or end of selector", "')'"],
    ['empty parentheses', '()', 2, `${TERM} after '('`, "')'"],
    ['dangling &&', 'has(a) &&', 10, `${TERM} after '&&'`, 'end of selector'],
    ['dangling ||', 'has(a) || ', 11, `${TERM} after '||'`, 'end of selector'],
    ['lone !', '!', 2, `${TERM} after '!'`, 'end of selector'],
    ['single &', 'has(a) & has(b)', 8, "'&&', '||' or end of selector", "'&'"],
    ['single |', 'has(a) | has(b)', 8, "'&&', '||' or end of selector", "'|'"],
    ['value on the left', "'web' == app", 1, TERM, "the quoted value 'web'"],
    ['bare key', 'app', 4, `${OPERATORS} after label key app`, 'end of selector'],
    ['unknown operator word', "app equals 'web'", 5, `${OPERATORS} after label key app`, "'equals'"],
    ['half of starts with', "app starts 'w'", 5, `${OPERATORS} after label key app`, "'starts'"],
    ['operator glued to a word', "app inside {'a'}", 5, `${OPERATORS} after label key app`, "'inside'"],
    ['in without braces', "app in ('web')", 8, "'{' after 'in', as in {'a', 'b'}", "'('"],
    ['unquoted set member', 'app in {web}', 9, "a quoted value such as 'web' or '}'", "'web'"],
    ['missing comma in set', "app in {'a' 'b'}", 13, "',' or '}' in the set of values", "the quoted value 'b'"],
    ['lone comma in set', 'app in {,}', 9, "a quoted value such as 'web' or '}'", "','"],
    ['unclosed set', "app not in {'a'", 16, "',' or '}' in the set of values", 'end of selector'],
    ['has() without a key', 'has()', 5, 'a label key inside has(...)', "')'"],
    ['has( unclosed', 'has(app', 8, "')' to close has(", 'end of selector'],
    ['has( with two keys', 'has(a b)', 7, "')' to close has(", "'b'"],
    ['all( with an argument', 'all(app)', 5, "')' to close all(", "'app'"],
    ['unexpected character', "app == 'web' && %", 17, `${TERM} after '&&'`, "'%'"],
    ['key with a forbidden character', "team:owner == 'x'", 5, `${OPERATORS} after label key team`, "':'"],
  ])(
    'WHEN it has %s (%j) THEN the error is at column %i, expecting %j and finding %j',
    (_what, text, column, expected, found) => {
      const error = syntaxError(text);
      expect(error.column).toBe(column);
      expect(error.expected).toBe(expected);
      expect(error.found).toBe(found);
      expect(error.message.startsWith(`expected ${expected}, found ${found}`)).toBe(true);
    },
  );

  it("WHEN it is app = 'web' THEN the message is exactly the human one", () => {
    expect(syntaxError("app = 'web'").message).toBe(`expected ${OPERATORS} after label key app, found '='`);
  });

  it('WHEN it is thrown by parseSelector THEN it is a SelectorSyntaxError named so', () => {
    expect(() => parseSelector("app = 'web'")).toThrow(SelectorSyntaxError);
    const error = syntaxError("app = 'web'");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SelectorSyntaxError');
  });

  it('WHEN the error follows non-ASCII text THEN the column counts characters, not UTF-16 units', () => {
    // a(1) (2) =(3) =(4) (5) '(6) 😀(7) 😀(8) '(9) (10) b(11); in UTF-16 units b would be at 13.
    expect(syntaxError("a == '😀😀' b").column).toBe(11);
  });
});

describe('GIVEN the spellings of all() Calico accepts', () => {
  it.each(['', '   ', '\t', 'global()', ' global( ) ', "global() || app == 'web'"])(
    'WHEN %j is parsed THEN it is all(), matching every workload as in Calico',
    (text) => {
      expect(selectorMatches(parseSelector(text), {})).toBe(true);
      expect(selectorMatches(parseSelector(text), { app: 'db' })).toBe(true);
    },
  );

  it('WHEN global() is negated THEN it matches nothing, as !all() does', () => {
    expect(selectorMatches(parseSelector("app == 'web' && !global()"), { app: 'web' })).toBe(false);
  });

  it('WHEN validate reads them THEN it warns with the column and suggests all()', () => {
    expect(selectorAllSpellings('')).toEqual([{ spelling: 'empty', column: 1 }]);
    expect(selectorAllSpellings("app == 'web' && !global()")).toEqual([{ spelling: 'global', column: 18 }]);
    expect(selectorAllSpellings("tier == 'global()'")).toEqual([]);
  });
});

describe('GIVEN things Calico rejects or segsync does not support', () => {
  it('WHEN a label key is longer than the 512 characters Calico reads THEN it is rejected at the key', () => {
    const key = 'k'.repeat(513);
    for (const text of [`app == 'web' && ${key} == 'x'`, `has(${key})`]) {
      const error = syntaxError(text);
      expect(error.found).toBe('a key of 513 characters');
      expect(error.message).toContain('expected a label key of at most 512 characters');
    }
    expect(() => parseSelector(`${'k'.repeat(512)} == 'x'`)).not.toThrow();
  });

  it('WHEN a line break separates tokens THEN it is rejected, as Calico accepts only spaces and tabs', () => {
    const error = syntaxError("app == 'web'\n&& has(tier)");
    expect(error.column).toBe(13);
    expect(error.found).toBe('a line break');
    expect(error.message).toContain('only spaces and tabs');
  });

  it('WHEN a non-breaking space separates tokens THEN it is named by code point', () => {
    expect(syntaxError("app\u00a0== 'web'").found).toBe('the character U+00A0');
  });

  it('WHEN has is followed by a space before ( THEN the hint says to remove it', () => {
    const error = syntaxError('has (app)');
    expect(error.column).toBe(5);
    expect(error.message).toContain("write has( with no space before '('");
  });

  it('WHEN a value is unquoted THEN the hint shows it quoted', () => {
    expect(syntaxError('app == web').message).toContain("values are quoted, as in 'web'");
  });

  it('WHEN "and"/"or" are written as words THEN the hint gives the operator', () => {
    expect(syntaxError("app == 'web' and has(x)").message).toContain("'and' is written '&&'");
    expect(syntaxError("app == 'web' or has(x)").message).toContain("'or' is written '||'");
  });

  it('WHEN parentheses nest more than 100 deep THEN it is a syntax error, not a stack overflow', () => {
    const deep = `${'('.repeat(101)}has(a)${')'.repeat(101)}`;
    expect(syntaxError(deep).column).toBe(101);
    const ok = `${'('.repeat(100)}has(a)${')'.repeat(100)}`;
    expect(parseSelector(ok)).toEqual({ op: 'has', key: 'a' });
  });
});

describe('GIVEN trySelector', () => {
  it('WHEN the selector parses THEN it returns ok with the AST', () => {
    expect(trySelector('has(app)')).toEqual({ ok: true, selector: { op: 'has', key: 'app' } });
  });

  it('WHEN the selector does not parse THEN it returns the error instead of throwing', () => {
    const result = trySelector('app ==');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBeInstanceOf(SelectorSyntaxError);
  });
});
