import { describe, expect, it } from 'vitest';
import { parseSelector, type Selector } from '../../../../core/policy/selector/index.ts';

const eq = (key: string, value: string): Selector => ({ op: 'eq', key, value });
const has = (key: string): Selector => ({ op: 'has', key });
const not = (expr: Selector): Selector => ({ op: 'not', expr });
const and = (...args: Selector[]): Selector => ({ op: 'and', args });
const or = (...args: Selector[]): Selector => ({ op: 'or', args });

describe('GIVEN one comparison of each operator', () => {
  it.each<[string, Selector]>([
    ["app == 'web'", eq('app', 'web')],
    ["app != 'web'", { op: 'ne', key: 'app', value: 'web' }],
    ["app contains 'we'", { op: 'contains', key: 'app', value: 'we' }],
    ["app starts with 'w'", { op: 'startswith', key: 'app', value: 'w' }],
    ["app ends with 'b'", { op: 'endswith', key: 'app', value: 'b' }],
    ["app in {'web', 'api'}", { op: 'in', key: 'app', values: ['api', 'web'] }],
    ["app not in {'web', 'api'}", { op: 'notin', key: 'app', values: ['api', 'web'] }],
    ['has(app)', has('app')],
    ['!has(app)', not(has('app'))],
    ['all()', { op: 'all' }],
  ])('WHEN %s is parsed THEN the AST is %j', (text, expected) => {
    expect(parseSelector(text)).toEqual(expected);
  });
});

describe('GIVEN operators mixed without parentheses', () => {
  it('WHEN || and && are mixed THEN && binds tighter (|| is lowest)', () => {
    expect(parseSelector("a == 'x' || b == 'y' && c == 'z'")).toEqual(
      or(eq('a', 'x'), and(eq('b', 'y'), eq('c', 'z'))),
    );
    expect(parseSelector("a == 'x' && b == 'y' || c == 'z'")).toEqual(
      or(and(eq('a', 'x'), eq('b', 'y')), eq('c', 'z')),
    );
  });

  it('WHEN the same operator repeats THEN its operands are flattened in order', () => {
    expect(parseSelector('has(a) && has(b) && has(c)')).toEqual(and(has('a'), has('b'), has('c')));
    expect(parseSelector('has(a) || has(b) || has(c)')).toEqual(or(has('a'), has('b'), has('c')));
  });

  it('WHEN ! precedes a comparison THEN it negates only that comparison, as in Calico', () => {
    expect(parseSelector("!a == 'x' && b == 'y'")).toEqual(and(not(eq('a', 'x')), eq('b', 'y')));
    expect(parseSelector("! a == 'x' || ! b == 'y'")).toEqual(or(not(eq('a', 'x')), not(eq('b', 'y'))));
  });

  it('WHEN the documented Calico example is parsed THEN it brackets as the Calico docs say', () => {
    const text = "! has(my-label) || my-label starts with 'prod' && role in {'frontend','business'}";
    expect(parseSelector(text)).toEqual(
      or(
        not(has('my-label')),
        and(
          { op: 'startswith', key: 'my-label', value: 'prod' },
          { op: 'in', key: 'role', values: ['business', 'frontend'] },
        ),
      ),
    );
  });
});

describe('GIVEN parentheses and negation', () => {
  it('WHEN parentheses group an || inside an && THEN the grouping is kept', () => {
    expect(parseSelector("(a == 'x' || b == 'y') && c == 'z'")).toEqual(
      and(or(eq('a', 'x'), eq('b', 'y')), eq('c', 'z')),
    );
  });

  it('WHEN parentheses only repeat the default grouping THEN the AST is flattened anyway', () => {
    expect(parseSelector('(has(a) && has(b)) && has(c)')).toEqual(and(has('a'), has('b'), has('c')));
    expect(parseSelector('has(a) || (has(b) || has(c))')).toEqual(or(has('a'), has('b'), has('c')));
    expect(parseSelector('((has(a)))')).toEqual(has('a'));
  });

  it('WHEN ! precedes a parenthesised expression THEN it negates the whole group', () => {
    expect(parseSelector('!(has(a) || has(b))')).toEqual(not(or(has('a'), has('b'))));
    expect(parseSelector('!(has(a) && has(b)) && has(c)')).toEqual(and(not(and(has('a'), has('b'))), has('c')));
  });

  it('WHEN ! is repeated THEN, as in Calico, only its parity counts', () => {
    expect(parseSelector('!!has(a)')).toEqual(has('a'));
    expect(parseSelector('!!!has(a)')).toEqual(not(has('a')));
    expect(parseSelector('! !! has(a)')).toEqual(not(has('a')));
  });

  it('WHEN ! is applied to a parenthesised ! THEN the two negations stay explicit', () => {
    expect(parseSelector('!(!has(a))')).toEqual(not(not(has('a'))));
  });

  it('WHEN ! is applied to all() THEN the selector selects nothing', () => {
    expect(parseSelector('!all()')).toEqual(not({ op: 'all' }));
  });
});

