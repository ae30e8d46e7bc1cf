/**
 * The library entry's names and signatures are a contract other tools call (issue 2): pinned
 * here so a change shows up in `npm test` (the typecheck step checks these assertions) and at
 * run time (the exports exist and behave).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as lib from '../../core/index.ts';
import { HTTPS_TO_WEB } from '../helpers/policies.ts';
import type { Decision, Flow, Labels, NormalizedLabels, Policy, Selector } from '../../core/index.ts';

describe('library entry (package "exports")', () => {
  it('exposes the documented functions with their signatures', () => {
    expectTypeOf(lib.parseSelector).toEqualTypeOf<(text: string) => Selector>();
    expectTypeOf(lib.selectorMatches).parameters.toEqualTypeOf<[Selector | string, Readonly<Record<string, string>>]>();
    expectTypeOf(lib.selectorMatches).returns.toEqualTypeOf<boolean>();
    expectTypeOf(lib.loadPolicy).toEqualTypeOf<(path: string) => Policy>();
    expectTypeOf(lib.parsePolicy).parameters.toMatchTypeOf<[string, string?]>();
    expectTypeOf(lib.parsePolicy).returns.toEqualTypeOf<Policy>();
    expectTypeOf(lib.normalizeLabels).returns.toEqualTypeOf<NormalizedLabels>();
    expectTypeOf(lib.allows).toEqualTypeOf<(policy: Policy, flow: Flow) => Decision>();
    expectTypeOf<NormalizedLabels['labels']>().toEqualTypeOf<Labels>();
  });

  it('the functions work together end to end', () => {
    const policy = lib.parsePolicy(HTTPS_TO_WEB, 'lib.yaml');
    const { labels } = lib.normalizeLabels('aws', [{ Key: 'Tier', Value: 'Web ' }]);
    expect(lib.selectorMatches(lib.parseSelector("tier == 'web'"), labels)).toBe(true);
    expect(
      lib.allows(policy, { src: '198.51.100.4', dst: { labels, addresses: ['10.0.0.8'] }, protocol: 'tcp', port: 443 })
        .allowed,
    ).toBe(true);
    expect(
      lib.allows(policy, { src: '198.51.100.4', dst: { labels, addresses: ['10.0.0.8'] }, protocol: 'tcp', port: 80 })
        .allowed,
    ).toBe(false);
  });
});
