import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeUserMistakes, ESTATE, runCli, THREE_TIER } from '../helpers/cli.ts';

describe('segsync plan: exit 0 no changes, 2 changes, 1 error', () => {
  it('GIVEN a fresh estate and the three-tier policy WHEN planned THEN exit 2 and a summary with counts per cloud', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(
      /Plan: \d+ to create, \d+ to authorize, \d+ membership changes, .*\(aws \d+, azure \d+, gcp \d+\)/,
    );
    // Warnings (0.0.0.0/0 in internet-to-prod-web covers managed workloads) go to stderr; no error.
    expect(r.err).toMatch(/^warning: rule internet-to-prod-web/m);
    expect(r.err).not.toMatch(/^error/m);
  });

  it('GIVEN a policy that selects no workload WHEN planned THEN exit 0 and "No changes"', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', 'test/fixtures/policies/selects-nothing.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('No changes.');
    expect(r.err).toContain(
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

describe('segsync plan --limit: raised quotas, validated', () => {
  it('GIVEN a lower AWS rule quota WHEN planned THEN the compiler fits within it (more groups than with the default)', async () => {
    const creates = async (...limit: string[]) => {
      const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER, '--json', ...limit);
      expect(r.code, r.err).toBe(2);
      return (JSON.parse(r.out) as { steps: Array<{ kind: string }> }).steps.filter((s) => s.kind === 'create-group')
        .length;
    };
    expect(await creates('--limit', 'aws.rulesPerGroupPerDirectionPerFamily=2')).toBeGreaterThan(await creates());
  });

  it.each([
    ['aws.groupsPerInterfac=16', 'unknown limit "aws.groupsPerInterfac"; did you mean "aws.groupsPerInterface"?'],
    ['groupsPerInterface=16', 'did you mean "aws.groupsPerInterface"?'],
    ['aws.groupsPerInterface=0', '"0" is not a positive integer'],
    ['aws.groupsPerInterface=1.5', '"1.5" is not a positive integer'],
    ['aws.groupsPerInterface', 'write KEY=VALUE'],
    ['aws.groupsPerInterface=20', "exceeds AWS's cap of 1,000"],
  ])('GIVEN --limit %s WHEN planned THEN exit 1 and a plain message', async (limit, message) => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER, '--limit', limit);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('GIVEN two bad limits WHEN planned THEN both are reported', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER, '--limit', 'x=1', '--limit', 'y=2');
    expect(r.code).toBe(1);
    expect(r.err.match(/^error: --limit/gm)).toHaveLength(2);
  });
});

describe('segsync plan: output a person reads', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('GIVEN COLUMNS=100 WHEN planned THEN every line fits in 100 columns and long lists end with a count', async () => {
    vi.stubEnv('COLUMNS', '100');
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER);
    for (const line of r.out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(r.out).toMatch(/… and \d+ more/);
  });

  it('GIVEN no terminal and no COLUMNS WHEN planned THEN lines are whole (pipes keep everything)', async () => {
    vi.stubEnv('COLUMNS', '');
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.out).not.toContain('… and');
  });

  it('GIVEN the default deployment WHEN planned THEN names read segsync-main-…, never segsync-segsync-…', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.out).toContain('segsync-main-prod-web-');
    expect(r.out).toContain('ss-main-');
    expect(r.out).not.toContain('segsync-segsync');
  });

  it('GIVEN NO_COLOR or no terminal WHEN planned THEN no escape codes', async () => {
    vi.stubEnv('NO_COLOR', '1');
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.out).not.toContain('\u001b[');
  });
});

describe('segsync plan: data on stdout, warnings on stderr', () => {
  it('GIVEN a policy whose plan has warnings WHEN planned THEN the warnings are on stderr and the steps on stdout', async () => {
    const r = await runCli('plan', '--sandbox', ESTATE, '--policy', 'examples/deny.yaml');
    expect(r.err).toMatch(/^warning: segment bastion: the selector role == 'bastion' matches no workload/m);
    expect(r.out).not.toContain('warning:');
    expect(r.out).toMatch(/^Plan: /m);
  });
});
