/**
 * PERFORMANCE GUARD (STYLE G11: call counts are asserted only in labelled performance guards).
 * A full read lists every kind of object once per location (instances, ENIs/NICs, groups, rules),
 * not once for the inventory and again for the state; and apply looks objects up by id or name,
 * never by listing a whole location.
 */
import { describe, expect, it } from 'vitest';
import { awsAdapter } from '../../adapters/aws/index.ts';
import { azureAdapter } from '../../adapters/azure/index.ts';
import { gcpAdapter } from '../../adapters/gcp/index.ts';
import { applySteps, planWorld, type Clouds } from '../../adapters/reconcile.ts';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { Sandbox } from '../../adapters/sandbox/index.ts';
import { loadPolicy } from '../../core/policy/load.ts';

/** `<location> <method>` → calls, and whether the call named ids or filters (`<method>(scoped)`). */
type Counts = Map<string, number>;

/** The API with every method call counted under its location; unfiltered and filtered calls apart. */
function counted<T extends object>(api: T, location: string, counts: Counts): T {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const scoped = args.length > 0 && args[0] !== undefined ? '(scoped)' : '';
        const k = `${location} ${String(prop)}${scoped}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function countedClouds(sandbox: Sandbox, counts: Counts): Clouds {
  return {
    aws: awsAdapter(sandbox.aws.scopes().map((s) => counted(sandbox.aws.api(s), `${s.account}/${s.region}`, counts))),
    azure: azureAdapter(sandbox.azure.subscriptions().map((s) => counted(sandbox.azure.api(s), s, counts))),
    gcp: gcpAdapter(sandbox.gcp.projects().map((p) => counted(sandbox.gcp.api(p), p, counts))),
  };
}

const LISTS = {
  aws: ['describeInstances', 'describeNetworkInterfaces', 'describeSecurityGroups', 'describeManagedPrefixLists'],
  azure: [
    'listVirtualMachines',
    'listNetworkInterfaces',
    'listNetworkSecurityGroups',
    'listApplicationSecurityGroups',
    'listSubnetNetworkSecurityGroups',
  ],
  gcp: ['listInstances', 'listFirewalls'],
} as const;

describe('performance guard: API calls per read', () => {
  it.each(['aws', 'azure', 'gcp'] as const)(
    'GIVEN the hybrid estate WHEN %s reads THEN each list call runs exactly once per location',
    async (cloud) => {
      const counts: Counts = new Map();
      const adapter = countedClouds(Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml')), counts)[cloud];
      await adapter.read();
      const expected = new Map(adapter.locations().flatMap((l) => LISTS[cloud].map((m) => [`${l} ${m}`, 1] as const)));
      expect(counts).toEqual(expected);
    },
  );

  it('GIVEN a plan for the hybrid estate WHEN applied, half by a fresh process THEN no step lists a whole location (lookups are by id or name)', async () => {
    const counts: Counts = new Map();
    const sandbox = Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
    const planned = await planWorld(loadPolicy('examples/three-tier.yaml'), countedClouds(sandbox, counts), {
      deploymentId: 'guard',
    });
    const half = Math.floor(planned.plan.steps.length / 2);
    expect(half).toBeGreaterThan(0);
    counts.clear();
    // The second half runs in adapters with empty caches: names of objects created by the first
    // half must be resolved against the cloud.
    await applySteps(planned.plan.steps.slice(0, half), countedClouds(sandbox, counts));
    await applySteps(planned.plan.steps.slice(half), countedClouds(sandbox, counts));
    const lookups = [...counts.keys()].filter((k) => k.endsWith('(scoped)'));
    const unscopedLists = [...counts.keys()].filter((k) =>
      Object.values(LISTS)
        .flat()
        .some((m) => k.endsWith(` ${m}`)),
    );
    expect(lookups.length).toBeGreaterThan(0);
    expect(unscopedLists).toEqual([]);
  });
});
