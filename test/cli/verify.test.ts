import { describe, expect, it } from 'vitest';
import { describeUserMistakes, ESTATE, runCli, THREE_TIER } from '../helpers/cli.ts';

describe('segsync verify: exit 0 agree, 1 disagreements', () => {
  it('GIVEN the hybrid estate and the three-tier policy WHEN applied and verified THEN exit 0 and no disagreement', async () => {
    const r = await runCli('verify', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ flows, \d+ enforced sides checked: 0 disagreements\.\n$/);
  });

  it('GIVEN the README policy with exclusive: false WHEN verified THEN the VPC default group stays attached, verify lists what it adds, exit 1', async () => {
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
    };
    expect(result.disagreements.length).toBeGreaterThan(0);
    expect(result.disagreements.some((d) => !d.intended && d.actual && d.nativeRule.includes('(default)'))).toBe(true);
  });

  it('GIVEN --no-apply WHEN verified THEN the seeded estate disagrees with the policy, exit 1', async () => {
    const r = await runCli('verify', '--sandbox', ESTATE, '--policy', THREE_TIER, '--no-apply');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/: [1-9]\d* disagreements?\.\n$/);
  });
});

describeUserMistakes('verify');
