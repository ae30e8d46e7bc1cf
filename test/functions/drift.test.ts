/**
 * The drift run on the sandbox: an owned rule changed behind segsync's back is reported (report
 * mode) and put back (apply mode); a foreign rule is reported and left as it is. The Lambda entry
 * points give the contract's output (docs/events.md), and drift-locations lists the
 * configuration's locations.
 */
import '../helpers/quiet-env.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { driftLocation } from '../../adapters/events/drift.ts';
import { handler as driftHandler } from '../../functions/drift.ts';
import { driftTargets } from '../../functions/drift-locations.ts';
import { useRuntime } from '../../functions/shared/runtime.ts';
import { loadConfig } from '../../core/config/load.ts';
import { appliedWorld, disagreements, quietHandlers, type World } from '../helpers/events.ts';

await quietHandlers();
afterEach(() => useRuntime(undefined));
const PROD = { cloud: 'aws' as const, location: '111111111111/eu-west-1' };

/** Revokes the first ingress rule of an owned group, as someone in the console would. */
async function revokeOwnedRule(world: World): Promise<{ groupId: string; count: number }> {
  const api = world.sandbox.aws.api({ account: '111111111111', region: 'eu-west-1' });
  const group = world.sandbox
    .snapshot()
    .aws.SecurityGroups.find((g) => g.GroupName.startsWith('segsync-main-prod-app') && g.IpPermissions.length > 0)!;
  await api.revokeSecurityGroupIngress({ GroupId: group.GroupId, IpPermissions: [group.IpPermissions[0]!] });
  return { groupId: group.GroupId, count: group.IpPermissions.length };
}

const rulesOf = (world: World, groupId: string) =>
  world.sandbox.snapshot().aws.SecurityGroups.find((g) => g.GroupId === groupId)!.IpPermissions.length;

describe('drift run', () => {
  it('GIVEN an owned rule revoked by hand WHEN report mode THEN found, not corrected; WHEN apply mode THEN put back and verify agrees', async () => {
    const world = await appliedWorld();
    const { groupId, count } = await revokeOwnedRule(world);
    expect(await disagreements(world)).toBeGreaterThan(0);

    const report = await driftLocation(PROD, 'report', world.deps);
    expect(report).toMatchObject({ driftFound: 1, driftCorrected: 0, mode: 'report' });
    expect(rulesOf(world, groupId)).toBe(count - 1);

    const fixed = await driftLocation(PROD, 'apply', world.deps);
    expect(fixed).toMatchObject({ driftFound: 1, driftCorrected: 1, mode: 'apply' });
    expect(fixed.objectsChecked).toBeGreaterThan(0);
    expect(rulesOf(world, groupId)).toBe(count);
    expect(await disagreements(world)).toBe(0);
    expect(await driftLocation(PROD, 'apply', world.deps)).toMatchObject({ driftFound: 0, driftCorrected: 0 });
  });

  it('GIVEN a foreign GCP rule that opens SSH to every instance THEN reported, never touched', async () => {
    const world = await appliedWorld();
    const foreign = {
      name: 'someone-opened-ssh',
      network: 'projects/proj-shop/global/networks/net-prod',
      priority: 50,
      direction: 'INGRESS' as const,
      allowed: [{ IPProtocol: 'tcp', ports: ['22'] }],
      sourceRanges: ['0.0.0.0/0'],
    };
    await world.sandbox.gcp.api('proj-shop').insertFirewall(foreign);

    const r = await driftLocation({ cloud: 'gcp', location: 'proj-shop' }, 'apply', world.deps);

    expect(r.findings.map((f) => f.code)).toContain('foreign-rule-widens');
    expect(r.findings.find((f) => f.code === 'foreign-rule-widens')!.target).toContain('someone-opened-ssh');
    expect(world.sandbox.snapshot().gcp.firewalls.find((f) => f.name === 'someone-opened-ssh')).toMatchObject(foreign);
  });

  it('GIVEN the drift function with an owned rule revoked THEN the contract output, corrected', async () => {
    const world = await appliedWorld();
    await revokeOwnedRule(world);
    useRuntime({
      config: { deploymentId: 'main', drift: { mode: 'apply', schedule: 'rate(15 minutes)' } },
      deps: world.deps,
    });
    const out = await driftHandler(PROD);
    expect(Object.keys(out).sort()).toEqual([
      'cloud',
      'driftCorrected',
      'driftFound',
      'durationMs',
      'location',
      'mode',
      'objectsChecked',
    ]);
    expect(out).toMatchObject({ ...PROD, driftFound: 1, driftCorrected: 1, mode: 'apply' });
    await expect(driftHandler({ cloud: 'oracle', location: 'x' })).rejects.toThrow();
  });

  it('GIVEN examples/segsync.yaml THEN drift-locations lists every account+Region, subscription and project', () => {
    const { config } = loadConfig('examples/segsync.yaml');
    expect(driftTargets(config!)).toEqual([
      { cloud: 'aws', location: '111111111111/eu-west-1' },
      { cloud: 'aws', location: '222222222222/eu-west-1' },
      { cloud: 'azure', location: '00000000-0000-0000-0000-00000000a001' },
      { cloud: 'gcp', location: 'proj-shop' },
    ]);
  });
});
