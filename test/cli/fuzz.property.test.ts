/**
 * Property: whatever files and flags a person passes, the CLI answers with an exit code and a
 * message, never a stack trace. 100 random command lines (about 15 s); the pools hold the mistakes
 * people make: directories, missing and empty files, swapped files, bad flag values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const FILES = [
  'examples/three-tier.yaml',
  'examples/deny.yaml',
  'examples/hybrid-estate.yaml',
  'examples',
  '/dev/null',
  'no-such-file.yaml',
  'test/fixtures/policies/invalid/ten-mistakes.yaml',
  'package.json',
  '',
];
const file = fc.constantFrom(...FILES);
const VALUES: Readonly<Record<string, fc.Arbitrary<string>>> = {
  '--policy': file,
  '--sandbox': file,
  '--deployment': fc.constantFrom('segsync', 'UPPER', 'a-b', '', 'x'.repeat(30)),
  '--from': fc.constantFrom('i-prod-web1', '10.0.1.10', 'nobody', 'prod-web'),
  '--to': fc.constantFrom('vm-prod-db1', '999.1.1.1', 'internet'),
  '--port': fc.constantFrom('tcp/5432', 'tcp/99999', 'udp', 'any', 'sctp/1', 'tcp/80-90'),
  '--format': fc.constantFrom('svg', 'dot', 'png'),
  '-o': fc.constantFrom('/nonexistent-dir/out.svg', 'examples'),
};
const CLOUD = ['--policy', '--sandbox', '--deployment', '--json'];
/** Each command with the flags it takes, so most runs get past commander to the loaders. */
const COMMANDS: Readonly<Record<string, { file?: true; flags: string[] }>> = {
  validate: { file: true, flags: ['--json'] },
  schema: { flags: [] },
  plan: { flags: CLOUD },
  apply: { flags: CLOUD },
  verify: { flags: CLOUD },
  state: { flags: [...CLOUD, '--no-apply'] },
  matrix: { flags: [...CLOUD, '--no-apply', '--wide'] },
  explain: { flags: [...CLOUD, '--from', '--to', '--port'] },
  graph: { file: true, flags: ['--format', '-o', '--json'] },
};

/** A flag is present with probability `presence`; the file flags most of the time, so they reach the loaders. */
const flag = (name: string) => {
  const presence = name === '--policy' || name === '--sandbox' ? 0.85 : 0.3;
  const value = VALUES[name] ? VALUES[name].map((v) => [name, v]) : fc.constant([name]);
  return fc.oneof(
    { arbitrary: fc.constant<string[]>([]), weight: Math.round(20 * (1 - presence)) },
    { arbitrary: value, weight: Math.round(20 * presence) },
  );
};

const argv = fc.constantFrom(...Object.keys(COMMANDS)).chain((command) => {
  const spec = COMMANDS[command]!;
  return fc
    .tuple(
      spec.file ? file.map((f) => [f]) : fc.constant([]),
      ...spec.flags.map(flag),
      fc.oneof({ arbitrary: fc.constant([]), weight: 9 }, { arbitrary: fc.constant(['--unknown-flag']), weight: 1 }),
    )
    .map((parts) => [command, ...parts.flat()]);
});

describe('the CLI under random files and flags', () => {
  it('never prints a stack trace and always exits 0, 1 or 2', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const { code, out, err } = await runCli(...args);
        expect([0, 1, 2]).toContain(code);
        expect(err).not.toMatch(/\n\s+at .+:\d+:\d+/);
        if (code === 1) expect(`${err}${out}`.trim().length).toBeGreaterThan(0);
      }),
      { numRuns: 100, seed: 20261201 },
    );
  }, 120_000);
});
