/**
 * Calico-compatible label selectors: parse, match, print.
 *
 * Pure (no I/O, clock, randomness or environment), so the intent oracle and the compilers can
 * call it freely. The language and its meaning are Calico's, byte for byte where it matters
 * (DESIGN.md §2: "same string, same meaning as in Calico"); see the module headers for the
 * Calico sources each part follows and the two deliberate differences (the empty selector and
 * global() are errors).
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
