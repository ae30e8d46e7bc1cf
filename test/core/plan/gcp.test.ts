/**
 * planGcp: desired vs actual → owned-only steps in make-before-break order.
 */
import { describe, expect, it } from 'vitest';
import { compileGcp, type GcpDesired } from '../../../core/compile/gcp.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import type { GcpFirewall, GcpInstance, GcpState } from '../../../core/model/native/gcp.ts';
import { planGcp, type GcpStep } from '../../../core/plan/gcp.ts';
import { PHASES } from '../../../core/plan/step-base.ts';
import { policyOf, TIER_SEGMENTS } from '../../helpers/policies.ts';
import { gcpWorkload } from '../../helpers/workloads.ts';

const P = 'shop';
const URL = 'https://www.googleapis.com/compute/v1/';
const NET = `projects/${P}/global/networks/vpc`;
const ctx = { deploymentId: 'prod' };

/** Ingress by tag only and egress open: a same-network re-tag should need no rule change. */
const policy = policyOf(`  defaults: { egress: allow }
  externals: [{ name: internet, cidrs: [0.0.0.0/0] }]
${TIER_SEGMENTS}  rules:
    - { name: internet-to-web, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080] }
    - { name: app-to-db, from: app, to: db, ports: [tcp/5432] }
`);

const estate = (webTwo: 'web' | 'app' = 'web'): Workload[] => [
  gcpWorkload('web-1', '10.0.0.4', { tier: 'web' }),
  gcpWorkload('web-2', '10.0.0.5', { tier: webTwo }),
  gcpWorkload('app-1', '10.0.0.10', { tier: 'app' }),
  gcpWorkload('db-1', '10.0.0.20', { tier: 'db' }),
];
const compile = (ws: Workload[]): GcpDesired => compileGcp(computeReach(policy, ws), ctx).desired;

function instance(name: string, ip: string, items: string[], fingerprint = `fp-${name}`): GcpInstance {
  return {
    name,
    zone: `projects/${P}/zones/europe-west1-b`,
    tags: { ...(items.length ? { items } : {}), fingerprint },
    networkInterfaces: [{ name: 'nic0', network: NET, networkIP: ip }],
    selfLink: `${URL}projects/${P}/zones/europe-west1-b/instances/${name}`,
  };
}

/** The state a correct apply of `desired` leaves, as the API returns it (selfLinks, defaults, foreign tags kept). */
function stateOf(
  desired: GcpDesired,
  ws: Workload[],
  extra: { firewalls?: GcpFirewall[]; tags?: Record<string, string[]> } = {},
): GcpState {
  return {
    firewalls: [
      ...desired.firewalls.map((f) => ({
        ...f.firewall,
        id: '1',
        disabled: false,
        selfLink: `${URL}projects/${P}/global/firewalls/${f.firewall.name}`,
      })),
      ...(extra.firewalls ?? []),
    ],
    instances: ws.map((w) =>
      instance(w.nativeId, w.addresses[0]!, [
        ...(extra.tags?.[w.nativeId] ?? []),
        ...(desired.memberships.find((m) => m.instance === w.nativeId)?.tags ?? []),
      ]),
    ),
  };
}

const foreign = (name: string, o: Partial<GcpFirewall> = {}): GcpFirewall => ({
  name,
  network: NET,
  priority: 1000,
  direction: 'INGRESS',
  allowed: [{ IPProtocol: 'tcp', ports: ['22'] }],
  sourceRanges: ['0.0.0.0/0'],
  selfLink: `${URL}projects/${P}/global/firewalls/${name}`,
  ...o,
});
const kinds = (steps: GcpStep[]) => steps.map((s) => `${s.phase} ${s.kind} ${s.target}`);

