import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseSelector,
  selectorMatches,
  selectorToString,
  trySelector,
  type Selector,
} from '../../../../core/policy/selector/index.ts';

type Labels = Record<string, string>;

/** Code-point order, written independently of the module's own comparator. */
const byCodePoint = (a: string, b: string): number => {
  const x = [...a].map((c) => c.codePointAt(0) ?? 0);
  const y = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return x.length - y.length;
};

const printable = (v: string): boolean => !(v.includes("'") && v.includes('"'));

/** Keys and values for printing: the whole key alphabet, awkward values, one kind of quote at most. */
const anyKey = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_./-]{1,12}$/),
  fc.constantFrom('a', 'kubernetes.io/role', 'team/owner', 'in', 'not', 'has', 'all', 'global', 'contains', 'starts'),
);
const anyValue = fc.oneof(
  fc.constantFrom('', 'web', 'Web', "o'brien", 'say "hi"', ' && || ! ', 'has(x)', '\n', '😀'),
  fc.string({ unit: 'binary', maxLength: 8 }).filter(printable),
);

/** Keys and values from small pools, so random label maps often hit them. */
const fewKeys = fc.constantFrom('a', 'b', 'c');
const fewValues = fc.constantFrom('', 'x', 'y', 'xy', 'X');
const labelsArb: fc.Arbitrary<Labels> = fc.dictionary(fewKeys, fewValues, { maxKeys: 3 });

/** Builds an and/or in the parser's normal form: flattened, so the round trip is exact. */
const junction = (op: 'and' | 'or', args: Selector[]): Selector => ({
  op,
  args: args.flatMap((a) => (a.op === op ? a.args : [a])),
});

function selectorArb(key: fc.Arbitrary<string>, value: fc.Arbitrary<string>): fc.Arbitrary<Selector> {
  const leaf: fc.Arbitrary<Selector> = fc.oneof(
    fc.constant<Selector>({ op: 'all' }),
    key.map((k): Selector => ({ op: 'has', key: k })),
    fc.record({ op: fc.constantFrom('eq', 'ne', 'contains', 'startswith', 'endswith'), key, value }),
    fc.record({
      op: fc.constantFrom('in', 'notin'),
      key,
      values: fc.uniqueArray(value, { maxLength: 4 }).map((vs) => [...vs].sort(byCodePoint)),
    }),
  );
  const { sel } = fc.letrec<{ sel: Selector }>((tie) => ({
    sel: fc.oneof(
      { maxDepth: 4, depthSize: 'small' },
      leaf,
      tie('sel').map((expr): Selector => ({ op: 'not', expr })),
      fc.array(tie('sel'), { minLength: 2, maxLength: 3 }).map((args) => junction('and', args)),
      fc.array(tie('sel'), { minLength: 2, maxLength: 3 }).map((args) => junction('or', args)),
    ),
  }));
  return sel;
}

const printableSelector = selectorArb(anyKey, anyValue);
const smallSelector = selectorArb(fewKeys, fewValues);

