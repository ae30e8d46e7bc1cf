/**
 * The local Compute server is held to the real thing: requests and responses against the
 * discovery document (test/gcp-compute/discovery.ts), and GCP's rules on firewalls, tags and
 * labels, exercised with the real SDK clients (and raw HTTP where the SDK would not send the
 * malformed request). Where it is less strict than Compute: test/gcp-compute/server.ts header.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toCloudApiError, type ComputeClients } from '../../../adapters/gcp/client.ts';
import { CloudApiError } from '../../../adapters/errors.ts';
import { ComputeDiscovery } from '../../gcp-compute/discovery.ts';
import { TEST_TOKEN } from '../../gcp-compute/server.ts';
import { gcpEstate, startWorld, zonalWrite, type World } from './helpers.ts';

const P = 'shop';
const ZONE = 'europe-west1-b';
const estate = gcpEstate([
  { id: 'web-1', project: P, zone: ZONE, network: 'vpc', ip: '10.0.0.4', labels: { tier: 'web' } },
]);
const NET = `projects/${P}/global/networks/vpc`;

let world: World | undefined;
afterEach(async () => world?.close());

/** The CloudApiError (reason, HTTP status) an SDK call ends with, or 'ok'. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (e) {
    const c = toCloudApiError(e);
    return c instanceof CloudApiError ? `${c.status} ${c.message}` : String(e);
  }
}

async function insert(sdk: ComputeClients, resource: Record<string, unknown>, requestId?: string): Promise<void> {
  const [op] = await sdk.firewalls.insert({
    project: P,
    firewallResource: { network: NET, allowed: [{ IPProtocol: 'tcp', ports: ['443'] }], ...resource },
    ...(requestId ? { requestId } : {}),
  });
  const [done] = await sdk.globalOperations.wait({ project: P, operation: op.latestResponse.name ?? '' });
  if (done.error) throw new CloudApiError('gcp', done.error.errors?.[0]?.code ?? '', 'operation failed', 400);
}

function raw(w: World, method: string, path: string, body?: unknown, token = TEST_TOKEN) {
  return fetch(`${w.server.url}/compute/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('requests and responses follow the discovery document', () => {
  it('GIVEN malformed request bodies and parameters WHEN sent THEN each is refused with 400 and recorded', async () => {
    world = await startWorld(estate);
    const w = world;
    const firewalls = `projects/${P}/global/firewalls`;
    const statuses = [
      (await raw(w, 'POST', firewalls, { name: 'x', network: NET, priorty: 1 })).status, // unknown field
      (await raw(w, 'POST', firewalls, { name: 'x', network: NET, priority: 'high' })).status, // wrong type
      (await raw(w, 'POST', firewalls, { name: 'Bad_Name', network: NET })).status, // name pattern
      (await raw(w, 'POST', firewalls, { network: NET })).status, // name required on insert
      (await raw(w, 'POST', firewalls, { name: 'x', direction: 'SIDEWAYS' })).status, // enum
      (await raw(w, 'GET', `${firewalls}?colour=red`)).status, // unknown parameter
      (await raw(w, 'GET', `${firewalls}?maxResults=ten`)).status, // parameter type
      (await raw(w, 'POST', `projects/${P}/zones/${ZONE}/instances/web-1/setTags`, { items: ['Bad Tag'] })).status,
    ];
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
    expect(w.server.rejected.join('\n')).toMatch(/priorty/);
    expect(w.server.rejected).toHaveLength(8);
    expect((await raw(w, 'GET', firewalls, undefined, 'wrong')).status).toBe(401);
    expect((await raw(w, 'GET', `projects/${P}/global/nothing`)).status).toBe(404);
    expect(w.server.violations).toEqual([]);
  });

  it('GIVEN malformed responses WHEN checked against the response schemas THEN the validator catches them', () => {
    const d = new ComputeDiscovery();
    expect(d.check('Operation', { kind: 'compute#operation', name: 'op', status: 'FINISHED' })).toEqual([
      'Operation/status must be equal to one of the allowed values (DONE, PENDING, RUNNING)',
    ]);
    expect(d.check('Firewall', { name: 'x', priority: '1000', id: 12 }).length).toBe(2);
    expect(
      d.check('InstanceAggregatedList', {
        items: { 'zones/a': { instances: [{ name: 'x', tags: { items: ['Bad Tag'] } }] } },
      }),
    ).toHaveLength(1);
    expect(d.check('FirewallList', { items: [{ name: 'x', colour: 'red' }] })).toEqual([
      'FirewallList/items/0 must NOT have additional properties (colour)',
    ]);
    expect(d.check('Operation', { kind: 'compute#operation', name: 'op', status: 'DONE', progress: 100 })).toEqual([]);
  });

  it('serves every method segsync calls, each declared in the discovery document', () => {
    const ids = new ComputeDiscovery().methods.map((m) => m.id).sort();
    expect(ids).toEqual([
      'compute.firewalls.delete',
      'compute.firewalls.get',
      'compute.firewalls.insert',
      'compute.firewalls.list',
      'compute.firewalls.patch',
      'compute.firewalls.update',
      'compute.globalOperations.wait',
      'compute.instances.aggregatedList',
      'compute.instances.get',
      'compute.instances.setLabels',
      'compute.instances.setTags',
      'compute.zoneOperations.wait',
    ]);
  });
});

describe("GCP's rules, through the SDK", () => {
  it('GIVEN firewall rules GCP refuses WHEN inserted THEN each gets the service error', async () => {
    world = await startWorld(estate);
    const { sdk } = world;
    const ranges = Array.from({ length: 5001 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.0/24`);
    expect([
      await outcome(() => insert(sdk, { name: 'eg', direction: 'EGRESS', sourceTags: ['web'] })),
      await outcome(() => insert(sdk, { name: 'prio', priority: 65536, sourceRanges: ['10.0.0.0/8'] })),
      await outcome(() => insert(sdk, { name: 'many', sourceRanges: ranges })),
      await outcome(() => insert(sdk, { name: 'both', sourceRanges: ['10.0.0.0/8'], denied: [{ IPProtocol: 'tcp' }] })),
      await outcome(() => insert(sdk, { name: 'mixed', sourceRanges: ['10.0.0.0/8', 'fd00::/8'] })),
      await outcome(() => insert(sdk, { name: 'ok', sourceRanges: ranges.slice(0, 5000) })),
      await outcome(() => insert(sdk, { name: 'ok', sourceRanges: ['10.0.0.0/8'] })),
    ]).toEqual([
      '400 badRequest: Should not specify source tag or service account for egress direction.',
      expect.stringMatching(/^400 invalid: .*priority.*between 0 and 65535/),
      expect.stringMatching(/^400 invalid: .*sourceRanges/),
      expect.stringMatching(/^400 invalid: .*Exactly one of allowed or denied/),
      expect.stringMatching(/^400 invalid: .*cannot mix IPv4 and IPv6/),
      'ok',
      "409 alreadyExists: The resource 'projects/shop/global/firewalls/ok' already exists",
    ]);
    expect(world.server.violations).toEqual([]);
  });

  it("GIVEN the project's FIREWALLS quota WHEN one rule too many is inserted THEN 403 quotaExceeded", async () => {
    world = await startWorld(estate, { limits: { firewallsPerProject: 2 } });
    const { sdk } = world;
    const results = [];
    for (const name of ['a', 'b', 'c'])
      results.push(await outcome(() => insert(sdk, { name, sourceRanges: ['10.0.0.0/8'] })));
    expect(results).toEqual(['ok', 'ok', "403 quotaExceeded: Quota 'FIREWALLS' exceeded.  Limit: 2.0 globally."]);
  });

  it('GIVEN tags GCP refuses or a stale fingerprint WHEN setTags runs THEN 400 or 412 conditionNotMet', async () => {
    world = await startWorld(estate);
    const { sdk } = world;
    const [i] = await sdk.instances.get({ project: P, zone: ZONE, instance: 'web-1' });
    const fp = i.tags?.fingerprint ?? '';
    const setTags =
      (items: string[], fingerprint = fp) =>
      () =>
        zonalWrite(
          sdk,
          { project: P, zone: ZONE },
          sdk.instances.setTags({ project: P, zone: ZONE, instance: 'web-1', tagsResource: { items, fingerprint } }),
        );
    const tooMany = Array.from({ length: 65 }, (_, k) => `t${k}`);
    expect([
      await outcome(setTags(tooMany)),
      await outcome(setTags(['a'.repeat(64)])),
      await outcome(setTags(['dup', 'dup'])),
      await outcome(setTags(tooMany.slice(0, 64))),
      await outcome(setTags(['web'])), // the fingerprint changed with the write before
    ]).toEqual([
      expect.stringMatching(/^400 invalid: .*At most 64 tags/),
      expect.stringMatching(/^400 invalid: Invalid JSON payload received.*Tags\/items\/0 must match pattern/),
      expect.stringMatching(/^400 invalid: .*unique/),
      'ok',
      '412 conditionNotMet: Supplied fingerprint does not match current metadata fingerprint.',
    ]);
  });

  it('GIVEN a stale labelFingerprint WHEN setLabels runs THEN 412; with the current one the labels are replaced', async () => {
    world = await startWorld(estate);
    const { sdk } = world;
    const [i] = await sdk.instances.get({ project: P, zone: ZONE, instance: 'web-1' });
    const setLabels = (labels: Record<string, string>, labelFingerprint: string) => () =>
      zonalWrite(
        sdk,
        { project: P, zone: ZONE },
        sdk.instances.setLabels({
          project: P,
          zone: ZONE,
          instance: 'web-1',
          instancesSetLabelsRequestResource: { labels, labelFingerprint },
        }),
      );
    expect(await outcome(setLabels({ tier: 'db' }, 'c3RhbGU='))).toMatch(/^412 conditionNotMet/);
    expect(await outcome(setLabels({ Tier: 'db' }, i.labelFingerprint ?? ''))).toMatch(/^400 invalid: .*Label key/);
    expect(await outcome(setLabels({ env: 'prod' }, i.labelFingerprint ?? ''))).toBe('ok');
    const [after] = await sdk.instances.get({ project: P, zone: ZONE, instance: 'web-1' });
    expect(after.labels).toEqual({ env: 'prod' });
  });

  it('GIVEN a repeated requestId WHEN the insert is sent again THEN the first Operation comes back and nothing is done twice', async () => {
    world = await startWorld(estate);
    const { sdk } = world;
    const id = '3f2a4c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
    await insert(sdk, { name: 'once', sourceRanges: ['10.0.0.0/8'] }, id);
    expect(await outcome(() => insert(sdk, { name: 'once', sourceRanges: ['10.0.0.0/8'] }, id))).toBe('ok');
    expect(await outcome(() => insert(sdk, { name: 'once', sourceRanges: ['10.0.0.0/8'] }))).toMatch(
      /^409 alreadyExists/,
    );
    expect(await outcome(() => insert(sdk, { name: 'bad-id', sourceRanges: ['10.0.0.0/8'] }, 'not-a-uuid'))).toMatch(
      /^400 invalid: .*requestId/,
    );
  });

  it('GIVEN patch with an empty list WHEN sent by the SDK THEN the list is kept (the SDK drops empty lists): why segsync uses update', async () => {
    world = await startWorld(estate);
    const { sdk } = world;
    await insert(sdk, { name: 'tagged', sourceRanges: ['10.0.0.0/8'], targetTags: ['web'] });
    const [op] = await sdk.firewalls.patch({
      project: P,
      firewall: 'tagged',
      firewallResource: { name: 'tagged', targetTags: [], priority: 10 },
    });
    await sdk.globalOperations.wait({ project: P, operation: op.latestResponse.name ?? '' });
    const [fw] = await sdk.firewalls.get({ project: P, firewall: 'tagged' });
    expect({ targetTags: fw.targetTags, priority: fw.priority, sourceRanges: fw.sourceRanges }).toEqual({
      targetTags: ['web'],
      priority: 10,
      sourceRanges: ['10.0.0.0/8'],
    });
    expect(world.server.violations).toEqual([]);
  });
});
