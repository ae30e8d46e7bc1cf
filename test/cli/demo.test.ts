import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from '../helpers/cli.ts';

describe('segsync demo', () => {
  it('GIVEN the examples WHEN the demo runs THEN exit 0, and it verifies with 0 disagreements before and after the re-tag', async () => {
    const r = await runCli('demo');
    expect(r.code).toBe(0);
    expect(r.out.match(/: 0 disagreements\./g)?.length).toBeGreaterThanOrEqual(2);
    expect(r.err).toBe('');
  });

  it('GIVEN a missing estate file WHEN the demo runs THEN exit 1, plain message, no stack trace', async () => {
    const r = await runCli('demo', '--estate', 'nope.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain('nope.yaml');
    expect(r.err).not.toMatch(STACK_FRAME);
  });
});