describe('GIVEN random selector ASTs in normal form', () => {
  it('WHEN printed and parsed again THEN the AST is deep-equal (round trip)', () => {
    fc.assert(
      fc.property(printableSelector, (s) => {
        expect(parseSelector(selectorToString(s))).toEqual(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('WHEN the canonical text has its blanks stretched into runs of spaces and tabs THEN it parses the same', () => {
    const blanks = fc.array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 3 }).map((b) => b.join(''));
    fc.assert(
      fc.property(printableSelector, fc.infiniteStream(blanks), (s, stream) => {
        // Split on quoted values so that only the blanks between tokens are stretched.
        const parts = selectorToString(s).split(/('[^']*'|"[^"]*")/);
        const stretched = parts.map((p, i) => (i % 2 === 1 ? p : p.replace(/ /g, () => stream.next().value))).join('');
        expect(parseSelector(stretched)).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('WHEN matched as text or as AST THEN the answers agree', () => {
    fc.assert(
      fc.property(smallSelector, labelsArb, (s, labels) => {
        expect(selectorMatches(selectorToString(s), labels)).toBe(selectorMatches(s, labels));
      }),
      { numRuns: 500 },
    );
  });
});

describe('GIVEN random selectors and random label maps', () => {
  it('WHEN negated THEN the match flips', () => {
    fc.assert(
      fc.property(smallSelector, labelsArb, (s, labels) => {
        expect(selectorMatches({ op: 'not', expr: s }, labels)).toBe(!selectorMatches(s, labels));
      }),
      { numRuns: 500 },
    );
  });

  it("WHEN De Morgan's laws rewrite them THEN the match is unchanged", () => {
    fc.assert(
      fc.property(smallSelector, smallSelector, labelsArb, (a, b, labels) => {
        const notA: Selector = { op: 'not', expr: a };
        const notB: Selector = { op: 'not', expr: b };
        expect(selectorMatches({ op: 'not', expr: { op: 'and', args: [a, b] } }, labels)).toBe(
          selectorMatches({ op: 'or', args: [notA, notB] }, labels),
        );
        expect(selectorMatches({ op: 'not', expr: { op: 'or', args: [a, b] } }, labels)).toBe(
          selectorMatches({ op: 'and', args: [notA, notB] }, labels),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('WHEN printing a hand-built AST that is not in normal form THEN the text still means the same', () => {
    const { loose } = fc.letrec<{ loose: Selector }>((tie) => ({
      loose: fc.oneof(
        { maxDepth: 4 },
        smallSelector,
        fc.array(tie('loose'), { maxLength: 3 }).map((args): Selector => ({ op: 'and', args })),
        fc.array(tie('loose'), { maxLength: 3 }).map((args): Selector => ({ op: 'or', args })),
        tie('loose').map((expr): Selector => ({ op: 'not', expr })),
      ),
    }));
    fc.assert(
      fc.property(loose, labelsArb, (s, labels) => {
        expect(selectorMatches(selectorToString(s), labels)).toBe(selectorMatches(s, labels));
      }),
      { numRuns: 500 },
    );
  });
});

describe('GIVEN a key and random label maps', () => {
  it("WHEN k != 'v' is compared with !(k == 'v') THEN they agree on every label map", () => {
    fc.assert(
      fc.property(fewKeys, fewValues, labelsArb, (key, value, labels) => {
        expect(selectorMatches({ op: 'ne', key, value }, labels)).toBe(
          !selectorMatches({ op: 'eq', key, value }, labels),
        );
      }),
    );
  });

  it('WHEN k not in S is compared with !(k in S) THEN they agree, and in is an || of == s', () => {
    fc.assert(
      fc.property(fewKeys, fc.uniqueArray(fewValues), labelsArb, (key, values, labels) => {
        const inSet = selectorMatches({ op: 'in', key, values }, labels);
        expect(selectorMatches({ op: 'notin', key, values }, labels)).toBe(!inSet);
        expect(inSet).toBe(values.some((value) => selectorMatches({ op: 'eq', key, value }, labels)));
      }),
    );
  });

  it('WHEN the key is absent THEN only != and not in match among the comparisons', () => {
    fc.assert(
      fc.property(fewValues, labelsArb, (value, labels) => {
        const without = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'a'));
        const matches = (op: 'eq' | 'ne' | 'contains' | 'startswith' | 'endswith') =>
          selectorMatches({ op, key: 'a', value }, without);
        expect([matches('eq'), matches('contains'), matches('startswith'), matches('endswith')]).toEqual([
          false,
          false,
          false,
          false,
        ]);
        expect(matches('ne')).toBe(true);
        expect(selectorMatches({ op: 'notin', key: 'a', values: [value] }, without)).toBe(true);
        expect(selectorMatches({ op: 'in', key: 'a', values: [value] }, without)).toBe(false);
      }),
    );
  });
});

describe('GIVEN arbitrary text', () => {
  const fragment = fc.constantFrom(
    'a',
    'b',
    'in',
    'not',
    'contains',
    'starts',
    'with',
    '==',
    '!=',
    '=',
    '!',
    '&&',
    '||',
    '&',
    '|',
    '(',
    ')',
    '{',
    '}',
    ',',
    "'x'",
    '"y"',
    "'",
    '"',
    'has(',
    'has(a)',
    'all()',
    'global()',
    ' ',
    '\t',
    '\n',
    '%',
  );
  // Valid text with one character replaced by a fragment (or deleted): near misses, some of which still parse.
  const nearMiss = fc
    .tuple(printableSelector.map(selectorToString), fc.nat(), fc.oneof(fragment, fc.constant('')))
    .map(([text, at, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + 1);
    });
  const selectorish = fc.oneof(
    fc.string(),
    fc.array(fragment, { maxLength: 12 }).map((f) => f.join('')),
    nearMiss,
  );

  it('WHEN parsed THEN it either parses and round-trips, or fails with a column inside the text', () => {
    fc.assert(
      fc.property(selectorish, (text) => {
        const result = trySelector(text);
        if (result.ok) {
          expect(parseSelector(selectorToString(result.selector))).toEqual(result.selector);
        } else {
          expect(result.error.column).toBeGreaterThanOrEqual(1);
          expect(result.error.column).toBeLessThanOrEqual([...text].length + 1);
          expect(result.error.message).toMatch(/^expected .+, found .+/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
