/**
 * Calico-compatible label selectors: parse, match, print.
 *
 * Pure (no I/O, clock, randomness or environment), so the intent oracle and the compilers can
 * call it freely. The language and its meaning are Calico's, byte for byte where it matters
 * (DESIGN.md §2: "same string, same meaning as in Calico"); see the module headers for the
 * Calico sources each part follows.
 */
export {
  SelectorSyntaxError,
  isLabelKey,
  selectorLabelRefs,
  selectorToString,
  type Selector,
  type SelectorLabelRefs,
} from './ast.ts';
export { parseSelector, trySelector } from './parser.ts';
export { selectorMatches } from './match.ts';
export { SelectorIndex } from './select-index.ts';

import { tokenize } from './lexer.ts';

/**
 * Where a selector says "everything" without all(): the empty selector and global(), both all()
 * in Calico. validate warns about them, since all() is the spelling that says what it means.
 * @example selectorAllSpellings("global() && !has(x)"); // [{ spelling: 'global', column: 1 }]
 */
export function selectorAllSpellings(text: string): Array<{ spelling: 'empty' | 'global'; column: number }> {
  if (text.trim() === '') return [{ spelling: 'empty', column: 1 }];
  return tokenize(text)
    .filter((t) => t.kind === 'all' && t.value === 'global')
    .map((t) => ({ spelling: 'global' as const, column: t.start + 1 }));
}
