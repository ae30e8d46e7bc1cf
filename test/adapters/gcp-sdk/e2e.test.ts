/**
 * GCP end to end with the real @google-cloud/compute clients over HTTP against the local Compute
 * server (test/gcp-compute, held to the discovery document): the GCP part of
 * examples/hybrid-estate.yaml, split over two projects → reconcile (the CLI's use case) with
 * gcpAdapter(await connectGcp(…)) → read back through the SDK → the GCP evaluator agrees with the
 * intent oracle on every flow → a second plan is empty → a re-tag applies with a few calls.
 *
 * Call counts are labelled performance guards (STYLE G11): they say what a rollout and a re-tag
 * cost in Compute requests (docs/gcp.md quotes them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { planWorld, reconcile } from '../../../adapters/reconcile.ts';
import { loadEstate } from '../../../adapters/sandbox/estate.ts';
import type { Estate } from '../../../adapters/sandbox/estate-types.ts';
import { emptyNative } from '../../helpers/native.ts';
import { loadPolicy } from '../../../core/policy/load.ts';
import { verify } from '../../../core/verify/index.ts';
import { DEPLOYMENT, relabel, startWorld, zonalWrite, type World } from './helpers.ts';

const policy = loadPolicy(new URL('../../../examples/three-tier.yaml', import.meta.url).pathname);
const ctx = { deploymentId: DEPLOYMENT };
const hybrid = loadEstate(new URL('../../../examples/hybrid-estate.yaml', import.meta.url).pathname);

/** The demo's GCP part, with net-dev moved to a second project so two projects run at once. */
const DEV = 'proj-shop-dev';
const estate: Estate = {
  aws: [],
  azure: [],
  awsSecurityGroups: [],
  gcp: [
    ...hybrid.gcp.map((i) => (i.network === 'net-dev' ? { ...i, project: DEV } : i)),
    {
      id: 'gce-dev-app1',
      project: DEV,
      zone: 'europe-west1-c',
      network: 'net-dev',
      ip: '10.31.2.10',
      labels: { app: 'shop', tier: 'app', env: 'dev' },
      tags: ['allow-health-checks'],
    },
    {
      id: 'gce-dev-batch',
      project: DEV,
      zone: 'europe-west1-c',
      network: 'net-dev',
      ip: '10.31.5.10',
      labels: { team: 'data' },
    },
  ],
  gcpFirewalls: hybrid.gcpFirewalls,
};

let world: World | undefined;
afterEach(async () => world?.close());

/** The Compute calls of a rollout: each list read `lists` times, one Operation wait per write. */
const rolloutCalls = (n: { lists: number; inserts: number; setTags: number }) => ({
  'compute.instances.aggregatedList': n.lists,
  'compute.firewalls.list': n.lists,
  'compute.firewalls.insert': n.inserts,
  'compute.globalOperations.wait': n.inserts,
  'compute.instances.setTags': n.setTags,
  'compute.zoneOperations.wait': n.setTags,
});

async function verified(w: World) {
  const planned = await planWorld(policy, w.clouds, ctx);
  const result = verify(policy, planned.inventory, { ...emptyNative(), gcp: planned.state.gcp });
  return { planned, result };
}