describe('planGcp: convergence', () => {
  it('GIVEN actual equals desired (foreign tags and rules beside) WHEN planned THEN the plan is empty', () => {
    const ws = estate();
    const desired = compile(ws);
    const actual = stateOf(desired, ws, {
      firewalls: [foreign('default-allow-ssh')],
      tags: { 'web-1': ['http-server'] },
    });
    expect(planGcp(desired, actual, ctx, { exclusive: false })).toEqual({ steps: [], findings: [] });
  });

  it('GIVEN an empty project WHEN planned THEN every rule is created before any tag moves, and setTags keeps foreign tags with the read fingerprint', () => {
    const ws = estate();
    const desired = compile(ws);
    const actual: GcpState = {
      firewalls: [],
      instances: ws.map((w) => instance(w.nativeId, w.addresses[0]!, w.nativeId === 'web-1' ? ['http-server'] : [])),
    };
    const { steps } = planGcp(desired, actual, ctx, { exclusive: false });
    const ranks = steps.map((s) => PHASES.indexOf(s.phase));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(steps.filter((s) => s.kind === 'insert-firewall').every((s) => s.phase === 'create')).toBe(true);
    expect(steps.filter((s) => s.kind === 'insert-firewall')).toHaveLength(desired.firewalls.length);
    const web1 = steps.find((s) => s.kind === 'set-tags' && s.instance === 'web-1');
    expect(web1).toMatchObject({
      phase: 'membership',
      scope: P,
      zone: 'europe-west1-b',
      fingerprint: 'fp-web-1',
      target: `gcp:${P}/europe-west1-b/web-1/nic0`,
    });
    expect(web1?.kind === 'set-tags' && web1.items).toEqual([
      'http-server',
      desired.memberships.find((m) => m.instance === 'web-1')!.tags[0],
    ]);
  });

  it('GIVEN a converged project WHEN web-2 is re-labelled app (same network) THEN the plan is exactly one setTags', () => {
    const before = estate();
    const actual = stateOf(compile(before), before);
    const desired = compile(estate('app'));
    const { steps } = planGcp(desired, actual, ctx, { exclusive: false });
    expect(kinds(steps)).toEqual([`membership set-tags gcp:${P}/europe-west1-b/web-2/nic0`]);
  });

  it('GIVEN an owned rule edited by hand under its name WHEN planned THEN it is put back by update, nothing else', () => {
    const ws = estate();
    const desired = compile(ws);
    const actual = stateOf(desired, ws);
    const edited = actual.firewalls.find((f) => f.allowed)!;
    edited.sourceRanges = ['0.0.0.0/0'];
    const { steps } = planGcp(desired, actual, ctx, { exclusive: false });
    expect(kinds(steps)).toEqual([`authorize update-firewall ${P}/firewalls/${edited.name}`]);
  });

  it('GIVEN rules no longer wanted WHEN planned THEN a rule on a tag still in use is revoked, one on a tag nobody keeps is deleted, both after membership', () => {
    const ws = estate();
    const desired = compile(ws);
    const stale = (name: string, tag: string): GcpFirewall =>
      foreign(name, { description: 'segsync:prod old', targetTags: [tag] });
    const webTag = desired.memberships.find((m) => m.instance === 'web-1')!.tags[0]!;
    const actual = stateOf(desired, ws, {
      firewalls: [
        stale('ss-prod-old-web-aaaaaaaaaa', webTag),
        stale('ss-prod-old-gone-bbbbbbbbbb', 'ss-prod-gone-cccccccccc'),
      ],
      tags: { 'db-1': ['ss-prod-gone-cccccccccc'] },
    });
    const { steps } = planGcp(desired, actual, ctx, { exclusive: false });
    expect(kinds(steps)).toEqual([
      `membership set-tags gcp:${P}/europe-west1-b/db-1/nic0`,
      `revoke delete-firewall ${P}/firewalls/ss-prod-old-web-aaaaaaaaaa`,
      `delete delete-firewall ${P}/firewalls/ss-prod-old-gone-bbbbbbbbbb`,
    ]);
  });
});

