/**
 * compileGcp: reach → VPC firewall rules and network tags. Small estates, exact expectations.
 */
import { describe, expect, it } from 'vitest';
import { compileGcp, gcpClassTag, type GcpDesired } from '../../../core/compile/gcp.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { CompileError, QuotaExceededError } from '../../../core/errors.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import type { GcpFirewall } from '../../../core/model/native/gcp.ts';
import { isOwnedGcpFirewall } from '../../../core/ownership.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import { policyOf, TIER_SEGMENTS } from '../../helpers/policies.ts';
import { gcpWorkload } from '../../helpers/workloads.ts';

const P = 'shop';
const NET = `gcp:projects/${P}/global/networks/vpc`;
const ctx: CompileContext = { deploymentId: 'prod' };

/** web → app on `ports`; everything else denied. */
const webToApp = (ports: string) =>
  policyOf(`  defaults: { egress: deny, unlabeled: quarantine }
  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: app, selector: "tier == 'app'" }
  rules:
    - { name: web-to-app, from: web, to: app, ports: [${ports}] }
`);
const shop = webToApp('tcp/8080, icmp');
const web1 = gcpWorkload('web-1', '10.0.0.4', { tier: 'web' }, { ipv6: 'fd00::4' });
const app1 = gcpWorkload('app-1', '10.0.0.10', { tier: 'app' }, { ipv6: 'fd00::10' });

const compile = (workloads: Workload[], policy = shop, c: CompileContext = ctx) =>
  compileGcp(computeReach(policy, workloads), c);
const rules = (d: GcpDesired): GcpFirewall[] => d.firewalls.map((f) => f.firewall);
const tagOf = (d: GcpDesired, instance: string) => d.memberships.find((m) => m.instance === instance)!.tags[0]!;
const strip = ({ name: _n, description: _d, ...rest }: GcpFirewall) => rest;

describe('compileGcp: what the rules say', () => {
  const { desired, findings } = compile([web1, app1]);
  const web = tagOf(desired, 'web-1');
  const app = tagOf(desired, 'app-1');
  const network = `projects/${P}/global/networks/vpc`;

  /** This network's rules as compiled, name and description aside. */
  const compiled = (keep: (f: GcpFirewall) => unknown) => rules(desired).filter(keep).map(strip);
  type Peers = Pick<GcpFirewall, 'sourceTags' | 'sourceRanges' | 'destinationRanges'>;
  const allow = (direction: GcpFirewall['direction'], allowed: GcpFirewall['allowed'], peers: Peers, on: string) => ({
    network,
    priority: 100,
    direction,
    allowed,
    ...peers,
    targetTags: [on],
  });
  const denyAll = (direction: GcpFirewall['direction'], peers: Peers) => ({
    network,
    priority: 101,
    direction,
    denied: [{ IPProtocol: 'all' }],
    ...peers,
    targetTags: [app, web],
  });
  const TCP_8080 = { IPProtocol: 'tcp', ports: ['8080'] };
  const ICMP = { IPProtocol: 'icmp' };
  const ICMPV6 = { IPProtocol: '58' };

  it("GIVEN web → app in one network WHEN compiled THEN app's IPv4 ingress names web by its network tag", () => {
    expect(compiled((f) => f.direction === 'INGRESS' && f.allowed)).toContainEqual(
      allow('INGRESS', [TCP_8080, ICMP], { sourceTags: [web] }, app),
    );
  });

  it('GIVEN the same WHEN compiled THEN IPv6 is a separate rule by member address with ICMPv6 as protocol 58', () => {
    expect(compiled((f) => f.direction === 'INGRESS' && f.allowed)).toContainEqual(
      allow('INGRESS', [TCP_8080, ICMPV6], { sourceRanges: ['fd00::4/128'] }, app),
    );
  });

  it("GIVEN the same WHEN compiled THEN web's egress lists app's members by address (GCP egress has no destination tags)", () => {
    expect(compiled((f) => f.direction === 'EGRESS' && f.allowed)).toEqual([
      allow('EGRESS', [TCP_8080, ICMP], { destinationRanges: ['10.0.0.10/32'] }, web),
      allow('EGRESS', [TCP_8080, ICMPV6], { destinationRanges: ['fd00::10/128'] }, web),
    ]);
  });

  it('GIVEN the same WHEN compiled THEN four catch-all denies at 101 cover both tags, IPv4 and IPv6 never mixed', () => {
    expect(compiled((f) => f.denied)).toEqual(
      expect.arrayContaining([
        denyAll('INGRESS', { sourceRanges: ['0.0.0.0/0'] }),
        denyAll('INGRESS', { sourceRanges: ['::/0'] }),
        denyAll('EGRESS', { destinationRanges: ['0.0.0.0/0'] }),
        denyAll('EGRESS', { destinationRanges: ['::/0'] }),
      ]),
    );
    expect(rules(desired).filter((f) => f.denied)).toHaveLength(4);
    expect(findings).toEqual([]);
  });

  it('GIVEN the same WHEN compiled THEN each instance gets exactly its class tag on nic0', () => {
    expect(desired.memberships.map((m) => [m.attachment, m.tags])).toEqual([
      [`gcp:${P}/europe-west1-b/app-1/nic0`, [app]],
      [`gcp:${P}/europe-west1-b/web-1/nic0`, [web]],
    ]);
    expect(desired.networks).toEqual([NET]);
  });
});