describe('GCP over @google-cloud/compute against the local Compute server', () => {
  it('GIVEN the demo estate in two projects WHEN reconciled THEN verify agrees with intent on every flow, a second plan is empty, and the server saw only valid requests', async () => {
    world = await startWorld(estate);
    const w = world;

    const result = await reconcile(policy, w.clouds, ctx, { sleep: async () => {} });
    const rollout = w.server.counts();

    const { planned, result: check } = await verified(w);
    expect(check.disagreements).toEqual([]);
    expect(check.checked).toBeGreaterThan(50);
    expect(planned.plan.steps).toEqual([]);
    expect(result.rounds).toBe(2);
    expect(
      new Set(
        planned.state.gcp.firewalls.filter((f) => f.name.startsWith('ss-prod-')).map((f) => f.selfLink?.split('/')[6]),
      ),
    ).toEqual(new Set(['proj-shop', DEV]));
    // Foreign tags and rules are left as they were.
    expect(planned.state.gcp.instances.find((i) => i.name === 'gce-dev-app1')?.tags.items).toContain(
      'allow-health-checks',
    );
    expect(planned.state.gcp.firewalls.map((f) => f.name)).toContain('legacy-allow-iap-ssh');
    expect(w.server.rejected).toEqual([]);
    expect(w.server.violations).toEqual([]);

    // Performance guard: the rollout's Compute calls (2 rounds of reads: plan, then the empty re-plan).
    console.log('GCP rollout calls', JSON.stringify(rollout), 'applied steps', result.applied);
    // 2 rounds × 2 projects × 2 lists; one write and one Operation wait per step.
    expect(rollout).toEqual(rolloutCalls({ lists: 4, inserts: 14, setTags: 4 }));
    expect(result.applied).toBe(18);
  });

  it("GIVEN the demo estate as is, with examples/segsync.yaml's gcp targets WHEN reconciled THEN it converges with 0 disagreements in 34 Compute calls", async () => {
    const demo: Estate = { ...estate, gcp: hybrid.gcp };
    world = await startWorld(demo, { projects: [{ id: 'proj-shop', networks: ['net-prod', 'net-dev'] }] });
    const w = world;

    const result = await reconcile(policy, w.clouds, ctx, { sleep: async () => {} });
    const calls = w.server.counts();

    const { planned, result: check } = await verified(w);
    expect(check.disagreements).toEqual([]);
    expect(planned.plan.steps).toEqual([]);
    console.log('GCP demo estate calls', JSON.stringify(calls), 'applied steps', result.applied);
    // Performance guard: 2 rounds × 2 lists, then one write and one Operation wait per step.
    expect(calls).toEqual(rolloutCalls({ lists: 2, inserts: 12, setTags: 3 }));
  });

  it('GIVEN a converged estate WHEN one instance is re-labelled THEN the re-tag applies with one setTags plus the egress range rules GCP forces, and verify is clean', async () => {
    world = await startWorld(estate);
    const w = world;
    await reconcile(policy, w.clouds, ctx, { sleep: async () => {} });

    await relabel(w.sdk, DEV, 'europe-west1-c', 'gce-dev-batch', { app: 'shop', tier: 'app', env: 'dev' });
    const next = (await planWorld(policy, w.clouds, ctx)).plan.steps;
    w.server.resetCalls();
    const result = await reconcile(policy, w.clouds, ctx, { sleep: async () => {} });
    const retag = w.server.counts();

    const { planned, result: check } = await verified(w);
    expect(check.disagreements).toEqual([]);
    expect(planned.plan.steps).toEqual([]);
    console.log('GCP re-tag calls', JSON.stringify(retag), 'applied steps', result.applied);
    // One tag write on the re-labelled instance (dev-web → dev-app ingress names the tag: no rule
    // change), plus the one rule GCP forces: dev-web's EGRESS allow to dev-app lists dev-app's
    // addresses (egress cannot name tags, CLOUD-FACTS §6.5), so it is replaced (names hash the
    // content: insert the new one, delete the old one after the tag moved).
    expect(next.map((s) => `${s.phase} ${s.kind}`)).toEqual([
      'authorize insert-firewall',
      'membership set-tags',
      'revoke delete-firewall',
    ]);
    const rules = next.flatMap((s) => (s.cloud === 'gcp' && s.kind !== 'set-tags' ? [s.firewall] : []));
    expect(rules.map((f) => [f.direction, f.destinationRanges?.includes('10.31.5.10/32')])).toEqual([
      ['EGRESS', true],
      ['EGRESS', false],
    ]);
    // Performance guard: reads (2 rounds × 2 projects × 2 lists) + 3 writes + 3 Operation waits.
    expect(retag).toEqual({
      'compute.instances.aggregatedList': 4,
      'compute.firewalls.list': 4,
      'compute.firewalls.insert': 1,
      'compute.firewalls.delete': 1,
      'compute.instances.setTags': 1,
      'compute.globalOperations.wait': 2,
      'compute.zoneOperations.wait': 1,
    });
    expect(w.server.violations).toEqual([]);
  });

  it('GIVEN someone changes an instance tag between plan and apply WHEN reconciling THEN the stale fingerprint is refused, the engine re-reads and re-plans, the foreign tag is kept and verify is clean', async () => {
    world = await startWorld(estate);
    const w = world;
    w.server.beforeNext('compute.instances.setTags', async () => {
      const [i] = await w.sdk.instances.get({
        project: 'proj-shop',
        zone: 'europe-west1-b',
        instance: 'gce-prod-web3',
      });
      await zonalWrite(
        w.sdk,
        { project: 'proj-shop', zone: 'europe-west1-b' },
        w.sdk.instances.setTags({
          project: 'proj-shop',
          zone: 'europe-west1-b',
          instance: 'gce-prod-web3',
          tagsResource: { items: ['http-server'], fingerprint: i.tags?.fingerprint ?? '' },
        }),
      );
    });

    const result = await reconcile(policy, w.clouds, ctx, { sleep: async () => {} });

    expect(result.rounds).toBeGreaterThanOrEqual(3);
    const { planned, result: check } = await verified(w);
    expect(planned.plan.steps).toEqual([]);
    expect(check.disagreements).toEqual([]);
    const web3 = planned.state.gcp.instances.find((i) => i.name === 'gce-prod-web3');
    expect(web3?.tags.items).toContain('http-server');
    expect(web3?.tags.items?.some((t) => t.startsWith('ss-prod-'))).toBe(true);
  });
});
