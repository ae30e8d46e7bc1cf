import { describe, expect, it } from 'vitest';
import { allows, workloadStatus, type WorkloadEndpoint } from '../../../core/policy/intent.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';

const header = `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: t }
spec:
`;
const policyOf = (spec: string) => parsePolicy(header + spec, 't.yaml');
const wl = (labels: Record<string, string>, ...addresses: string[]): WorkloadEndpoint => ({
  labels,
  addresses: addresses.length ? addresses : ['10.0.0.1'],
});

const shop = policyOf(`
  defaults: { egress: deny }
  externals:
    - { name: mainframe, labels: { app: mainframe, env: prod }, cidrs: [10.50.0.0/16] }
    - { name: internet, cidrs: [0.0.0.0/0, "::/0"] }
  segments:
    - { name: web, selector: "app == 'shop' && tier == 'web'" }
    - { name: db, selector: "app == 'shop' && tier == 'db'", mode: monitor }
    - { name: app, selector: "app == 'shop' && tier == 'app'" }
  rules:
    - { name: internet-to-web, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080-8090] }
    - { name: app-to-db, from: app, to: db, ports: [tcp/5432] }
    - { name: app-to-mainframe, from: app, to: { selector: "app == 'mainframe'" }, ports: [tcp/1414, udp/500-510] }
    - { name: no-dev-to-prod, action: deny, from: { selector: "env == 'dev'" }, to: { selector: "env == 'prod'" }, ports: [any] }
`);
const web = wl({ app: 'shop', tier: 'web', env: 'prod' }, '10.0.1.10', '2001:db8::10');
const devWeb = wl({ app: 'shop', tier: 'web', env: 'dev' }, '10.0.9.10');
const app = wl({ app: 'shop', tier: 'app', env: 'prod' }, '10.0.2.10');
const db = wl({ app: 'shop', tier: 'db', env: 'prod' }, '10.0.3.10');

