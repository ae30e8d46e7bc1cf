import { describe, expect, it } from 'vitest';
import { validatePolicy } from '../../../core/index.ts';

const policy = (spec: string) =>
  `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: warn }
spec:
${spec}`;

const codes = (text: string) =>
  validatePolicy(text, 'p.yaml').diagnostics.map(
    (d) => `${d.severity} ${d.code} ${d.source?.line}:${d.source?.column} ${d.hint ?? ''}`,
  );

describe('validate: warnings that point at the fix', () => {
  it('GIVEN an empty selector and global() WHEN validated THEN both are valid all() with a warning at the spot', () => {
    const result = validatePolicy(
      policy(`  segments:
    - { name: everyone, selector: "" }
    - { name: global, selector: "has(app) && global()" }
  rules: []`),
      'p.yaml',
    );

    expect(result.policy).toBeDefined();
    expect(result.diagnostics.map((d) => [d.code, d.source?.line, d.source?.column, d.message])).toEqual([
      ['selector-all-spelling', 6, 36, 'an empty selector selects every workload, as all() does'],
      ['selector-all-spelling', 7, 46, 'global() selects every workload, as all() does'],
    ]);
  });

  it('GIVEN a selector key that is a near miss of a counted key WHEN validated THEN the hint names the counted key, not "add it"', () => {
    const found = codes(
      policy(`  labels: { keys: [app, tier] }
  segments:
    - { name: web, selector: "tire == 'web'" }
    - { name: team, selector: "team == 'x'" }
  rules: []`),
    );

    expect(found).toEqual([
      'warning selector-key-not-counted 7:31 did you mean "tier"?',
      'warning selector-key-not-counted 8:32 if "team" is a tag key you use, add it to spec.labels.keys',
    ]);
  });

  it('GIVEN label keys Calico cannot read WHEN validated THEN they are errors, in spec.labels.keys and in selectors', () => {
    const long = 'k'.repeat(513);
    const result = validatePolicy(
      policy(`  labels: { keys: [app, "${long}"] }
  segments:
    - { name: web, selector: "has(${long})" }
  rules: []`),
      'p.yaml',
    );

    expect(result.policy).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['invalid-label-key', 'invalid-selector']);
    expect(result.diagnostics[1]!.message).toBe(
      'selector does not parse at column 5: expected a label key of at most 512 characters, found a key of 513 characters',
    );
  });
});
