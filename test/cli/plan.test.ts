import { describe, expect, it } from 'vitest';
import { describeUserMistakes, ESTATE, runCli, THREE_TIER } from '../helpers/cli.ts';

describe('segsync plan: exit 0 no changes, 2 changes, 1 error', () => {
  it('GIVEN a fresh estate and the three-tier policy WHEN planned THEN exit 2 and a summary with counts per cloud', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(
      /Plan: \d+ to create, \d+ to authorize, \d+ membership changes, .*\(aws \d+, azure \d+, gcp \d+\)/,
    );
    expect(r.err).toBe('');
  });

  it('GIVEN a policy that selects no workload WHEN planned THEN exit 0 and "No changes"', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', 'test/fixtures/policies/selects-nothing.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('No changes.');
    expect(r.out).toContain(
      "warning: segment ghost: the selector app == 'no-such-app' matches no workload and no external [selector-matches-nothing]",
    );
  });

  it('GIVEN a monitor segment WHEN planned THEN per segment what enforcing it would cut, in text and in --json', async () => {
    const policy = 'test/fixtures/policies/readme-shop-default.yaml';
    const text = await runCli('plan', '--sandbox', ESTATE, '--policy', policy);
    expect(text.out).toMatch(
      /\nmonitor segment db: enforcing it would cut \d+ flows allowed today \(3 workloads\): e\.g\. /,
    );
    const json = JSON.parse((await runCli('plan', '--sandbox', ESTATE, '--policy', policy, '--json')).out) as {
      monitor: Array<{ segment: string; workloads: number; cut: number; checked: number; examples: unknown[] }>;
    };
    expect(json.monitor.map((m) => [m.segment, m.workloads, m.examples.length])).toEqual([['db', 3, 3]]);
    expect(json.monitor[0]!.cut).toBeGreaterThan(0);
    expect(json.monitor[0]!.cut).toBeLessThanOrEqual(json.monitor[0]!.checked);
  });

  it('GIVEN --json WHEN planned THEN the steps are data, still exit 2', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER, '--json');
    expect(r.code).toBe(2);
    const plan = JSON.parse(r.out) as { steps: Array<{ cloud: string; phase: string }> };
    expect(new Set(plan.steps.map((s) => s.cloud))).toEqual(new Set(['aws', 'azure', 'gcp']));
  });

  it('GIVEN an invalid policy WHEN planned THEN exit 1 with its diagnostics', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', 'test/fixtures/policies/invalid/ten-mistakes.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown segment "dbs"');
    expect(r.out).toBe('');
  });
});

describeUserMistakes('plan');
