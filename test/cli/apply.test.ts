import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeUserMistakes, ESTATE, runCli, THREE_TIER } from '../helpers/cli.ts';

describe('segsync apply: exit 0 when nothing is left, 1 when steps remain or on error', () => {
  afterEach(() => vi.doUnmock('../../adapters/reconcile.ts'));

  it('GIVEN a fresh estate WHEN applied THEN exit 0, every step printed (a JSON line off a TTY), and nothing left to do', async () => {
    const r = await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\{"event":"step","done":1,"total":\d+,"cloud":"(aws|azure|gcp)"/m);
    expect(r.out).toMatch(/Applied [1-9]\d* steps in 1 round: \d+ API calls, .*\. No changes\./);
    expect(r.err).toBe('');
  });

  it('GIVEN --quiet WHEN applied THEN only the summary line and the verify verdict', async () => {
    const r = await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--quiet');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^Applied \d+ step.* in 1 round.*No changes\./),
      expect.stringMatching(/^Verified: \d+ flows, \d+ enforced sides: native state matches the policy\.$/),
    ]);
  });

  it('GIVEN exclusive: false and the VPC default groups WHEN applied THEN apply does not say "matches": it names the foreign groups verify blames', async () => {
    const r = await runCli(
      'apply',
      '--sandbox',
      ESTATE,
      '--policy',
      'test/fixtures/policies/readme-shop.yaml',
      '--quiet',
    );
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/matches the policy/);
    expect(r.out).toContain('Verify disagrees with the policy:');
    expect(r.out).toMatch(/sg-0+1 \(default, foreign\) re-opens [\d,]+ flows/);
    expect(r.out).toMatch(/: [1-9]\d* disagreements?\.\n$/);
  });

  it('GIVEN steps that remain after the last round WHEN applied THEN exit 1 and stderr says how many', async () => {
    // A cloud that never converges cannot be seeded from an estate file, so reconcile reports one
    // step still to do after its rounds.
    vi.doMock('../../adapters/reconcile.ts', async (original) => ({
      ...(await original<typeof import('../../adapters/reconcile.ts')>()),
      reconcile: async () => ({
        rounds: 4,
        applied: 7,
        last: {
          plan: {
            steps: [{ cloud: 'aws', phase: 'create', kind: 'create-group', target: 'g', summary: 'g' }],
            findings: [],
          },
        },
      }),
    }));
    const r = await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--quiet');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Applied 7 steps in 3 rounds:');
    expect(r.err).toBe('error: 1 step still to do after 3 rounds; run apply again or see plan\n');
  });

  it('GIVEN --help WHEN asked THEN the exit codes are documented', async () => {
    const r = await runCli('apply', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'Exit codes: 0 applied, nothing left to do; 1 error, or steps remain after the last round.',
    );
  });
});

describeUserMistakes('apply');

describe('segsync apply --json', () => {
  it('GIVEN --json WHEN applied THEN the applied steps, rounds, steps left and findings are data, no progress lines', async () => {
    const r = await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { applied: Array<{ cloud: string; kind: string }>; rounds: number; left: unknown[] };
    expect(j.applied.length).toBeGreaterThan(0);
    expect(j.rounds).toBe(1);
    expect(j.left).toEqual([]);
  });
});
