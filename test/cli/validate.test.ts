import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from '../helpers/cli.ts';

describe('segsync validate', () => {
  it('exits 0 for valid policies and says what it found', async () => {
    const r = await runCli('validate', 'examples/three-tier.yaml', 'examples/deny.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('examples/three-tier.yaml: valid (6 segments, 7 rules, 2 externals, 1 warning)');
    expect(r.out).toContain('examples/deny.yaml: valid');
  });

  it('exits 1 and lists every error with file:line:column, without a stack trace', async () => {
    const r = await runCli('validate', 'test/fixtures/policies/invalid/ten-mistakes.yaml');
    expect(r.code).toBe(1);
    expect(
      r.err
        .split('\n')
        .filter((l) => /^test\/fixtures\/policies\/invalid\/ten-mistakes\.yaml:\d+:\d+ {2}error/.test(l)),
    ).toHaveLength(11);
    expect(r.err).toContain('rules[0].to  unknown segment "dbs"');
    expect(r.err).not.toMatch(STACK_FRAME);
  });

  it('GIVEN --sandbox ESTATE WHEN a selector matches nothing there THEN a positioned warning with its code, still exit 0', async () => {
    const r = await runCli(
      'validate',
      'test/fixtures/policies/selects-nothing.yaml',
      '--sandbox',
      'examples/hybrid-estate.yaml',
    );
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      "test/fixtures/policies/selects-nothing.yaml:8:32  warning  segments[0].selector  the selector app == 'no-such-app' matches no workload and no external [selector-matches-nothing]",
    );
    expect(r.out).toBe(
      'test/fixtures/policies/selects-nothing.yaml: valid (1 segment, 1 rule, 0 externals, 1 warning)\n',
    );
    const without = await runCli('validate', 'test/fixtures/policies/selects-nothing.yaml');
    expect(without.err).not.toContain('selector-matches-nothing');
  });

  it('GIVEN --sandbox ESTATE and the README policy THEN 0.0.0.0/0 in internet-to-web is said to cover the managed workloads', async () => {
    const r = await runCli(
      'validate',
      'test/fixtures/policies/readme-shop-default.yaml',
      '--sandbox',
      'examples/hybrid-estate.yaml',
      '--json',
    );
    expect(r.code).toBe(0);
    const covers = (JSON.parse(r.out) as Array<{ code: string; path: unknown[]; message: string }>).filter(
      (d) => d.code === 'address-peer-covers-workloads',
    );
    expect(covers.map((d) => d.path)).toEqual([['spec', 'rules', 0, 'from']]);
    expect(covers[0]!.message).toMatch(
      /^0\.0\.0\.0\/0, ::\/0 \(external internet\) in internet-to-web also covers \d+ managed workloads/,
    );
  });

  it('exits 1 for a missing file, with a plain message', async () => {
    const r = await runCli('validate', 'nope.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: nope.yaml: no such file\n');
  });

  it('prints diagnostics as JSON on request', async () => {
    const r = await runCli('validate', '--json', 'test/fixtures/policies/invalid/ten-mistakes.yaml');
    expect(r.code).toBe(1);
    const list = JSON.parse(r.out) as Array<{ code: string; source: { line: number } }>;
    expect(list).toHaveLength(11);
    expect(list[0]).toMatchObject({ code: 'invalid-value', source: { line: 5 } });
  });

  it('rejects an unknown command with usage, exit 1', async () => {
    const r = await runCli('frobnicate');
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });

  it('exits 1 for an unknown flag, naming it', async () => {
    const r = await runCli('validate', '--bogus', 'examples/deny.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: unknown option '--bogus'");
    expect(r.err).not.toMatch(STACK_FRAME);
  });

  it('exits 1 for a directory, with a plain message', async () => {
    const r = await runCli('validate', 'examples');
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot read policy file examples: it is a directory, not a file');
    expect(r.err).not.toMatch(STACK_FRAME);
  });
});
