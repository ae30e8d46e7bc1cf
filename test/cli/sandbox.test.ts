/**
 * The persisted sandbox (DESIGN.md §7): `--state FILE` keeps the sandbox clouds between commands,
 * `segsync sandbox init` creates it, `segsync sandbox tag` re-tags an instance in it.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ESTATE, runCli, STACK_FRAME, THREE_TIER } from '../helpers/cli.ts';

let dir: string;
let state: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'segsync-state-'));
  state = join(dir, 's.json');
});

describe('--state FILE: commands compose over one persisted sandbox', () => {
  afterEach(() => vi.doUnmock('../../adapters/reconcile.ts'));

  it('GIVEN apply --sandbox --state WHEN plan --state runs after it THEN exit 0 with "No changes"', async () => {
    const applied = await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--state', state, '--quiet');
    expect(applied.code).toBe(0);
    const r = await runCli('plan', '--state', state, '--policy', THREE_TIER);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No changes');
    expect(r.err).not.toMatch(/^error/m);
    // Written atomically: no temporary file is left next to it.
    expect(readdirSync(dir)).toEqual(['s.json']);
  });

  it('GIVEN an apply killed after its 10th step WHEN apply --state runs again THEN it resumes with the rest and plan says "No changes"', async () => {
    const full = await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--quiet');
    const total = Number(/Applied (\d+) steps?/.exec(full.out)![1]);
    vi.doMock('../../adapters/reconcile.ts', async (original) => {
      const real = await original<typeof import('../../adapters/reconcile.ts')>();
      return {
        ...real,
        reconcile: ((policy, clouds, ctx, options = {}) =>
          real.reconcile(policy, clouds, ctx, {
            ...options,
            onStep: async (step, i) => {
              await options.onStep?.(step, i);
              if (i === 9) throw new Error('killed');
            },
          })) satisfies typeof real.reconcile,
      };
    });
    await expect(runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--state', state)).rejects.toThrow(
      'killed',
    );
    vi.doUnmock('../../adapters/reconcile.ts');

    const resumed = await runCli('apply', '--state', state, '--policy', THREE_TIER, '--quiet');
    expect(resumed.code).toBe(0);
    // Steps run in parallel per location, so more than 10 may have finished (and been saved) before
    // the kill stopped the run: the resume applies the rest, at most total - 10.
    const resumedSteps = Number(/Applied (\d+) steps?/.exec(resumed.out)?.[1]);
    expect(resumedSteps).toBeGreaterThan(0);
    expect(resumedSteps).toBeLessThanOrEqual(total - 10);
    const r = await runCli('plan', '--state', state, '--policy', THREE_TIER);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No changes');
  });

  it('GIVEN --sandbox and an existing --state WHEN run THEN the state file is the world and stderr says the estate was not used', async () => {
    await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--state', state, '--quiet');
    const r = await runCli('plan', '--sandbox', ESTATE, '--state', state, '--policy', THREE_TIER);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`note: using the sandbox state in ${state}`);
  });

  it('GIVEN plan --sandbox --state and no state file WHEN run THEN the estate seeds the file', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--state', state, '--policy', THREE_TIER);
    expect(r.code).toBe(2);
    expect(existsSync(state)).toBe(true);
  });

  it.each([
    ['a missing state file and no --sandbox', () => join(dir, 'none.json'), 'does not exist: create it with'],
    ['a directory', () => dir, 'it is a directory, not a file'],
    [
      'a file that is not JSON',
      () => (writeFileSync(join(dir, 'x.json'), 'aws: []'), join(dir, 'x.json')),
      'is not JSON',
    ],
    ['another JSON file', () => 'package.json', 'not a segsync sandbox state'],
  ])('GIVEN --state with %s WHEN planned THEN exit 1, a plain message, no stack trace', async (_, file, message) => {
    const r = await runCli('plan', '--state', file(), '--policy', THREE_TIER);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(STACK_FRAME);
  });
});

describe('segsync sandbox init / tag', () => {
  it('GIVEN an estate WHEN init THEN the state file holds its instances, and plan over it matches plan over the estate', async () => {
    const r = await runCli('sandbox', 'init', ESTATE, '--state', state);
    expect(r.code).toBe(0);
    expect(r.out).toContain('14 instances (AWS 6, Azure 4, GCP 4)');
    const fromState = await runCli('plan', '--state', state, '--policy', THREE_TIER, '--json');
    const fromEstate = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER, '--json');
    expect(fromState.out).toBe(fromEstate.out);
  });

  it('GIVEN an existing state file WHEN init without --force THEN exit 1 and the file is kept', async () => {
    writeFileSync(state, 'keep');
    const r = await runCli('sandbox', 'init', ESTATE, '--state', state);
    expect(r.code).toBe(1);
    expect(r.err).toContain('already exists; pass --force');
    expect(readFileSync(state, 'utf8')).toBe('keep');
    expect((await runCli('sandbox', 'init', ESTATE, '--state', state, '--force')).code).toBe(0);
  });

  it('GIVEN an applied state WHEN an instance is re-tagged in each cloud THEN plan sees the change (exit 2) and apply converges', async () => {
    await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--state', state, '--quiet');
    for (const [instance, tag] of [
      ['i-prod-web2', 'env=dev'],
      ['vm-build', 'env=prod'],
      ['gce-analytics', 'env=dev'],
    ] as const) {
      const r = await runCli('sandbox', 'tag', instance, tag, 'tier=web', 'app=shop', '--state', state);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`${instance} (`);
    }
    expect((await runCli('plan', '--state', state, '--policy', THREE_TIER)).code).toBe(2);
    expect((await runCli('apply', '--state', state, '--policy', THREE_TIER, '--quiet')).code).toBe(0);
    expect((await runCli('plan', '--state', state, '--policy', THREE_TIER)).code).toBe(0);
  });

  it('GIVEN a Name tag and Key- WHEN tagged THEN the instance is found by its Name and the tag removed', async () => {
    await runCli('sandbox', 'init', ESTATE, '--state', state);
    const r = await runCli('sandbox', 'tag', 'prod-web-1', 'Env-', '--state', state, '--json');
    expect(r.code, r.err).toBe(0);
    const labels = (JSON.parse(r.out) as { labels: Record<string, string> }).labels;
    expect(labels.env).toBeUndefined();
    expect(labels.name).toBe('prod-web-1');
  });

  it.each([
    [['nope', 'a=b'], 'no instance "nope"'],
    [['i-prod-web1', 'justakey'], '"justakey": write Key=Value'],
    [
      ['i-prod-web1', 'aws:x=1'],
      "aws refused the tags: InvalidParameterValue: Tag keys starting with 'aws:' are reserved",
    ],
  ])('GIVEN tag %j WHEN run THEN exit 1 with a plain message', async (args, message) => {
    await runCli('sandbox', 'init', ESTATE, '--state', state);
    const r = await runCli('sandbox', 'tag', ...args, '--state', state);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(STACK_FRAME);
  });
});