describe('GIVEN quoted values', () => {
  it('WHEN single or double quotes are used THEN the value is the same', () => {
    expect(parseSelector(`app == "web"`)).toEqual(parseSelector(`app == 'web'`));
  });

  it('WHEN a value contains the other kind of quote THEN it is part of the value', () => {
    expect(parseSelector(`owner == "o'brien"`)).toEqual(eq('owner', "o'brien"));
    expect(parseSelector(`note == 'say "hi"'`)).toEqual(eq('note', 'say "hi"'));
    expect(parseSelector(`a in {"'", '"'}`)).toEqual({ op: 'in', key: 'a', values: ['"', "'"] });
  });

  it('WHEN a value is empty, has spaces, operators or non-ASCII characters THEN it is kept verbatim', () => {
    expect(parseSelector("a == ''")).toEqual(eq('a', ''));
    expect(parseSelector("a == ' x && y || !has(z) '")).toEqual(eq('a', ' x && y || !has(z) '));
    expect(parseSelector("a == 'Zürich 😀'")).toEqual(eq('a', 'Zürich 😀'));
  });

  it('WHEN a value has a backslash THEN it is a plain character, since Calico has no escapes', () => {
    expect(parseSelector("a == 'x\\'")).toEqual(eq('a', 'x\\'));
  });
});

describe('GIVEN whitespace variations', () => {
  const expected = and(eq('a', 'x'), or(has('b'), { op: 'in', key: 'c', values: ['1', '2'] }), not(has('d')));

  it.each([
    ["a=='x'&&(has(b)||c in{'1','2'})&&!has(d)", 'none at all'],
    ["a == 'x' && (has(b) || c in {'1', '2'}) && !has(d)", 'single spaces'],
    [
      "   a   ==   'x'   &&   (   has(   b   )   ||   c   in   {   '1'   ,   '2'   }   )   &&   !   has(d)   ",
      'lots of spaces',
    ],
    ["\ta\t==\t'x'\t&&\t(has(\tb\t)||c\tin\t{'1',\t'2'})\t&&\t!has(d)\t", 'tabs'],
  ])('WHEN written as %j (%s) THEN it parses to the same AST', (text) => {
    expect(parseSelector(text)).toEqual(expected);
  });

  it('WHEN the two-word operators are written with no or extra blanks THEN Calico accepts them, and so do we', () => {
    expect(parseSelector("a startswith 'x'")).toEqual({ op: 'startswith', key: 'a', value: 'x' });
    expect(parseSelector("a ends  \t with 'x'")).toEqual({ op: 'endswith', key: 'a', value: 'x' });
    expect(parseSelector("a notin {'x'}")).toEqual({ op: 'notin', key: 'a', values: ['x'] });
    expect(parseSelector("a contains'x'")).toEqual({ op: 'contains', key: 'a', value: 'x' });
  });
});

describe('GIVEN label keys', () => {
  it.each(['kubernetes.io/role', 'team/owner', 'k8s-app', 'my_label', 'a.b-c_d/e', '1st', 'A-Z', '-', 'x/'])(
    'WHEN the key %j is used THEN it parses in comparisons and has()',
    (key) => {
      expect(parseSelector(`${key} == 'v'`)).toEqual(eq(key, 'v'));
      expect(parseSelector(`has(${key})`)).toEqual(has(key));
    },
  );

  it('WHEN a key is spelled like an operator word or function THEN it is still a key, as in Calico', () => {
    expect(parseSelector("in == 'x'")).toEqual(eq('in', 'x'));
    expect(parseSelector("contains contains 'contains'")).toEqual({
      op: 'contains',
      key: 'contains',
      value: 'contains',
    });
    expect(parseSelector("all == 'x' || has == 'y' || global == 'z'")).toEqual(
      or(eq('all', 'x'), eq('has', 'y'), eq('global', 'z')),
    );
    expect(parseSelector('has(has)')).toEqual(has('has'));
  });

  it('WHEN has() has blanks inside its parentheses THEN they are ignored', () => {
    expect(parseSelector('has(  team/owner\t)')).toEqual(has('team/owner'));
    expect(parseSelector('all(  )')).toEqual({ op: 'all' });
  });
});

describe('GIVEN set literals', () => {
  it('WHEN a set is empty THEN Calico accepts it, and so do we', () => {
    expect(parseSelector('a in {}')).toEqual({ op: 'in', key: 'a', values: [] });
    expect(parseSelector('a not in { }')).toEqual({ op: 'notin', key: 'a', values: [] });
  });

  it('WHEN a set ends with a comma THEN Calico accepts it, and so do we', () => {
    expect(parseSelector("a in {'x', 'y',}")).toEqual({ op: 'in', key: 'a', values: ['x', 'y'] });
  });

  it('WHEN a set has duplicates or is out of order THEN it is sorted and de-duplicated, like Calico', () => {
    expect(parseSelector("a in {'z', 'x', 'y', 'x', 'a'}")).toEqual({
      op: 'in',
      key: 'a',
      values: ['a', 'x', 'y', 'z'],
    });
  });

  it('WHEN a set mixes cases and non-ASCII THEN it is ordered by code point', () => {
    expect(parseSelector("a in {'b', 'B', 'é', 'a', '😀', '\uffff'}")).toEqual({
      op: 'in',
      key: 'a',
      values: ['B', 'a', 'b', 'é', '\uffff', '😀'],
    });
  });
});