describe('allows: the intent oracle (DESIGN.md §2)', () => {
  it('allows a flow some allow rule matches, and names the rule', () => {
    const d = allows(shop, { src: '203.0.113.9', dst: web, protocol: 'tcp', port: 443 });
    expect(d).toMatchObject({
      allowed: true,
      reason: 'allowed',
      allowRules: ['internet-to-web'],
      denyRules: [],
      checks: { ingress: true },
    });
  });

  it('denies ingress to an enforced workload that no rule allows (default deny)', () => {
    expect(allows(shop, { src: '203.0.113.9', dst: web, protocol: 'tcp', port: 22 })).toMatchObject({
      allowed: false,
      reason: 'no-allow-rule',
    });
    expect(allows(shop, { src: '203.0.113.9', dst: web, protocol: 'udp', port: 443 }).allowed).toBe(false);
    expect(allows(shop, { src: '203.0.113.9', dst: web, protocol: 'icmp' }).allowed).toBe(false);
  });

  it('matches port ranges inclusively at both ends', () => {
    for (const [port, allowed] of [
      [8079, false],
      [8080, true],
      [8090, true],
      [8091, false],
    ] as const) {
      expect(allows(shop, { src: web, dst: app, protocol: 'tcp', port }).allowed).toBe(allowed);
    }
  });

  it('deny overrides allow, whatever the order of rules', () => {
    // dev web is inside 0.0.0.0/0 (internet), which web allows on 443; but dev → prod is denied
    const d = allows(shop, { src: devWeb, dst: web, protocol: 'tcp', port: 443 });
    expect(d).toMatchObject({
      allowed: false,
      reason: 'denied-by-rule',
      allowRules: ['internet-to-web'],
      denyRules: ['no-dev-to-prod'],
    });
    const reordered = { ...shop, rules: [...shop.rules].reverse() };
    expect(allows(reordered, { src: devWeb, dst: web, protocol: 'tcp', port: 443 }).allowed).toBe(false);
  });

  it('checks egress at an enforced source when defaults.egress is deny', () => {
    expect(allows(shop, { src: web, dst: '198.51.100.1', protocol: 'tcp', port: 443 })).toMatchObject({
      allowed: false,
      checks: { egress: false },
    });
    // app → mainframe by the external's labels: a selector that matches an external matches its CIDRs
    expect(allows(shop, { src: app, dst: '10.50.3.4', protocol: 'udp', port: 505 })).toMatchObject({
      allowed: true,
      allowRules: ['app-to-mainframe'],
    });
    expect(allows(shop, { src: app, dst: '10.51.3.4', protocol: 'udp', port: 505 }).allowed).toBe(false);
  });

  it('opens egress except denied flows when defaults.egress is allow', () => {
    const open = { ...shop, defaults: { ...shop.defaults, egress: 'allow' as const } };
    expect(allows(open, { src: web, dst: '198.51.100.1', protocol: 'tcp', port: 25 })).toMatchObject({
      allowed: true,
      checks: { egress: true },
    });
    const devToProdAddress = allows(open, {
      src: devWeb,
      dst: wl({ env: 'prod' }, '10.9.9.9'),
      protocol: 'tcp',
      port: 25,
    });
    expect(devToProdAddress).toMatchObject({ checks: { egress: false } });
  });

  it('makes address peers match managed workloads by their addresses too', () => {
    // internet (0.0.0.0/0) includes web's own address: web → web on 443 is allowed by internet-to-web
    expect(allows(shop, { src: web, dst: web, protocol: 'tcp', port: 443 }).allowRules).toContain('internet-to-web');
    // and an IPv6 flow uses the workload's IPv6 address, inside ::/0
    expect(allows(shop, { src: '2001:db8::99', dst: web, protocol: 'tcp', port: 443 }).allowed).toBe(true);
  });

  it('does not enforce monitor-only or unmanaged workloads: the flow is allowed, and no side is checked', () => {
    expect(workloadStatus(shop, db)).toBe('monitored');
    const d = allows(shop, { src: '203.0.113.9', dst: db, protocol: 'tcp', port: 22 });
    expect(d).toMatchObject({ allowed: true, reason: 'not-enforced', checks: {} });
    expect(workloadStatus(shop, { ...web, managed: false })).toBe('unmanaged');
    expect(workloadStatus(shop, wl({ team: 'x' }))).toBe('unmanaged');
  });

  it('applies every rule to an enforced workload, even when the rule names a monitor segment', () => {
    // app is enforced: its egress to db (a monitor segment) is checked and allowed by app-to-db only
    expect(allows(shop, { src: app, dst: db, protocol: 'tcp', port: 5432 })).toMatchObject({
      allowed: true,
      checks: { egress: true },
    });
    expect(allows(shop, { src: app, dst: db, protocol: 'tcp', port: 22 })).toMatchObject({
      allowed: false,
      checks: { egress: false },
    });
  });

  it('quarantines unselected managed workloads when unlabeled is quarantine', () => {
    const q = { ...shop, defaults: { ...shop.defaults, unlabeled: 'quarantine' as const } };
    const stray = wl({ team: 'x' }, '10.0.7.7');
    expect(workloadStatus(q, stray)).toBe('quarantined');
    expect(allows(q, { src: stray, dst: '8.8.8.8', protocol: 'udp', port: 53 })).toMatchObject({
      allowed: false,
      reason: 'quarantined',
      checks: { egress: false },
    });
    expect(allows(q, { src: '203.0.113.9', dst: stray, protocol: 'tcp', port: 443 })).toMatchObject({
      allowed: false,
      checks: { ingress: false },
    });
  });

  it('respects spec.labels.keys: other tags do not count', () => {
    const keyed = policyOf(`
  labels: { keys: [tier] }
  segments: [{ name: web, selector: "tier == 'web'" }, { name: ops, selector: "team == 'ops'" }]
  rules: [{ name: ops-ssh, from: ops, to: web, ports: [tcp/22] }]
`);
    const ops = wl({ team: 'ops', tier: 'bastion' }, '10.0.0.5');
    expect(allows(keyed, { src: ops, dst: wl({ tier: 'web' }, '10.0.0.6'), protocol: 'tcp', port: 22 }).allowed).toBe(
      false,
    );
  });

  it('matches every selector operator and cidrs peers', () => {
    const ops = policyOf(`
  segments: [{ name: target, selector: all() }]
  rules:
    - { name: eq, from: { selector: "a == 'x'" }, to: target, ports: [tcp/1] }
    - { name: ne, from: { selector: "a != 'x'" }, to: target, ports: [tcp/2] }
    - { name: in, from: { selector: "a in {'x','y'}" }, to: target, ports: [tcp/3] }
    - { name: notin, from: { selector: "a not in {'x'}" }, to: target, ports: [tcp/4] }
    - { name: has, from: { selector: "has(a)" }, to: target, ports: [tcp/5] }
    - { name: nothas, from: { selector: "!has(a)" }, to: target, ports: [tcp/6] }
    - { name: contains, from: { selector: "a contains 'x'" }, to: target, ports: [tcp/7] }
    - { name: starts, from: { selector: "a starts with 'x'" }, to: target, ports: [tcp/8] }
    - { name: ends, from: { selector: "a ends with 'z'" }, to: target, ports: [tcp/9] }
    - { name: bool, from: { selector: "(a == 'x' || b == 'y') && !has(c)" }, to: target, ports: [tcp/10] }
    - { name: cidr, from: { cidrs: [192.168.0.0/16] }, to: target, ports: [tcp/11] }
`);
    const target = wl({}, '10.0.0.1');
    const rulesFor = (labels: Record<string, string>, address = '10.0.0.2') =>
      Array.from({ length: 11 }, (_, i) => i + 1).filter(
        (port) => allows(ops, { src: wl(labels, address), dst: target, protocol: 'tcp', port }).allowed,
      );
    expect(rulesFor({ a: 'x' })).toEqual([1, 3, 5, 7, 8, 10]);
    expect(rulesFor({ a: 'xyz' })).toEqual([2, 4, 5, 7, 8, 9]);
    expect(rulesFor({})).toEqual([2, 4, 6]);
    expect(rulesFor({ b: 'y', c: '1' })).toEqual([2, 4, 6]);
    expect(rulesFor({ b: 'y' }, '192.168.4.4')).toEqual([2, 4, 6, 10, 11]);
  });
});
