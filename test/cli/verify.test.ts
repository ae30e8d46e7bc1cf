import { describe, expect, it } from 'vitest';
import { describeUserMistakes, ESTATE, runCli, THREE_TIER } from '../helpers/cli.ts';

describe('segsync verify: exit 0 agree, 1 disagreements', () => {
  it('GIVEN the hybrid estate and the three-tier policy WHEN applied and verified THEN exit 0 and no disagreement', async () => {
    const r = await runCli('verify', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^monitor segment dev-db: [^\n]+\n\d+ flows, \d+ enforced sides checked: 0 disagreements\.\n$/,
    );
  });

  it('GIVEN the README policy verbatim (exclusive by default) WHEN verified THEN foreign groups are detached and exit 0 with 0 disagreements', async () => {
    const r = await runCli(
      'verify',
      '--sandbox',
      ESTATE,
      '--policy',
      'test/fixtures/policies/readme-shop-default.yaml',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^monitor segment db: enforcing it would cut \d+ flows allowed today \(3 workloads\): e\.g\. [^\n]+\n\d+ flows, \d+ enforced sides checked: 0 disagreements\.\n$/,
    );
  });

  it('GIVEN the README policy with exclusive: false WHEN verified THEN one line per foreign group with its count and examples, exit 1', async () => {
    const r = await runCli('verify', '--sandbox', ESTATE, '--policy', 'test/fixtures/policies/readme-shop.yaml');
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^monitor segment db: /);
    expect(lines.slice(1, -1)).toEqual([
      expect.stringMatching(
        /^ {2}sg-0+1 \(default, foreign\) re-opens \d[\d,]* flows the policy denies: e\.g\. .+ → .+ tcp\/22 \(ingress\)/,
      ),
      expect.stringMatching(/^ {2}sg-0+2 \(default, foreign\) re-opens \d[\d,]* flows the policy denies: e\.g\. /),
    ]);
    const counts = lines.slice(1, -1).map((l) => Number(/re-opens ([\d,]+)/.exec(l)![1]!.replace(/,/g, '')));
    const total = Number(/: (\d+) disagreement/.exec(lines.at(-1)!)![1]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('GIVEN the README policy with exclusive: false WHEN verified with --json THEN causes group every disagreement by its foreign group, exit 1', async () => {
    const r = await runCli(
      'verify',
      '--sandbox',
      ESTATE,
      '--policy',
      'test/fixtures/policies/readme-shop.yaml',
      '--json',
    );
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as {
      disagreements: Array<{ intended: boolean; actual: boolean; nativeRule: string }>;
      causes: Array<{
        object?: { id: string; name: string };
        owner: string;
        effect: string;
        count: number;
        examples: unknown[];
      }>;
    };
    expect(result.disagreements.length).toBeGreaterThan(0);
    expect(result.disagreements.every((d) => !d.intended && d.actual && d.nativeRule.includes('(default)'))).toBe(true);
    expect(result.causes.map((c) => [c.object?.name, c.owner, c.effect])).toEqual([
      ['default', 'foreign', 'opens'],
      ['default', 'foreign', 'opens'],
    ]);
    expect(result.causes.reduce((n, c) => n + c.count, 0)).toBe(result.disagreements.length);
    expect(result.causes.every((c) => c.examples.length === 3)).toBe(true);
  });

  it('GIVEN --no-apply WHEN verified THEN the seeded estate disagrees with the policy, exit 1', async () => {
    const r = await runCli('verify', '--sandbox', ESTATE, '--policy', THREE_TIER, '--no-apply');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/: [1-9]\d* disagreements?\.\n$/);
  });
});

describeUserMistakes('verify');
