/**
 * Events are hints (DESIGN.md §4): the same events twice, in any order, interleaved across two
 * handler instances sharing the clouds and the snapshot store, end in the same state — the one
 * the latest tags call for: a full plan is empty and verify agrees with the policy.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { handleHints } from '../../adapters/events/handle.ts';
import type { Hint } from '../../adapters/events/hint.ts';
import { planWorld } from '../../adapters/reconcile.ts';
import { appliedWorld, disagreements, segmentsOf, type World } from '../helpers/events.ts';

const VM =
  '/subscriptions/sub-shop/resourceGroups/rg-vnet-prod/providers/Microsoft.Compute/virtualMachines/vm-prod-db1';
const HINTS: Hint[] = [
  { eventId: 'aws', workload: { cloud: 'aws', account: '111111111111', region: 'eu-west-1', instance: 'i-prod-web2' } },
  { eventId: 'azure', workload: { cloud: 'azure', vmId: VM } },
  {
    eventId: 'azure-nic',
    azureNic:
      '/subscriptions/sub-shop/resourceGroups/rg-vnet-prod/providers/Microsoft.Network/networkInterfaces/vm-prod-db1-nic0',
  },
  {
    eventId: 'gcp',
    workload: { cloud: 'gcp', project: 'proj-shop', zone: 'europe-west1-b', instance: 'gce-prod-db2' },
  },
];

/** Two re-tags per workload (the second wins), as a person fixing a typo would. */
function retagTwice(world: World): void {
  const scope = { account: '111111111111', region: 'eu-west-1' };
  world.sandbox.aws.tagInstance(scope, 'i-prod-web2', { tier: 'db' });
  world.sandbox.azure.tagVm('sub-shop', 'vm-prod-db1', { tier: 'web' });
  world.sandbox.gcp.setLabels('proj-shop', 'europe-west1-b', 'gce-prod-db2', { tier: 'web' });
  world.sandbox.aws.tagInstance(scope, 'i-prod-web2', { tier: 'app' });
  world.sandbox.azure.tagVm('sub-shop', 'vm-prod-db1', { tier: 'app' });
  world.sandbox.gcp.setLabels('proj-shop', 'europe-west1-b', 'gce-prod-db2', { tier: 'app' });
}

async function endState(world: World): Promise<{ steps: number; disagreements: number; segments: string[][] }> {
  const { plan } = await planWorld(world.policy, world.clouds, world.deps.ctx);
  return {
    steps: plan.steps.length,
    disagreements: await disagreements(world),
    segments: await Promise.all(['i-prod-web2', 'vm-prod-db1', 'gce-prod-db2'].map((n) => segmentsOf(world, n))),
  };
}

let reference: Awaited<ReturnType<typeof endState>> | undefined;
async function referenceState(): Promise<Awaited<ReturnType<typeof endState>>> {
  if (reference) return reference;
  const world = await appliedWorld();
  retagTwice(world);
  await handleHints(HINTS, world.deps);
  return (reference = await endState(world));
}

describe('idempotent under duplicates, reordering and interleaving', () => {
  it('GIVEN the events once, in order THEN converged: empty plan, no disagreement, every workload in its new segment', async () => {
    const ref = await referenceState();
    expect(ref.steps).toBe(0);
    expect(ref.disagreements).toBe(0);
    for (const segs of ref.segments) expect(segs.some((s) => s.includes('prod-app'))).toBe(true);
  });

  it('GIVEN every event twice, in reverse order, one at a time THEN the same end state', async () => {
    const world = await appliedWorld();
    retagTwice(world);
    for (const hint of [...HINTS, ...HINTS].reverse()) await handleHints([hint], world.deps);
    expect(await endState(world)).toEqual(await referenceState());
  });

  it('property: any order with duplicates, split across two handler instances running at once → the same end state', async () => {
    const ref = await referenceState();
    await fc.assert(
      fc.asyncProperty(
        fc
          .shuffledSubarray([...HINTS, ...HINTS], { minLength: HINTS.length })
          .filter((hs) => HINTS.every((h) => hs.some((x) => x.eventId === h.eventId))),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        async (hints, sides) => {
          const world = await appliedWorld();
          retagTwice(world);
          const a = hints.filter((_, i) => sides[i]);
          const b = hints.filter((_, i) => !sides[i]);
          const run = async (hs: Hint[]) => {
            for (const h of hs) await handleHints([h], world.deps);
          };
          await Promise.all([run(a), run(b)]);
          expect(await endState(world)).toEqual(ref);
        },
      ),
      { numRuns: 5, seed: 14 },
    );
  });
});
