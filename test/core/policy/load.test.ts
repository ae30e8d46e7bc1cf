import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAndValidatePolicy, loadPolicy, PolicyValidationError, validatePolicy } from '../../../core/index.ts';

describe('reading a policy file', () => {
  it.each([
    ['examples', 'cannot read policy file examples: it is a directory, not a file'],
    ['no-such-policy.yaml', 'cannot read policy file no-such-policy.yaml: no such file'],
  ])('GIVEN %s WHEN loaded THEN one policy-unreadable diagnostic, no exception', (path, message) => {
    const { policy, diagnostics } = loadAndValidatePolicy(path);

    expect(policy).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'policy-unreadable', severity: 'error', message })]);
    expect(() => loadPolicy(path)).toThrow(PolicyValidationError);
  });

  it('GIVEN an estate handed over as the policy WHEN validated THEN one error says the files are swapped', () => {
    const { policy, diagnostics } = validatePolicy(readFileSync('examples/hybrid-estate.yaml', 'utf8'), 'estate.yaml');

    expect(policy).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.hint])).toEqual([
      [
        'policy-is-estate',
        'did you swap the files? --policy takes the policy (apiVersion: segsync/v1), --sandbox the estate',
      ],
    ]);
  });
});
