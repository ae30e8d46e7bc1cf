import { describe, expect, it } from 'vitest';
import type { GcpFirewall } from '../../../core/model/native/gcp.ts';
import { CloudApiError } from '../../../adapters/errors.ts';
import { SandboxGcp, type GcpLimits } from '../../../adapters/sandbox/gcp.ts';
import { FaultInjector } from '../../../adapters/sandbox/faults.ts';
import type { Estate, EstateGcpFirewall, EstateGcpInstance } from '../../../adapters/sandbox/estate-types.ts';
import { gcpSshFromAnywhere } from '../../helpers/estates.ts';

const P = 'proj-a';
const NET = `projects/${P}/global/networks/vpc-a`;
const RID = '6f1c2a9e-3b7d-4c1e-9a2b-0c4d5e6f7a8b';

const inst = (id: string, over: Partial<EstateGcpInstance> = {}): EstateGcpInstance => ({
  id,
  project: P,
  zone: 'europe-west1-b',
  network: 'vpc-a',
  ip: '10.2.0.4',
  labels: { tier: 'web' },
  ...over,
});
const foreign = gcpSshFromAnywhere(P);

function sandbox(
  limits: Partial<GcpLimits> = {},
  firewalls: EstateGcpFirewall[] = [foreign],
  faults?: FaultInjector,
): SandboxGcp {
  const estate: Estate = {
    aws: [],
    azure: [],
    gcp: [inst('web-1', { ipv6: 'fd20::4', tags: ['legacy'] }), inst('db-1', { ip: '10.2.0.5' })],
    awsSecurityGroups: [],
    gcpFirewalls: firewalls,
  };
  return SandboxGcp.fromEstate(estate, { limits, ...(faults ? { faults } : {}) });
}

const fw = (name: string, over: Partial<GcpFirewall> = {}): GcpFirewall => ({
  name,
  network: NET,
  priority: 1000,
  direction: 'INGRESS',
  allowed: [{ IPProtocol: 'tcp', ports: ['443'] }],
  sourceRanges: ['10.0.0.0/8'],
  targetTags: ['web'],
  ...over,
});

