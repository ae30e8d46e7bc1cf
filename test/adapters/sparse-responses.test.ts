/**
 * Native models honest about optionality: the real APIs omit empty fields (EC2 Tags / TagSet /
 * Ipv6Addresses / empty permission lists, ARM securityRules and tags, Compute tags.items and
 * labels). read.ts completes them in one place per cloud, so the workloads, the state the planner
 * and verify read, and the plan are the same whether the API sends empty fields or omits them.
 */
import { describe, expect, it } from 'vitest';
import { awsAdapter } from '../../adapters/aws/index.ts';
import { azureAdapter } from '../../adapters/azure/index.ts';
import { gcpAdapter } from '../../adapters/gcp/index.ts';
import { planWorld, reconcile, type Clouds } from '../../adapters/reconcile.ts';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { Sandbox } from '../../adapters/sandbox/index.ts';
import { loadPolicy } from '../../core/policy/load.ts';

type Json = Record<string, unknown>;

/** Deletes each named field whose value is an empty list or an empty object, at any depth. */
function omitEmpty(value: unknown, fields: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => omitEmpty(v, fields));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    const empty = Array.isArray(v)
      ? v.length === 0
      : v !== null && typeof v === 'object' && Object.keys(v).length === 0;
    if (fields.has(k) && empty) continue;
    out[k] = omitEmpty(v, fields);
  }
  return out;
}

/** The API with every read answer stripped of the fields the real API omits when empty. */
function sparse<T extends object>(api: T, fields: readonly string[]): T {
  const set = new Set(fields);
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || !/^(describe|list|get)/.test(String(prop))) return value;
      return async (...args: unknown[]) =>
        omitEmpty(await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args), set);
    },
  });
}

const OMITTED = {
  aws: ['Tags', 'TagSet', 'Ipv6Addresses', 'IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs', 'Entries'],
  azure: ['securityRules', 'tags'],
  gcp: ['items', 'labels'],
};

function sparseClouds(sandbox: Sandbox): Clouds {
  return {
    aws: awsAdapter(sandbox.aws.scopes().map((s) => sparse(sandbox.aws.api(s), OMITTED.aws))),
    azure: azureAdapter(sandbox.azure.subscriptions().map((s) => sparse(sandbox.azure.api(s), OMITTED.azure))),
    gcp: gcpAdapter(sandbox.gcp.projects().map((p) => sparse(sandbox.gcp.api(p), OMITTED.gcp))),
  };
}

const hybrid = () => Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
const policy = () => loadPolicy('examples/three-tier.yaml');

describe('sparse API responses are completed in read.ts', () => {
  it('GIVEN a fresh estate WHEN read and planned over APIs that omit empty fields THEN workloads and plan are the same as over full answers', async () => {
    const full = await planWorld(policy(), hybrid().clouds(), { deploymentId: 'sparse' });
    const omitted = await planWorld(policy(), sparseClouds(hybrid()), { deploymentId: 'sparse' });
    expect(omitted.inventory).toEqual(full.inventory);
    expect(omitted.state.aws).toEqual(full.state.aws);
    expect(omitted.plan).toEqual(full.plan);
  });

  it('GIVEN an applied estate WHEN read over APIs that omit empty fields THEN the state is the same and a second plan is still empty', async () => {
    const sandbox = hybrid();
    await reconcile(policy(), sandbox.clouds(), { deploymentId: 'sparse' });
    const full = await planWorld(policy(), sandbox.clouds(), { deploymentId: 'sparse' });
    const omitted = await planWorld(policy(), sparseClouds(sandbox), { deploymentId: 'sparse' });
    expect(omitted.inventory).toEqual(full.inventory);
    expect(omitted.state.aws).toEqual(full.state.aws);
    expect(omitted.state.azure).toEqual(full.state.azure);
    expect(omitted.plan.steps).toEqual([]);
  });

  it('GIVEN sparse APIs WHEN the whole estate is reconciled through them THEN it converges', async () => {
    const sandbox = hybrid();
    const result = await reconcile(policy(), sparseClouds(sandbox), { deploymentId: 'sparse' });
    expect(result.last.plan.steps).toEqual([]);
    expect(result.applied).toBeGreaterThan(0);
  });
});
