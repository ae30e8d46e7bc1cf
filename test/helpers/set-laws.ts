/**
 * The Boolean-algebra laws every exact set type in core/model must satisfy (AddressSet, PortSet),
 * asserted once here so the property tests of each set type state them the same way.
 */
import { expect } from 'vitest';

export interface ExactSet<S> {
  union(o: S): S;
  intersect(o: S): S;
  subtract(o: S): S;
  equals(o: S): boolean;
  isEmpty(): boolean;
}

/** Commutativity, the partition of A by B, disjointness of A − B and B, De Morgan and double complement. */
export function expectSetAlgebraLaws<S extends ExactSet<S>>(A: S, B: S, all: S): void {
  expect(A.union(B).equals(B.union(A))).toBe(true);
  expect(A.intersect(B).equals(B.intersect(A))).toBe(true);
  expect(A.subtract(B).union(A.intersect(B)).equals(A)).toBe(true);
  expect(A.subtract(B).intersect(B).isEmpty()).toBe(true);
  expect(all.subtract(A.union(B)).equals(all.subtract(A).intersect(all.subtract(B)))).toBe(true);
  expect(all.subtract(all.subtract(A)).equals(A)).toBe(true);
}
