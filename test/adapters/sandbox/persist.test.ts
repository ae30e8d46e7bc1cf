/**
 * Sandbox persistence (DESIGN.md §7 `--state FILE`): a dump through JSON restores a sandbox that
 * snapshots byte for byte like the saved one and, given the same calls, hands out the same ids,
 * etags, versions and fingerprints from then on.
 */
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../adapters/reconcile.ts';
import { loadEstate } from '../../../adapters/sandbox/estate.ts';
import { Sandbox, SandboxDumpError } from '../../../adapters/sandbox/index.ts';
import { fromData, toData } from '../../../adapters/sandbox/persist.ts';
import { loadPolicy } from '../../../core/policy/load.ts';

const ctx = { deploymentId: 'persist' };
const throughJson = (s: Sandbox): Sandbox => Sandbox.restore(JSON.parse(JSON.stringify(s.dump())));
const snap = (s: Sandbox): string => JSON.stringify(s.snapshot());

/** The same people and segsync calls on a sandbox: re-tags in each cloud, then a different policy. */
async function moreWork(s: Sandbox): Promise<void> {
  s.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { env: 'dev' });
  s.azure.tagVm('sub-shop', 'vm-build', { env: 'prod', tier: 'db', app: 'shop' });
  s.gcp.setLabels('proj-shop', 'europe-west1-c', 'gce-analytics', { env: 'prod', tier: 'web', app: 'shop' });
  await reconcile(loadPolicy('examples/three-tier.yaml'), s.clouds(), ctx);
  await reconcile(loadPolicy('examples/deny.yaml'), s.clouds(), ctx);
}

describe('Sandbox.dump / Sandbox.restore', () => {
  it('GIVEN a freshly seeded sandbox WHEN dumped through JSON and restored THEN the snapshot is byte-identical and the dump is stable', () => {
    const original = Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
    const restored = throughJson(original);
    expect(snap(restored)).toBe(snap(original));
    expect(JSON.stringify(restored.dump())).toBe(JSON.stringify(original.dump()));
  });

  it('GIVEN a sandbox with a policy applied WHEN restored and both get the same further calls THEN every id, etag, version and fingerprint matches', async () => {
    const original = Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
    await reconcile(loadPolicy('examples/three-tier.yaml'), original.clouds(), ctx);
    const restored = throughJson(original);
    expect(snap(restored)).toBe(snap(original));

    await moreWork(original);
    await moreWork(restored);
    expect(snap(restored)).toBe(snap(original));
    expect(JSON.stringify(restored.dump())).toBe(JSON.stringify(original.dump()));
    // The work did create new objects, so the id counters were exercised.
    expect(snap(original)).not.toBe(snap(throughJson(Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml')))));
  });

  it('GIVEN a restored sandbox WHEN it changes THEN the dump it came from is untouched (no shared state)', async () => {
    const original = Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
    const dump = JSON.stringify(original.dump());
    const restored = Sandbox.restore(JSON.parse(dump));
    await reconcile(loadPolicy('examples/three-tier.yaml'), restored.clouds(), ctx);
    expect(JSON.stringify(original.dump())).toBe(dump);
  });

  it.each([
    ['null', null, 'not a segsync sandbox state'],
    ['another JSON file', { name: 'package' }, 'not a segsync sandbox state'],
    ['a future version', { format: 'segsync-sandbox', version: 99 }, 'version 99 is not supported'],
    ['a missing cloud', { format: 'segsync-sandbox', version: 1, aws: {}, azure: {} }, 'no "gcp" object'],
  ])('GIVEN %s WHEN restored THEN a SandboxDumpError says why', (_, data, message) => {
    expect(() => Sandbox.restore(data)).toThrow(SandboxDumpError);
    expect(() => Sandbox.restore(data)).toThrow(message);
  });
});

describe('toData / fromData', () => {
  it('GIVEN nested Maps and Sets WHEN encoded and decoded THEN types and insertion order survive', () => {
    const value = {
      m: new Map([
        ['b', new Set([3, 1])],
        ['a', new Set<number>()],
      ]),
      list: [new Map([[1, 'x']])],
    };
    const back = fromData(JSON.parse(JSON.stringify(toData(value)))) as typeof value;
    expect([...back.m.keys()]).toEqual(['b', 'a']);
    expect([...back.m.get('b')!]).toEqual([3, 1]);
    expect(back.list[0]!.get(1)).toBe('x');
  });
});