describe('compileGcp: names and ownership', () => {
  const { desired } = compile([web1, app1]);

  it('GIVEN any compile WHEN named THEN every rule and tag is RFC 1035 ≤ 63, prefixed ss-<dep>-, and owned', () => {
    for (const fw of rules(desired)) {
      expect(fw.name).toMatch(/^ss-prod-[a-z0-9-]*[a-z0-9]$/);
      expect(fw.name.length).toBeLessThanOrEqual(63);
      expect(fw.description).toMatch(/^segsync:prod /);
      expect(isOwnedGcpFirewall(fw, 'prod')).toBe(true);
    }
    const long = gcpClassTag('prod', { id: 'k3x9a0b1c2', name: `${'very-long-segment-name-'.repeat(4)}+pci` });
    expect(long).toMatch(/^ss-prod-[a-z][-a-z0-9]*-k3x9a0b1c2$/);
    expect(long.length).toBeLessThanOrEqual(63);
  });

  it('GIVEN one port changes WHEN recompiled THEN only the rules carrying it get new names (content-addressed)', () => {
    const wider = webToApp('tcp/8081, icmp');
    const before = new Set(rules(desired).map((f) => f.name));
    const after = rules(compile([web1, app1], wider).desired);
    expect(after.filter((f) => !before.has(f.name)).every((f) => f.allowed?.[0]?.ports?.[0] === '8081')).toBe(true);
    expect(after.filter((f) => before.has(f.name)).every((f) => f.denied)).toBe(true);
  });
});

describe('compileGcp: determinism', () => {
  const estate = [
    web1,
    app1,
    gcpWorkload('web-2', '10.0.0.5', { tier: 'web' }, { ipv6: 'fd00::5' }),
    gcpWorkload('app-2', '10.1.0.10', { tier: 'app' }, { network: `gcp:projects/${P}/global/networks/other` }),
    gcpWorkload('stray', '10.0.0.99', { team: 'x' }),
  ];

  it('GIVEN the same workloads in any order WHEN compiled THEN the JSON is byte-identical', () => {
    const json = (ws: Workload[]) => JSON.stringify(compile(ws));
    const reference = json(estate);
    for (let r = 1; r < estate.length; r++)
      expect(json([...estate.slice(r), ...estate.slice(0, r)].reverse())).toBe(reference);
  });

  it('GIVEN a quarantined workload WHEN compiled THEN its class has only the catch-all denies', () => {
    const { desired } = compile(estate);
    const quarantine = tagOf(desired, 'stray');
    const mine = rules(desired).filter((f) => f.targetTags?.includes(quarantine));
    expect(mine.length).toBe(4);
    expect(mine.every((f) => f.denied && f.priority === 101)).toBe(true);
  });

  it('GIVEN workloads of other clouds WHEN compiled THEN GCP ignores them', () => {
    const aws: Workload = {
      ...web1,
      id: 'aws:1:eu-west-1:i-1',
      cloud: 'aws',
      network: 'aws:1:eu-west-1:vpc-1',
      location: { cloud: 'aws', account: '1', region: 'eu-west-1' },
      attachments: [{ id: 'eni-1', network: 'aws:1:eu-west-1:vpc-1', addresses: ['10.9.0.4'] }],
      addresses: ['10.9.0.4'],
    };
    expect(compile([aws]).desired).toEqual({ deploymentId: 'prod', networks: [], firewalls: [], memberships: [] });
  });
});

