/**
 * One read per location (adapters/adapter.ts): `read()` returns the workloads and the native
 * state together, and returns exactly what the two reads it replaced (readInventory + readState)
 * returned on the same sandbox (test/fixtures/adapters/SOURCE.md says how that was recorded).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CloudAdapter } from '../../adapters/adapter.ts';
import { readWorld, reconcile } from '../../adapters/reconcile.ts';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { Sandbox } from '../../adapters/sandbox/index.ts';
import type { Cloud } from '../../core/policy/labels.ts';
import { loadPolicy } from '../../core/policy/load.ts';

const CLOUDS = ['aws', 'azure', 'gcp'] as const;
const golden = JSON.parse(readFileSync('test/fixtures/adapters/hybrid-estate-two-reads.json', 'utf8')) as Record<
  'fresh' | 'applied',
  Record<Cloud, unknown>
>;
/** As JSON: the fixture dropped undefined fields. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function hybrid(): Sandbox {
  return Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
}

async function applied(): Promise<Sandbox> {
  const sandbox = hybrid();
  await reconcile(loadPolicy('examples/three-tier.yaml'), sandbox.clouds(), { deploymentId: 'golden' });
  return sandbox;
}

describe('one read per location', () => {
  it.each(CLOUDS)(
    'GIVEN the hybrid estate, fresh WHEN %s reads once THEN workloads and state equal the old two reads',
    async (cloud) => {
      const result = await hybrid().clouds()[cloud].read();
      expect(asJson(result)).toEqual(golden.fresh[cloud]);
    },
  );

  it.each(CLOUDS)(
    'GIVEN the hybrid estate with three-tier applied WHEN %s reads once THEN workloads and state equal the old two reads',
    async (cloud) => {
      const result = await (await applied()).clouds()[cloud].read();
      expect(asJson(result)).toEqual(golden.applied[cloud]);
    },
  );

  it('GIVEN the applied estate WHEN readWorld runs THEN its inventory and state are the per-cloud reads, clouds in order', async () => {
    const sandbox = await applied();
    const world = await readWorld(sandbox.clouds());
    expect(asJson(world.inventory.workloads)).toEqual(
      CLOUDS.flatMap((c) => (golden.applied[c] as { workloads: unknown[] }).workloads),
    );
    expect(asJson(world.state)).toEqual(
      Object.fromEntries(CLOUDS.map((c) => [c, (golden.applied[c] as { state: unknown }).state])),
    );
  });

  it.each(CLOUDS)(
    'GIVEN the applied estate WHEN %s reads each location alone THEN together they are the whole read',
    async (cloud) => {
      const adapter = (await applied()).clouds()[cloud] as CloudAdapter<Cloud>;
      const whole = await adapter.read();
      const parts = await Promise.all(adapter.locations().map((location) => adapter.read({ location })));
      expect(adapter.locations().length).toBeGreaterThan(0);
      expect(parts.flatMap((p) => p.workloads.map((w) => w.id)).sort()).toEqual(
        whole.workloads.map((w) => w.id).sort(),
      );
      // Each part holds only its own location's workloads (AWS `<account>/<region>`, else the account).
      parts.forEach((p, i) =>
        expect(
          p.workloads.map((w) =>
            (w.cloud === 'aws' ? `${w.location.account}/${w.location.region}` : w.location.account).toLowerCase(),
          ),
        ).toEqual(p.workloads.map(() => adapter.locations()[i]!.toLowerCase())),
      );
    },
  );

  it.each(CLOUDS)('GIVEN a location %s does not manage WHEN read THEN it is refused', async (cloud) => {
    const adapter = hybrid().clouds()[cloud] as CloudAdapter<Cloud>;
    await expect(adapter.read({ location: 'nowhere' })).rejects.toThrow(/no API for location "nowhere"/);
  });
});
