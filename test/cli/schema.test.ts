import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from '../helpers/cli.ts';

describe('segsync schema', () => {
  it('prints a JSON Schema that describes the policy format', async () => {
    const r = await runCli('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out) as Record<string, unknown>;
    expect(schema).toMatchSnapshot();
  });

  it('exits 1 for an unknown flag, without a stack trace', async () => {
    const r = await runCli('schema', '--bogus');
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: unknown option '--bogus'");
    expect(r.err).not.toMatch(STACK_FRAME);
  });
});
