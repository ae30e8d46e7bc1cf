import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useColor } from '../../cli/version.ts';
import { runCli } from '../helpers/cli.ts';

describe('segsync --version and colour', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each(['--version', '-V'])('GIVEN %s WHEN run THEN it prints the package version and exits 0', async (flag) => {
    const { code, out } = await runCli(flag);

    expect(code).toBe(0);
    expect(out.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });

  it('GIVEN a terminal WHEN NO_COLOR is set or output is piped THEN no colour', () => {
    vi.stubEnv('NO_COLOR', '');
    expect(useColor({ isTTY: true })).toBe(true);
    expect(useColor({ isTTY: false })).toBe(false);
    vi.stubEnv('NO_COLOR', '1');
    expect(useColor({ isTTY: true })).toBe(false);
  });
});
