import { describe, expect, it } from 'vitest';
import {
  isLabelKey,
  parseSelector,
  selectorLabelRefs,
  selectorToString,
  type Selector,
} from '../../../../core/policy/selector/index.ts';

const canonical = (text: string): string => selectorToString(parseSelector(text));

describe('GIVEN a parsed selector', () => {
  it.each<[string, string]>([
    ["app=='web'", "app == 'web'"],
    ['app != "web"', "app != 'web'"],
    ["a startswith'x'", "a starts with 'x'"],
    ["a endswith 'x'", "a ends with 'x'"],
    ["a contains 'x'", "a contains 'x'"],
    ["a notin{'z','x','x'}", "a not in {'x', 'z'}"],
    ["a in {'b',}", "a in {'b'}"],
    ['a in {}', 'a in {}'],
    ['has( a )', 'has(a)'],
    ['all(  )', 'all()'],
    [' !  has(a)', '!has(a)'],
    ['!!has(a)', 'has(a)'],
    ['!(!has(a))', '!(!has(a))'],
    ['!all()', '!all()'],
    ["!a == 'x'", "!(a == 'x')"],
    ['(has(a) && has(b)) && has(c)', 'has(a) && has(b) && has(c)'],
    ['has(a) || has(b) && has(c)', 'has(a) || has(b) && has(c)'],
    ['(has(a) || has(b)) && has(c)', '(has(a) || has(b)) && has(c)'],
    ['!(has(a) || has(b))', '!(has(a) || has(b))'],
    ['((has(a)))', 'has(a)'],
  ])('WHEN %j is printed THEN the canonical text is %j', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it('WHEN a value contains a single quote THEN it is printed in double quotes', () => {
    expect(canonical(`owner == "o'brien"`)).toBe(`owner == "o'brien"`);
    expect(canonical(`a in {"'", '"'}`)).toBe(`a in {'"', "'"}`);
  });

  it('WHEN printed and parsed again THEN the AST is unchanged', () => {
    const text = "!(tier in {'db', 'cache'} || env != 'prod') && team/owner starts with 'pay' || !has(x)";
    const s = parseSelector(text);
    expect(parseSelector(selectorToString(s))).toEqual(s);
  });
});

describe('GIVEN a hand-built AST', () => {
  it('WHEN and/or are nested or degenerate THEN the printed text means the same', () => {
    const a: Selector = { op: 'has', key: 'a' };
    const b: Selector = { op: 'has', key: 'b' };
    expect(selectorToString({ op: 'and', args: [{ op: 'and', args: [a, b] }, a] })).toBe('has(a) && has(b) && has(a)');
    expect(selectorToString({ op: 'and', args: [] })).toBe('all()');
    expect(selectorToString({ op: 'or', args: [] })).toBe('!all()');
    expect(selectorToString({ op: 'or', args: [a] })).toBe('has(a)');
    expect(
      selectorToString({
        op: 'and',
        args: [
          { op: 'or', args: [a] },
          { op: 'or', args: [a, b] },
        ],
      }),
    ).toBe('has(a) && (has(a) || has(b))');
  });

  it('WHEN a set is unsorted THEN it is printed sorted and de-duplicated', () => {
    expect(selectorToString({ op: 'in', key: 'k', values: ['b', 'a', 'b'] })).toBe("k in {'a', 'b'}");
  });

  it('WHEN a value contains both quote characters THEN printing throws, since no text can say it', () => {
    expect(() => selectorToString({ op: 'eq', key: 'k', value: `it's "x"` })).toThrow(RangeError);
  });

  it('WHEN a key is outside the key alphabet THEN printing throws', () => {
    expect(() => selectorToString({ op: 'has', key: 'team owner' })).toThrow(RangeError);
    expect(() => selectorToString({ op: 'has', key: '' })).toThrow(RangeError);
  });
});

describe('GIVEN isLabelKey', () => {
  it('WHEN keys use letters, digits and _ . / - THEN they are label keys, otherwise not', () => {
    expect(['kubernetes.io/role', 'team/owner', 'a_b-c.d', '0'].every(isLabelKey)).toBe(true);
    expect(['', 'a b', 'a:b', 'é', 'a=b'].some(isLabelKey)).toBe(false);
  });
});

describe('GIVEN selectorLabelRefs', () => {
  it('WHEN a selector names keys and values THEN each is listed once, in order of appearance', () => {
    const s = parseSelector(
      "Tier == 'Web' || has(env) && env not in {'Prod', 'dev'} && !(Tier contains 'X') && x in {}",
    );
    expect(selectorLabelRefs(s)).toEqual({
      keys: ['Tier', 'env', 'x'],
      values: [
        { key: 'Tier', value: 'Web' },
        { key: 'env', value: 'Prod' },
        { key: 'env', value: 'dev' },
        { key: 'Tier', value: 'X' },
      ],
    });
  });

  it('WHEN every comparison operator is used THEN all their values are listed', () => {
    const s = parseSelector("a == '1' || b != '2' || c starts with '3' || d ends with '4' || e in {'5'}");
    expect(selectorLabelRefs(s).values.map((v) => v.value)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('WHEN the selector is all() THEN nothing is named', () => {
    expect(selectorLabelRefs(parseSelector('all()'))).toEqual({ keys: [], values: [] });
  });
});
