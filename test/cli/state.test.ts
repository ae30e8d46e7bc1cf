import { describe, expect, it } from 'vitest';
import { describeUserMistakes, ESTATE, runCli, THREE_TIER } from '../helpers/cli.ts';

type Snapshot = {
  aws: { SecurityGroups: Array<{ GroupName: string }> };
  azure: unknown;
  gcp: { firewalls: unknown[] };
};

describe('segsync state: exit 0, the native state in each cloud API shape', () => {
  it('GIVEN the three-tier policy WHEN state is printed THEN exit 0 and the JSON holds the groups segsync created', async () => {
    const r = await runCli('state', '--sandbox', ESTATE, '--policy', THREE_TIER);
    expect(r.code).toBe(0);
    const state = JSON.parse(r.out) as Snapshot;
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['aws', 'azure', 'gcp']));
    expect(state.aws.SecurityGroups.some((g) => g.GroupName.startsWith('segsync-main-'))).toBe(true);
  });

  it('GIVEN --no-apply WHEN state is printed THEN exit 0 and nothing of segsync is there yet', async () => {
    const r = await runCli('state', '--sandbox', ESTATE, '--policy', THREE_TIER, '--no-apply');
    expect(r.code).toBe(0);
    const state = JSON.parse(r.out) as Snapshot;
    expect(state.aws.SecurityGroups.some((g) => g.GroupName.startsWith('segsync-'))).toBe(false);
  });
});

describeUserMistakes('state');