describe('compileGcp: budgets', () => {
  const many = policyOf(`  defaults: { egress: allow }
  externals: [{ name: partners, cidrs: [198.51.100.0/28, 203.0.113.0/28, 192.0.2.0/28] }]
${TIER_SEGMENTS}  rules:
    - { name: to-db, from: { selector: "has(tier)" }, to: db, ports: [tcp/5432] }
    - { name: partners, from: { external: partners }, to: db, ports: [tcp/5432] }
`);
  const ws = [
    gcpWorkload('web-1', '10.0.0.4', { tier: 'web' }),
    gcpWorkload('app-1', '10.0.0.10', { tier: 'app' }),
    gcpWorkload('db-1', '10.0.0.20', { tier: 'db' }),
  ];
  const dbIngress = (d: GcpDesired) =>
    rules(d).filter((f) => f.direction === 'INGRESS' && f.allowed && f.targetTags?.includes(tagOf(d, 'db-1')));

  it("GIVEN defaults WHEN compiled THEN one tag rule and one range rule hold db's ingress", () => {
    const d = compile(ws, many).desired;
    expect(dbIngress(d).map((f) => [f.sourceTags?.length ?? 0, f.sourceRanges?.length ?? 0])).toEqual(
      expect.arrayContaining([
        [3, 0],
        [0, 3],
      ]),
    );
  });

  it('GIVEN smaller per-rule budgets WHEN compiled THEN rules are chunked, never dropped', () => {
    const d = compile(ws, many, {
      deploymentId: 'prod',
      limits: { gcp: { sourceTagsPerRule: 2, rangesPerRule: 1, targetTagsPerRule: 1 } },
    }).desired;
    expect(
      dbIngress(d)
        .map((f) => [f.sourceTags?.length ?? 0, f.sourceRanges?.length ?? 0])
        .sort(),
    ).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [1, 0],
      [2, 0],
    ]);
    expect(rules(d).filter((f) => f.denied)).toHaveLength(12);
    expect(rules(d).every((f) => (f.targetTags ?? []).length === 1)).toBe(true);
  });

  it('GIVEN no room for a single network tag WHEN compiled THEN QuotaExceededError names the segment and the limit', () => {
    const error = (() => {
      try {
        compile(ws, many, { deploymentId: 'prod', limits: { gcp: { tagsPerInstance: 0 } } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect((error as QuotaExceededError).detail).toMatchObject({
      cloud: 'gcp',
      limit: 'network tags per instance',
      allowed: 0,
      needed: 1,
    });
    expect(['web', 'app', 'db']).toContain((error as QuotaExceededError).detail?.segment);
  });

  it('GIVEN a per-rule budget below 1 WHEN compiled THEN it is refused as a configuration error', () => {
    expect(() => compile(ws, many, { deploymentId: 'prod', limits: { gcp: { rangesPerRule: 0 } } })).toThrow(
      CompileError,
    );
  });
});

describe('compileGcp: what GCP cannot say', () => {
  it('GIVEN "any" minus a port WHEN compiled THEN only tcp/udp/icmp is allowed (narrower) and a finding says so', () => {
    const p = policyOf(`  defaults: { egress: allow }
  segments: [{ name: web, selector: "tier == 'web'" }, { name: app, selector: "tier == 'app'" }]
  rules:
    - { name: all, from: web, to: app, ports: [any] }
    - { name: no-ssh, action: deny, from: web, to: app, ports: [tcp/22] }
`);
    const { desired, findings } = compile(
      [gcpWorkload('web-1', '10.0.0.4', { tier: 'web' }), gcpWorkload('app-1', '10.0.0.10', { tier: 'app' })],
      p,
    );
    const fromWeb = rules(desired).find((f) => f.direction === 'INGRESS' && f.sourceTags?.length);
    expect(fromWeb?.allowed).toEqual([
      { IPProtocol: 'tcp', ports: ['0-21', '23-65535'] },
      { IPProtocol: 'udp' },
      { IPProtocol: 'icmp' },
    ]);
    expect(findings.map((f) => f.code)).toContain('other-protocols-narrowed');
  });
});
