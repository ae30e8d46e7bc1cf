import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';

/** The estate every cloud-facing CLI test seeds the sandbox clouds from. */
export const ESTATE = 'examples/hybrid-estate.yaml';
export const THREE_TIER = 'examples/three-tier.yaml';

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

/** A stack frame line as node prints it ("    at f (file:1:2)"). */
export const STACK_FRAME = /\n\s+at /;

/**
 * The user mistakes every cloud-facing command must answer with exit 1, a plain message on
 * stderr and no stack trace. `args` are the command's own required options besides
 * --sandbox/--policy (e.g. explain's --from/--to/--port).
 */
export function describeUserMistakes(command: string, args: readonly string[] = []): void {
  describe(`segsync ${command}: user mistakes exit 1 with a plain message`, () => {
    it.each([
      [
        'a missing policy file',
        ['--sandbox', ESTATE, '--policy', 'nope.yaml'],
        'cannot read policy file nope.yaml: no such file',
      ],
      [
        'a missing estate file',
        ['--sandbox', 'nope.yaml', '--policy', THREE_TIER],
        'cannot read estate file nope.yaml: no such file',
      ],
      [
        'a directory as estate',
        ['--sandbox', 'examples', '--policy', THREE_TIER],
        'cannot read estate file examples: it is a directory, not a file',
      ],
      ['no clouds named', ['--policy', THREE_TIER], 'error: say which clouds: --config segsync.yaml'],
      [
        '--config together with --sandbox',
        ['--config', 'examples/segsync.yaml', '--sandbox', ESTATE],
        'error: --config runs against the real clouds; --sandbox',
      ],
      ['a missing configuration', ['--config', 'nope.yaml'], 'cannot read config file nope.yaml: no such file'],
      [
        'a policy as the configuration',
        ['--config', THREE_TIER],
        'this file is a policy (kind: SegmentationPolicy), not a deployment configuration',
      ],
      [
        'a --deployment that disagrees with the configuration',
        ['--config', 'examples/segsync.yaml', '--deployment', 'other'],
        'disagrees with examples/segsync.yaml (metadata.name: main)',
      ],
      [
        'a bad --deployment',
        ['--sandbox', ESTATE, '--policy', THREE_TIER, '--deployment', 'Prod_1'],
        'error: --deployment',
      ],
      ['an unknown flag', ['--sandbox', ESTATE, '--policy', THREE_TIER, '--bogus'], "error: unknown option '--bogus'"],
      ['no --policy', ['--sandbox', ESTATE], 'error: pass --policy <policy.yaml> (or --config segsync.yaml'],
    ])('GIVEN %s WHEN run THEN exit 1, the message on stderr, no stack trace', async (_, options, message) => {
      const r = await runCli(command, ...options, ...args);
      expect(r.code).toBe(1);
      expect(r.err).toContain(message);
      expect(r.err).not.toMatch(STACK_FRAME);
    });

    it('GIVEN a directory as policy WHEN run THEN exit 1, a plain message, no stack trace', async () => {
      const r = await runCli(command, '--sandbox', ESTATE, '--policy', 'examples', ...args);
      expect(r.code).toBe(1);
      expect(r.err).toContain('cannot read policy file examples: it is a directory, not a file');
      expect(r.err).not.toMatch(STACK_FRAME);
    });
  });
}