/** The reason and status a call fails with, or 'ok'. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (e) {
    if (!(e instanceof CloudApiError)) throw e;
    return `${e.status} ${e.code}`;
  }
}

describe('SandboxGcp seeding', () => {
  it('GIVEN an estate WHEN listed THEN instances carry nic0, partial network/zone paths, tags with a fingerprint, labels', async () => {
    const [db, web] = await sandbox().api(P).listInstances();
    expect(web).toMatchObject({
      name: 'web-1',
      zone: `projects/${P}/zones/europe-west1-b`,
      status: 'RUNNING',
      tags: { items: ['legacy'] },
      labels: { tier: 'web' },
      networkInterfaces: [{ name: 'nic0', network: NET, networkIP: '10.2.0.4', ipv6Address: 'fd20::4' }],
      selfLink: `https://www.googleapis.com/compute/v1/projects/${P}/zones/europe-west1-b/instances/web-1`,
    });
    expect(web!.tags.fingerprint).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect(db!.tags).toEqual({ fingerprint: expect.any(String) });
  });

  it('GIVEN a foreign firewall in the estate WHEN listed THEN it is stored in API form with defaults', async () => {
    expect(await sandbox().api(P).listFirewalls()).toEqual([
      {
        id: expect.any(String),
        name: 'allow-ssh',
        network: NET,
        priority: 1000,
        direction: 'INGRESS',
        allowed: [{ IPProtocol: 'tcp', ports: ['22'] }],
        sourceRanges: ['0.0.0.0/0'],
        targetTags: ['ssh'],
        disabled: false,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${P}/global/firewalls/allow-ssh`,
      },
    ]);
  });

  it('GIVEN the same estate and calls WHEN run twice THEN the snapshots are identical JSON', async () => {
    const run = async (): Promise<string> => {
      const gcp = sandbox();
      await gcp.api(P).insertFirewall(fw('b-rule'));
      await gcp.api(P).insertFirewall(fw('a-rule', { priority: 10 }));
      const [, web] = await gcp.api(P).listInstances();
      await gcp.api(P).setTags('europe-west1-b', 'web-1', { items: ['web'], fingerprint: web!.tags.fingerprint });
      return JSON.stringify(gcp.snapshot());
    };
    const first = await run();
    expect(first).toBe(await run());
    expect(JSON.parse(first).firewalls.map((f: GcpFirewall) => f.name)).toEqual(['a-rule', 'allow-ssh', 'b-rule']);
  });
});

describe('SandboxGcp firewall validation (GIVEN an insert WHEN invalid THEN the API reason and status)', () => {
  it.each([
    ['upper-case name', fw('Allow-Web'), '400 invalid'],
    ['name of 64 chars', fw(`a${'b'.repeat(63)}`), '400 invalid'],
    ['name ending in -', fw('allow-'), '400 invalid'],
    ['allowed and denied', fw('x', { denied: [{ IPProtocol: 'all' }] }), '400 invalid'],
    ['neither allowed nor denied', fw('x', { allowed: [] }), '400 invalid'],
    ['priority 65536', fw('x', { priority: 65536 }), '400 invalid'],
    ['priority 0', fw('x', { priority: 0 }), 'ok'],
    ['protocol TCP', fw('x', { allowed: [{ IPProtocol: 'TCP' }] }), '400 invalid'],
    ['protocol number 58', fw('x', { allowed: [{ IPProtocol: '58' }] }), 'ok'],
    ['ports on icmp', fw('x', { allowed: [{ IPProtocol: 'icmp', ports: ['0'] }] }), '400 invalid'],
    ['reversed port range', fw('x', { allowed: [{ IPProtocol: 'udp', ports: ['90-80'] }] }), '400 invalid'],
    ['port range', fw('x', { allowed: [{ IPProtocol: 'sctp', ports: ['8000-8100'] }] }), 'ok'],
    [
      'egress with sourceTags',
      fw('x', { direction: 'EGRESS', sourceRanges: undefined, sourceTags: ['web'], destinationRanges: ['10.0.0.0/8'] }),
      '400 badRequest',
    ],
    ['ingress with destinationRanges', fw('x', { destinationRanges: ['10.2.0.4/32'] }), 'ok'],
    ['IPv4 and IPv6 in one rule', fw('x', { sourceRanges: ['10.0.0.0/8', 'fd00::/8'] }), '400 invalid'],
    [
      'IPv6 source and IPv4 destination',
      fw('x', { sourceRanges: ['fd00::/8'], destinationRanges: ['10.2.0.4'] }),
      '400 invalid',
    ],
    ['not a CIDR', fw('x', { sourceRanges: ['10.0.0.300/32'] }), '400 invalid'],
    ['invalid target tag', fw('x', { targetTags: ['Web_Tier'] }), '400 invalid'],
    ["another project's network", fw('x', { network: 'projects/other/global/networks/vpc-a' }), '400 invalid'],
    ['unknown network', fw('x', { network: 'global/networks/nope' }), '404 notFound'],
    ['full network URL', fw('x', { network: `https://www.googleapis.com/compute/v1/${NET}` }), 'ok'],
    ['name taken', fw('allow-ssh'), '409 alreadyExists'],
  ])('%s', async (_what, rule, expected) => {
    expect(await outcome(sandbox().api(P).insertFirewall(rule))).toBe(expected);
  });

  it('GIVEN per-rule tag and range limits WHEN exceeded THEN 400 invalid', async () => {
    const api = sandbox({ sourceTagsPerRule: 1, targetTagsPerRule: 1, rangesPerRule: 1 }).api(P);
    expect(await outcome(api.insertFirewall(fw('a', { sourceRanges: undefined, sourceTags: ['x', 'y'] })))).toBe(
      '400 invalid',
    );
    expect(await outcome(api.insertFirewall(fw('b', { targetTags: ['x', 'y'] })))).toBe('400 invalid');
    expect(await outcome(api.insertFirewall(fw('c', { sourceRanges: ['10.0.0.0/8', '192.168.0.0/16'] })))).toBe(
      '400 invalid',
    );
  });

  it('GIVEN the project firewall quota is used up WHEN inserting THEN 403 quotaExceeded', async () => {
    const err = await sandbox({ firewallsPerProject: 1 })
      .api(P)
      .insertFirewall(fw('one-more'))
      .catch((e: CloudApiError) => e);
    expect(err).toMatchObject({
      code: 'quotaExceeded',
      status: 403,
      message: expect.stringContaining("Quota 'FIREWALLS' exceeded.  Limit: 1.0 globally."),
    });
  });

  const all = [{ IPProtocol: 'all' }];
  it.each([
    ['INGRESS', 'sourceRanges', 'destinationRanges', { priority: 1000, allowed: all }],
    ['EGRESS', 'destinationRanges', 'sourceRanges', { priority: 65534, denied: all }],
  ] as const)(
    'GIVEN an %s rule without sources or destinations WHEN stored THEN 0.0.0.0/0 fills in its %s',
    async (direction, filled, unset, rule) => {
      const gcp = sandbox({}, []);
      await gcp.api(P).insertFirewall({ name: 'r', network: NET, direction, ...rule });
      const [stored] = await gcp.api(P).listFirewalls();
      expect([stored![filled], stored![unset]]).toEqual([['0.0.0.0/0'], undefined]);
    },
  );
});

describe('SandboxGcp firewall update/delete and requestId', () => {
  it('GIVEN a rule WHEN updated THEN it is replaced whole, keeping id; renaming or moving networks is refused', async () => {
    const api = sandbox().api(P);
    await api.insertFirewall(fw('web', { sourceTags: ['lb'] }));
    const [before] = (await api.listFirewalls()).filter((f) => f.name === 'web');
    await api.updateFirewall('web', fw('web', { sourceRanges: ['192.168.0.0/16'], targetTags: undefined }));
    const [after] = (await api.listFirewalls()).filter((f) => f.name === 'web');
    expect([after!.id, after!.sourceTags, after!.targetTags, after!.sourceRanges]).toEqual([
      before!.id,
      undefined,
      undefined,
      ['192.168.0.0/16'],
    ]);
    expect(await outcome(api.updateFirewall('web', fw('web2')))).toBe('400 invalid');
    expect(await outcome(api.updateFirewall('missing', fw('missing')))).toBe('404 notFound');
  });

  it('GIVEN an unknown rule WHEN deleted THEN 404 notFound; a known one is gone', async () => {
    const api = sandbox().api(P);
    expect(await outcome(api.deleteFirewall('nope'))).toBe('404 notFound');
    await api.deleteFirewall('allow-ssh');
    expect(await api.listFirewalls()).toEqual([]);
  });

  it('GIVEN a requestId that succeeded WHEN the same mutation is retried THEN it succeeds without applying twice', async () => {
    const api = sandbox().api(P);
    await api.insertFirewall(fw('web'), RID);
    await api.insertFirewall(fw('web'), RID);
    await api.deleteFirewall('web', '11111111-2222-4333-8444-555555555555');
    await api.deleteFirewall('web', '11111111-2222-4333-8444-555555555555');
    expect((await api.listFirewalls()).map((f) => f.name)).toEqual(['allow-ssh']);
    expect(await outcome(api.insertFirewall(fw('web'), 'not-a-uuid'))).toBe('400 invalid');
    expect(await outcome(api.insertFirewall(fw('web'), '00000000-0000-0000-0000-000000000000'))).toBe('400 invalid');
  });

  it('GIVEN a request that failed WHEN retried with the same requestId after a fix THEN it runs', async () => {
    const api = sandbox().api(P);
    expect(await outcome(api.insertFirewall(fw('Bad'), RID))).toBe('400 invalid');
    await api.insertFirewall(fw('good'), RID);
    expect((await api.listFirewalls()).map((f) => f.name)).toEqual(['allow-ssh', 'good']);
  });
});

describe('SandboxGcp setTags, labels, copies and faults', () => {
  it('GIVEN the current fingerprint WHEN setTags THEN items change and so does the fingerprint; the old one is then stale (412)', async () => {
    const api = sandbox().api(P);
    const web = (await api.listInstances()).find((i) => i.name === 'web-1')!;
    await api.setTags(`projects/${P}/zones/europe-west1-b`, 'web-1', {
      items: ['web', 'seg-a'],
      fingerprint: web.tags.fingerprint,
    });
    const after = (await api.listInstances()).find((i) => i.name === 'web-1')!;
    expect(after.tags.items).toEqual(['web', 'seg-a']);
    expect(after.tags.fingerprint).not.toBe(web.tags.fingerprint);
    expect(
      await outcome(api.setTags('europe-west1-b', 'web-1', { items: [], fingerprint: web.tags.fingerprint })),
    ).toBe('412 conditionNotMet');
  });

  it.each([
    ['65 tags', Array.from({ length: 65 }, (_, i) => `t${i}`), '400 invalid'],
    ['64 tags', Array.from({ length: 64 }, (_, i) => `t${i}`), 'ok'],
    ['an upper-case tag', ['Web'], '400 invalid'],
    ['a duplicate tag', ['web', 'web'], '400 invalid'],
  ])('GIVEN setTags with %s WHEN sent THEN %s', async (_what, items, expected) => {
    const api = sandbox().api(P);
    const web = (await api.listInstances()).find((i) => i.name === 'web-1')!;
    expect(await outcome(api.setTags('europe-west1-b', 'web-1', { items, fingerprint: web.tags.fingerprint }))).toBe(
      expected,
    );
  });

  it('GIVEN an unknown instance or no fingerprint WHEN setTags THEN 404 notFound / 400 invalid', async () => {
    const api = sandbox().api(P);
    expect(await outcome(api.setTags('europe-west1-b', 'ghost', { items: [], fingerprint: 'x' }))).toBe('404 notFound');
    expect(await outcome(api.setTags('europe-west1-b', 'web-1', { items: [], fingerprint: '' }))).toBe('400 invalid');
  });

  it('GIVEN setLabels WHEN labels change THEN they read back with a new labelFingerprint; unknown projects are 404', async () => {
    const gcp = sandbox();
    const before = (await gcp.api(P).listInstances()).find((i) => i.name === 'web-1')!;
    gcp.setLabels(P, 'europe-west1-b', 'web-1', { tier: null, segment: 'payments' });
    const after = (await gcp.api(P).listInstances()).find((i) => i.name === 'web-1')!;
    expect([after.labels, after.labelFingerprint === before.labelFingerprint]).toEqual([
      { segment: 'payments' },
      false,
    ]);
    expect(gcp.projects()).toEqual([P]);
    expect(() => gcp.api('other')).toThrow(/notFound/);
  });

  it('GIVEN a returned object WHEN mutated by the caller THEN the sandbox is unchanged', async () => {
    const gcp = sandbox();
    const [rule] = await gcp.api(P).listFirewalls();
    rule!.sourceRanges!.push('1.2.3.4/32');
    expect(gcp.snapshot().firewalls[0]!.sourceRanges).toEqual(['0.0.0.0/0']);
  });

  it('GIVEN an injected throttle WHEN inserting THEN 403 rateLimitExceeded and nothing changed', async () => {
    const gcp = sandbox({}, [foreign], new FaultInjector({ throttleEvery: 1, operations: ['insertFirewall'] }));
    expect(await outcome(gcp.api(P).insertFirewall(fw('web'), RID))).toBe('403 rateLimitExceeded');
    expect(gcp.snapshot().firewalls.map((f) => f.name)).toEqual(['allow-ssh']);
  });
});
