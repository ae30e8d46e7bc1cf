import { describe, expect, it } from 'vitest';
import { parseSelector, SelectorSyntaxError, selectorMatches } from '../../../../core/policy/selector/index.ts';

type Labels = Record<string, string>;

const WEB: Labels = { app: 'web', tier: 'frontend' };
const ABSENT: Labels = { other: 'x' };

describe('GIVEN each operator and a workload where the key is present or absent', () => {
  it.each<[string, Labels, boolean]>([
    ["app == 'web'", WEB, true],
    ["app == 'api'", WEB, false],
    ["app == 'web'", ABSENT, false],
    ["app != 'api'", WEB, true],
    ["app != 'web'", WEB, false],
    ["app != 'web'", ABSENT, true],
    ["app in {'web', 'api'}", WEB, true],
    ["app in {'db', 'api'}", WEB, false],
    ["app in {'web', 'api'}", ABSENT, false],
    ['app in {}', WEB, false],
    ["app not in {'db', 'api'}", WEB, true],
    ["app not in {'web', 'api'}", WEB, false],
    ["app not in {'web'}", ABSENT, true],
    ['app not in {}', ABSENT, true],
    ['has(app)', WEB, true],
    ['has(app)', ABSENT, false],
    ['!has(app)', WEB, false],
    ['!has(app)', ABSENT, true],
    ['all()', WEB, true],
    ['all()', {}, true],
    ['!all()', {}, false],
    ["tier contains 'ont'", WEB, true],
    ["tier contains 'back'", WEB, false],
    ["tier contains ''", ABSENT, false],
    ["tier starts with 'front'", WEB, true],
    ["tier starts with 'end'", WEB, false],
    ["tier starts with ''", ABSENT, false],
    ["tier ends with 'end'", WEB, true],
    ["tier ends with 'front'", WEB, false],
    ["tier ends with ''", ABSENT, false],
  ])('WHEN %s is matched against %j THEN it is %s', (text, labels, expected) => {
    expect(selectorMatches(text, labels)).toBe(expected);
  });
});

describe('GIVEN a label present with an empty value', () => {
  const labels: Labels = { app: '' };
  it('WHEN matched THEN the key counts as present', () => {
    expect(selectorMatches('has(app)', labels)).toBe(true);
    expect(selectorMatches("app == ''", labels)).toBe(true);
    expect(selectorMatches("app != ''", labels)).toBe(false);
    expect(selectorMatches("app contains ''", labels)).toBe(true);
    expect(selectorMatches("app not in {''}", labels)).toBe(false);
  });
});

describe('GIVEN case differences', () => {
  it('WHEN the value differs only in case THEN it does not match (matching is exact)', () => {
    expect(selectorMatches("app == 'Web'", { app: 'web' })).toBe(false);
    expect(selectorMatches("app in {'WEB'}", { app: 'web' })).toBe(false);
    expect(selectorMatches("app contains 'EB'", { app: 'web' })).toBe(false);
    expect(selectorMatches("app != 'Web'", { app: 'web' })).toBe(true);
  });

  it('WHEN the key differs only in case THEN the label is absent for the selector', () => {
    expect(selectorMatches('has(App)', { app: 'web' })).toBe(false);
    expect(selectorMatches("App != 'web'", { app: 'web' })).toBe(true);
  });
});

describe('GIVEN keys with punctuation', () => {
  it('WHEN the label map has them THEN they match by exact key', () => {
    const labels: Labels = { 'kubernetes.io/role': 'node', 'team/owner': 'payments', 'k8s-app': 'dns', my_label: 'x' };
    expect(selectorMatches("kubernetes.io/role == 'node' && team/owner == 'payments'", labels)).toBe(true);
    expect(selectorMatches("k8s-app in {'dns'} && has(my_label)", labels)).toBe(true);
    expect(selectorMatches('has(kubernetes.io)', labels)).toBe(false);
  });
});

describe('GIVEN keys that are names of Object.prototype members', () => {
  it('WHEN the labels do not have them THEN they are absent, not inherited', () => {
    expect(selectorMatches('has(constructor)', {})).toBe(false);
    expect(selectorMatches('has(__proto__)', {})).toBe(false);
    expect(selectorMatches("toString != 'x'", {})).toBe(true);
  });

  it('WHEN the labels have them as own keys THEN they are present', () => {
    expect(selectorMatches("constructor == 'x'", { constructor: 'x' })).toBe(true);
  });
});

describe('GIVEN boolean combinations', () => {
  const labels: Labels = { a: 'a1', b: 'b1' };
  it.each<[string, boolean]>([
    ["a == 'a1' && b == 'b1'", true],
    ["a == 'a1' && b != 'b1'", false],
    ["a == 'a1' || b != 'b1'", true],
    ["a != 'a1' || b != 'b1'", false],
    ["!a == 'a1' || !b == 'b1'", false],
    ['has(a) && !has(c)', true],
    ['!(!has(a) || has(c))', true],
    ["a == 'x' || b == 'b1' && has(c)", false],
    ["(a == 'x' || b == 'b1') && !has(c)", true],
    ["a == 'a1' || b == 'x' && has(c)", true],
  ])('WHEN %s is matched against {a: a1, b: b1} THEN it is %s', (text, expected) => {
    expect(selectorMatches(text, labels)).toBe(expected);
  });
});

describe('GIVEN selectorMatches called with text or an AST', () => {
  it('WHEN given the AST of the same text THEN the answer is the same', () => {
    const text = "tier starts with 'front' && app not in {'db'}";
    expect(selectorMatches(parseSelector(text), WEB)).toBe(selectorMatches(text, WEB));
  });

  it('WHEN given text that does not parse THEN it throws the syntax error', () => {
    expect(() => selectorMatches("app = 'web'", WEB)).toThrow(SelectorSyntaxError);
  });

  it('WHEN given a hand-built and/or with fewer than two arguments THEN they mean true/false', () => {
    expect(selectorMatches({ op: 'and', args: [] }, {})).toBe(true);
    expect(selectorMatches({ op: 'or', args: [] }, {})).toBe(false);
    expect(selectorMatches({ op: 'or', args: [{ op: 'has', key: 'a' }] }, { a: '' })).toBe(true);
  });
});
