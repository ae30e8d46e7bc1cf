/**
 * adapters/gcp/client.ts with the real @google-cloud/compute clients over HTTP against the local
 * Compute server: reads (paginated, filtered by network, scoped by instance), every step kind
 * through the adapter, idempotency, fingerprint conflicts, failed Operations, throttling through
 * the pacer, lost answers retried with the same requestId, and connectGcp's configuration errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fromFirewall } from '../../../adapters/gcp/client.ts';
import { connectGcp, endpointOptions } from '../../../adapters/gcp/connect.ts';
import { ConnectError } from '../../../adapters/endpoint.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import { Pacer } from '../../../adapters/engine/paced-api.ts';
import { ConflictError, QuotaExceededError, ThrottledError } from '../../../core/errors.ts';
import type { GcpFirewall } from '../../../core/model/native/gcp.ts';
import { gcpOwnerDescription, type Owned } from '../../../core/ownership.ts';
import type { GcpStep } from '../../../core/plan/gcp-steps.ts';
import { gcpEstate, noSleep, startWorld, testAuth, type World } from './helpers.ts';

const P = 'shop';
const ZONE = 'europe-west1-b';
const vm = (id: string, ip: string, network = 'vpc', tags?: string[]) => ({
  id,
  project: P,
  zone: ZONE,
  network,
  ip,
  labels: { tier: 'web' },
  ...(tags ? { tags } : {}),
});
const estate = gcpEstate(
  [vm('web-1', '10.0.0.4', 'vpc', ['http-server']), vm('web-2', '10.0.0.5'), vm('other-1', '10.9.0.4', 'other')],
  [{ name: 'allow-http', project: P, network: 'vpc', protocol: 'tcp', ports: ['80'], ranges: ['0.0.0.0/0'] }],
);

const owned = (name: string, over: Partial<GcpFirewall> = {}): Owned<GcpFirewall> =>
  ({
    name: `ss-prod-${name}`,
    description: gcpOwnerDescription('prod', 'test rule'),
    network: `projects/${P}/global/networks/vpc`,
    priority: 1000,
    direction: 'INGRESS',
    allowed: [{ IPProtocol: 'tcp', ports: ['443'] }],
    sourceRanges: ['10.1.0.0/16'],
    targetTags: ['ss-prod-web'],
    ...over,
  }) as Owned<GcpFirewall>;

const step = <K extends GcpStep['kind']>(kind: K, rest: Partial<GcpStep>): GcpStep =>
  ({
    cloud: 'gcp',
    scope: P,
    network: `gcp:projects/${P}/global/networks/vpc`,
    target: 't',
    summary: '',
    kind,
    ...rest,
  }) as GcpStep;

let world: World | undefined;
afterEach(async () => world?.close());

describe('reads', () => {
  it('GIVEN instances and rules WHEN read through the SDK THEN workloads, tags, fingerprints and rules come back in the core shapes', async () => {
    world = await startWorld(estate);
    const { workloads, state } = await world.clouds.gcp.read();

    expect(workloads.map((w) => [w.id, w.network, w.addresses])).toEqual([
      [`gcp:${P}:${ZONE}:other-1`, `gcp:projects/${P}/global/networks/other`, ['10.9.0.4']],
      [`gcp:${P}:${ZONE}:web-1`, `gcp:projects/${P}/global/networks/vpc`, ['10.0.0.4']],
      [`gcp:${P}:${ZONE}:web-2`, `gcp:projects/${P}/global/networks/vpc`, ['10.0.0.5']],
    ]);
    expect(workloads[1]!.labels).toEqual({ tier: 'web' });
    const web1 = state.instances.find((i) => i.name === 'web-1')!;
    expect(web1.tags.items).toEqual(['http-server']);
    expect(web1.tags.fingerprint).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(state.instances.find((i) => i.name === 'web-2')!.tags.items).toBeUndefined();
    expect(state.firewalls).toEqual([
      expect.objectContaining({
        name: 'allow-http',
        network: `https://www.googleapis.com/compute/v1/projects/${P}/global/networks/vpc`,
        allowed: [{ IPProtocol: 'tcp', ports: ['80'] }],
        sourceRanges: ['0.0.0.0/0'],
        direction: 'INGRESS',
        priority: 1000,
      }),
    ]);
    expect(state.firewalls[0]).not.toHaveProperty('targetTags');
    expect(world.server.violations).toEqual([]);
  });

  it('GIVEN more instances and rules than one page holds WHEN listed THEN every page is read', async () => {
    const many = Array.from({ length: 620 }, (_, i) => vm(`vm-${i}`, `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`));
    const rules = Array.from({ length: 510 }, (_, i) => ({
      name: `rule-${i}`,
      project: P,
      network: 'vpc',
      protocol: 'tcp',
      ports: [String(1000 + i)],
      ranges: ['10.0.0.0/8'],
    }));
    world = await startWorld(gcpEstate(many, rules), { limits: { firewallsPerProject: 1000 } });
    const { workloads, state } = await world.clouds.gcp.read();

    expect(workloads).toHaveLength(620);
    expect(state.firewalls).toHaveLength(510);
    expect(world.server.counts()).toEqual({ 'compute.instances.aggregatedList': 2, 'compute.firewalls.list': 2 });
  });

  it('GIVEN a networks filter WHEN read THEN only instances and rules of those networks are seen, and a scoped read of another network finds nothing', async () => {
    world = await startWorld(estate, { projects: [{ id: P, networks: ['other'] }] });
    const { workloads, state } = await world.clouds.gcp.read();
    expect(workloads.map((w) => w.nativeId)).toEqual(['other-1']);
    expect(state.firewalls).toEqual([]);

    const scoped = await world.clouds.gcp.read({ workloads: [`${ZONE}/web-1`, `${ZONE}/other-1`] });
    expect(scoped.workloads.map((w) => w.nativeId)).toEqual(['other-1']);
  });

  it('GIVEN named instances and rules WHEN a scoped read asks for them THEN only they are fetched, and gone ones are absent', async () => {
    world = await startWorld(estate);
    const scoped = await world.clouds.gcp.read({
      workloads: [`${ZONE}/web-2`, `projects/${P}/zones/${ZONE}/instances/gone-1`],
      objects: ['allow-http', 'ss-prod-gone'],
    });
    expect(scoped.workloads.map((w) => w.nativeId)).toEqual(['web-2']);
    expect(scoped.state.firewalls.map((f) => f.name)).toEqual(['allow-http']);
    expect(world.server.counts()).toEqual({ 'compute.instances.get': 2, 'compute.firewalls.get': 2 });
  });
});

describe('every step kind through the adapter', () => {
  it('GIVEN owned rules WHEN inserted, updated (lists cleared) and deleted, each twice THEN the state follows and repeats are no-ops', async () => {
    world = await startWorld(estate);
    const gcp = world.clouds.gcp;
    const rule = owned('web-https');

    await gcp.apply(step('insert-firewall', { phase: 'create', firewall: rule }));
    await gcp.apply(step('insert-firewall', { phase: 'create', firewall: rule })); // alreadyExists = done
    const edited = owned('web-https', { sourceRanges: ['192.168.0.0/24'], targetTags: undefined, priority: 900 });
    await gcp.apply(step('update-firewall', { phase: 'authorize', firewall: edited }));
    const [after] = (await gcp.read({ objects: [rule.name] })).state.firewalls;
    expect(after).toMatchObject({ sourceRanges: ['192.168.0.0/24'], priority: 900 });
    expect(after).not.toHaveProperty('targetTags'); // update (PUT) clears the list patch could not

    await gcp.apply(step('delete-firewall', { phase: 'delete', firewall: rule }));
    await gcp.apply(step('delete-firewall', { phase: 'delete', firewall: rule })); // notFound = done
    expect((await gcp.read({ objects: [rule.name] })).state.firewalls).toEqual([]);

    // update of a rule that vanished inserts it
    await gcp.apply(step('update-firewall', { phase: 'authorize', firewall: rule }));
    expect((await gcp.read({ objects: [rule.name] })).state.firewalls).toHaveLength(1);
    expect(world.server.violations).toEqual([]);
  });

  it('GIVEN an instance with a foreign tag WHEN set-tags runs with its fingerprint THEN the tags are replaced and the fingerprint changes; a stale fingerprint is a ConflictError', async () => {
    world = await startWorld(estate);
    const gcp = world.clouds.gcp;
    const before = (await gcp.read({ workloads: [`${ZONE}/web-1`] })).state.instances[0]!;
    const setTags = (fingerprint: string) =>
      step('set-tags', {
        phase: 'membership',
        zone: ZONE,
        instance: 'web-1',
        items: ['http-server', 'ss-prod-web'],
        fingerprint,
        previous: ['http-server'],
      });

    await gcp.apply(setTags(before.tags.fingerprint));
    const after = (await gcp.read({ workloads: [`${ZONE}/web-1`] })).state.instances[0]!;
    expect(after.tags.items).toEqual(['http-server', 'ss-prod-web']);
    expect(after.tags.fingerprint).not.toBe(before.tags.fingerprint);

    await expect(gcp.apply(setTags(before.tags.fingerprint))).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('failures', () => {
  it('GIVEN an Operation that ends in an error WHEN a rule is inserted THEN the error is surfaced, classified, and nothing changed', async () => {
    world = await startWorld(estate);
    world.server.failNextOperation({
      method: 'compute.firewalls.insert',
      code: 'QUOTA_EXCEEDED',
      message: "Quota 'FIREWALLS' exceeded.  Limit: 500.0 globally.",
      status: 403,
    });
    const rule = owned('web-https');
    const error = await world.clouds.gcp
      .apply(step('insert-firewall', { phase: 'create', firewall: rule }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(String((error as Error).message)).toContain("Quota 'FIREWALLS' exceeded");
    expect((await world.clouds.gcp.read({ objects: [rule.name] })).state.firewalls).toEqual([]);
  });

  it('GIVEN Compute answers 429 and 403 rateLimitExceeded WHEN called through the pacer THEN the call is retried, the bucket slows, and the write lands once', async () => {
    const pacer = new Pacer({ clock: { now: () => Date.now(), sleep: noSleep } });
    world = await startWorld(estate, { wrap: (p, api) => pacer.wrap('gcp', p, api) });
    world.server.throttle({ count: 2, method: 'compute.firewalls.insert', status: 429 });
    world.server.throttle({ count: 1, method: 'compute.firewalls.list', status: 403 });

    await world.clouds.gcp.apply(step('insert-firewall', { phase: 'create', firewall: owned('web-https') }));
    const { state } = await world.clouds.gcp.read();

    expect(state.firewalls.map((f) => f.name)).toContain('ss-prod-web-https');
    expect(pacer.stats()).toEqual([expect.objectContaining({ cloud: 'gcp', scope: P, throttled: 3 })]);
    const buckets = pacer.location('gcp', P).buckets;
    expect(buckets.get('global-mutation')!.currentRate).toBeLessThan(23);
    expect(world.server.counts()['compute.firewalls.insert']).toBe(3);
  });

  it('GIVEN no pacer WHEN Compute answers 429 THEN the adapter throws a retryable ThrottledError', async () => {
    world = await startWorld(estate);
    world.server.throttle({ count: 1 });
    await expect(world.clouds.gcp.read()).rejects.toBeInstanceOf(ThrottledError);
  });

  it('GIVEN a setTags that landed but whose answer was lost WHEN the client retries THEN the same requestId returns the first Operation: no conflict, one change', async () => {
    world = await startWorld(estate);
    const before = (await world.clouds.gcp.read({ workloads: [`${ZONE}/web-2`] })).state.instances[0]!;
    world.server.loseNextResponse('compute.instances.setTags');

    await world.clouds.gcp.apply(
      step('set-tags', {
        phase: 'membership',
        zone: ZONE,
        instance: 'web-2',
        items: ['ss-prod-web'],
        fingerprint: before.tags.fingerprint,
        previous: [],
      }),
    );

    expect(world.server.counts()['compute.instances.setTags']).toBe(2);
    expect(world.server.counts()['compute.zoneOperations.wait']).toBe(1);
    const after = (await world.clouds.gcp.read({ workloads: [`${ZONE}/web-2`] })).state.instances[0]!;
    expect(after.tags.items).toEqual(['ss-prod-web']);
  });

  it('GIVEN an Operation wait that fails with a 503 WHEN a rule is inserted THEN the wait is retried and the step succeeds once', async () => {
    world = await startWorld(estate);
    world.server.loseNextResponse('compute.globalOperations.wait');

    await world.clouds.gcp.apply(step('insert-firewall', { phase: 'create', firewall: owned('web-https') }));

    expect(world.server.counts()).toMatchObject({ 'compute.firewalls.insert': 1, 'compute.globalOperations.wait': 2 });
    expect((await world.clouds.gcp.read({ objects: ['ss-prod-web-https'] })).state.firewalls).toHaveLength(1);
  });

  it('GIVEN a rule GCP refuses WHEN inserted THEN the error names the field and is terminal', async () => {
    world = await startWorld(estate);
    const bad = owned('egress-tags', { direction: 'EGRESS', sourceTags: ['ss-prod-app'], sourceRanges: undefined });
    const error = await world.clouds.gcp
      .apply(step('insert-firewall', { phase: 'create', firewall: bad }))
      .catch((e: unknown) => e);
    expect((error as { retryable?: boolean }).retryable).toBe(false);
    expect(String(error)).toContain('Should not specify source tag or service account for egress direction');
  });
});

describe('connectGcp', () => {
  it('GIVEN no GCP targets THEN there is nothing to connect', async () => {
    expect(await connectGcp(undefined, { deploymentId: 'prod' })).toEqual([]);
  });

  it('GIVEN a bad SEGSYNC_GCP_ENDPOINT THEN the error says what to give', () => {
    expect(() => endpointOptions({ SEGSYNC_GCP_ENDPOINT: '127.0.0.1:8123' })).toThrow(ConnectError);
    expect(() => endpointOptions({ SEGSYNC_GCP_ENDPOINT: 'ftp://x' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => endpointOptions({ SEGSYNC_GCP_ENDPOINT: 'http://127.0.0.1:8123/compute/v1' })).toThrow(
      /without a path/,
    );
    expect(endpointOptions({ SEGSYNC_GCP_ENDPOINT: 'http://127.0.0.1:8123' })).toEqual({
      apiEndpoint: '127.0.0.1',
      port: 8123,
      protocol: 'http',
    });
  });

  it('GIVEN SEGSYNC_GCP_ACCESS_TOKEN WHEN connecting to a local server THEN that bearer token is sent; a wrong one is refused', async () => {
    world = await startWorld(estate);
    const env = { SEGSYNC_GCP_ENDPOINT: world.server.url, SEGSYNC_GCP_ACCESS_TOKEN: 'local-compute-test-token' };
    const [api] = await connectGcp({ projects: [{ id: P }] }, { deploymentId: 'prod', env });
    expect((await gcpAdapter([api!]).read()).workloads).toHaveLength(3);

    const [wrong] = await connectGcp(
      { projects: [{ id: P }] },
      { deploymentId: 'prod', env: { ...env, SEGSYNC_GCP_ACCESS_TOKEN: 'x' } },
    );
    await expect(gcpAdapter([wrong!]).read()).rejects.toThrow(/authentication credential/);
  });

  it('GIVEN no credentials at all WHEN connecting THEN a clear error says how to provide them', async () => {
    const env = { GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/adc.json', HOME: '/nonexistent' };
    const saved = { ...process.env };
    Object.assign(process.env, env, { GCE_METADATA_HOST: '127.0.0.1:1', METADATA_SERVER_DETECTION: 'none' });
    try {
      await expect(connectGcp({ projects: [{ id: P }] }, { deploymentId: 'prod', env: {} })).rejects.toThrow(
        /gcloud auth application-default login/,
      );
    } finally {
      process.env = saved;
    }
  });

  it('maps core rules to SDK requests without output-only fields', () => {
    const rule = owned('x', { id: '123', selfLink: 'https://…' });
    expect(fromFirewall(rule)).not.toHaveProperty('id');
    expect(fromFirewall(rule)).not.toHaveProperty('selfLink');
    expect(testAuth().credentials.access_token).toBe('local-compute-test-token');
  });
});