describe('planGcp: foreign objects are never targeted', () => {
  const ws = estate();
  const desired = compile(ws);
  const wanted = desired.firewalls[0]!.firewall.name;
  const actual = stateOf(desired, ws, {
    firewalls: [
      foreign('ss-prod-lookalike-0123456789', { description: 'made by hand', targetTags: ['ss-prod-web'] }),
      foreign('ss-other-web-in4-0123456789', { description: 'segsync:other web', targetTags: ['ss-other-web-x'] }),
    ],
    tags: { 'web-1': ['ss-other-web-x', 'http-server'] },
  });
  actual.firewalls = actual.firewalls.map((f) => (f.name === wanted ? { ...f, description: 'taken over by hand' } : f));
  const { steps, findings } = planGcp(desired, actual, ctx, { exclusive: false });

  it("GIVEN look-alike rules without this deployment's marker WHEN planned THEN no step names them", () => {
    const touched = steps.flatMap((s) => (s.kind === 'set-tags' ? [] : [s.firewall.name]));
    expect(touched).not.toContain('ss-prod-lookalike-0123456789');
    expect(touched).not.toContain('ss-other-web-in4-0123456789');
    expect(touched).not.toContain(wanted);
  });

  it('GIVEN a foreign rule holding a name segsync needs WHEN planned THEN it is an error finding, not an overwrite', () => {
    expect(findings).toContainEqual(
      expect.objectContaining({ severity: 'error', code: 'firewall-name-taken', target: `${P}/firewalls/${wanted}` }),
    );
  });

  it("GIVEN another deployment's tags on an instance WHEN planned THEN they are kept", () => {
    expect(steps.filter((s) => s.kind === 'set-tags')).toEqual([]);
  });
});

describe('planGcp: foreign rules that reach past the catch-all', () => {
  const ws = estate();
  const desired = compile(ws);
  const rules = [
    foreign('ssh-widens', { priority: 100, targetTags: ['ssh'] }),
    foreign('everyone-widens', { priority: 50 }),
    foreign('deny-narrows', { priority: 90, allowed: undefined, denied: [{ IPProtocol: 'all' }] }),
    foreign('shadowed-at-101', { priority: 101 }),
    foreign('disabled', { priority: 10, disabled: true }),
    foreign('other-network', { priority: 10, network: `projects/${P}/global/networks/unmanaged` }),
  ];
  const actual = stateOf(desired, ws, { firewalls: rules, tags: { 'web-1': ['ssh', 'http-server'] } });

  it('GIVEN foreign rules at ≤ 100 WHEN planned THEN widening allows and narrowing denies are reported; 101, disabled and unmanaged networks are not', () => {
    const { findings } = planGcp(desired, actual, ctx, { exclusive: false });
    expect(findings.map((f) => `${f.code} ${f.target}`)).toEqual([
      `foreign-rule-narrows ${P}/firewalls/deny-narrows`,
      `foreign-rule-widens ${P}/firewalls/everyone-widens`,
      `foreign-rule-widens ${P}/firewalls/ssh-widens`,
    ]);
  });

  it('GIVEN exclusive WHEN planned THEN the foreign tag a widening rule targets is removed, other foreign tags stay', () => {
    const { steps } = planGcp(desired, actual, ctx, { exclusive: true });
    const web1 = steps.find((s) => s.kind === 'set-tags');
    expect(web1).toMatchObject({
      instance: 'web-1',
      items: ['http-server', desired.memberships.find((m) => m.instance === 'web-1')!.tags[0]],
    });
    expect(steps).toHaveLength(1);
  });
});

describe('planGcp: the 64-tag budget', () => {
  it('GIVEN an instance whose foreign tags leave no room WHEN planned THEN QuotaExceededError names the segment, the limit and the instance', () => {
    const ws = estate();
    const desired = compile(ws);
    const full = Array.from({ length: 64 }, (_, i) => `legacy-${i}`);
    const actual: GcpState = {
      firewalls: [],
      instances: ws.map((w) => instance(w.nativeId, w.addresses[0]!, w.nativeId === 'db-1' ? full : [])),
    };
    expect(() => planGcp(desired, actual, ctx, { exclusive: false })).toThrow(QuotaExceededError);
    try {
      planGcp(desired, actual, ctx, { exclusive: false });
    } catch (e) {
      expect((e as QuotaExceededError).detail).toMatchObject({
        segment: 'db',
        cloud: 'gcp',
        object: `instance ${P}/europe-west1-b/db-1`,
        limit: 'network tags per instance',
        allowed: 64,
        needed: 65,
      });
    }
  });
});
