/**
 * Monitor-mode classes get an inert identity (issue 9): on AWS an empty security group beside the
 * ENI's own groups, on GCP a network tag no rule targets; same-network peers reference it instead
 * of listing its members' addresses. Applied end to end, the clouds still agree with the oracle.
 */
import { describe, expect, it } from 'vitest';
import { readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { compileAws } from '../../../core/compile/aws.ts';
import { compileGcp } from '../../../core/compile/gcp.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { verify } from '../../../core/verify/index.ts';
import { estateOf } from '../../helpers/arbitraries.ts';

const policy = parsePolicy(
  `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: t }
spec:
  exclusive: true
  defaults: { egress: deny, unlabeled: ignore }
  segments:
    - { name: web, selector: "tier == 'web'", mode: monitor }
    - { name: app, selector: "tier == 'app'" }
  rules:
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080] }
`,
  'monitor.yaml',
);

// Networks 0 (aws vpc-a) and 4 (gcp net-a) of test/helpers/arbitraries.ts: web and app side by side.
const estate = estateOf([
  { network: 0, labels: { tier: 'web' } },
  { network: 0, labels: { tier: 'web' } },
  { network: 0, labels: { tier: 'app' } },
  { network: 4, labels: { tier: 'web' } },
  { network: 4, labels: { tier: 'app' } },
]);

describe('fit: monitor-mode classes have an inert identity', () => {
  it('GIVEN monitored web and enforced app in one VPC WHEN compiled THEN app admits web by its identity group, which has no rules and joins web ENIs beside their own groups', async () => {
    const sandbox = Sandbox.fromEstate(estate);
    const world = await readWorld(sandbox.clouds());
    const { desired } = compileAws(computeReach(policy, world.inventory.workloads), { deploymentId: 'm' });
    const web = desired.groups.find((g) => g.className === 'monitored')!;
    const app = desired.groups.find((g) => g.className === 'app')!;
    expect(web).toMatchObject({ ingress: [], egress: [] });
    // By group in the VPC; the GCP web member (another cloud) stays an exact address.
    expect(app.ingress).toContainEqual({
      protocol: 'tcp',
      fromPort: 8080,
      toPort: 8080,
      peer: { kind: 'group', name: web.name },
    });
    expect(app.ingress.filter((u) => u.peer.kind === 'cidr').map((u) => ('cidr' in u.peer ? u.peer.cidr : ''))).toEqual(
      [expect.stringMatching(/^10\.30\./)],
    );
    expect(desired.prefixLists).toEqual([]);
    expect(desired.memberships.filter((m) => m.monitored).map((m) => m.groups)).toEqual([[web.name], [web.name]]);
  });

  it('GIVEN the same on GCP WHEN compiled THEN app admits web by its tag, and no rule targets the web tag', async () => {
    const sandbox = Sandbox.fromEstate(estate);
    const world = await readWorld(sandbox.clouds());
    const { desired } = compileGcp(computeReach(policy, world.inventory.workloads), { deploymentId: 'm' });
    const webTag = desired.memberships.find((m) => m.monitored)!.tags[0]!;
    const fws = desired.firewalls.map((f) => f.firewall);
    expect(fws.some((f) => f.sourceTags?.includes(webTag))).toBe(true);
    expect(fws.some((f) => f.targetTags?.includes(webTag))).toBe(false);
  });

  it('GIVEN exclusive: true WHEN applied THEN monitored ENIs keep their own groups, and verify finds no disagreement', async () => {
    const sandbox = Sandbox.fromEstate(estate);
    const clouds = sandbox.clouds();
    const before = (await readWorld(clouds)).state.aws.NetworkInterfaces.map((e) => e.Groups.map((g) => g.GroupId));
    await reconcile(policy, clouds, { deploymentId: 'm' });
    const world = await readWorld(clouds);
    const result = verify(policy, world.inventory, world.state);
    expect(result.disagreements).toEqual([]);
    expect(result.checked).toBeGreaterThan(0);
    const webEnis = world.state.aws.NetworkInterfaces.filter((e) =>
      e.Groups.some((g) => g.GroupName.includes('-monitored-')),
    );
    expect(webEnis).toHaveLength(2);
    for (const eni of webEnis) {
      const own = before.find((gs) => gs.every((g) => eni.Groups.some((x) => x.GroupId === g)));
      expect(own).toBeDefined();
      expect(eni.Groups).toHaveLength(own!.length + 1);
    }
  });

  it('GIVEN an enforced GCP class that may send to a monitored class of its network WHEN applied THEN its egress lists the monitored members (found by the pipeline property)', async () => {
    const p = parsePolicy(
      `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: generated }
spec:
  exclusive: true
  defaults: { egress: deny, unlabeled: ignore }
  externals: []
  segments:
    - { name: seg0, selector: "tier == 'web'", mode: monitor }
    - { name: seg1, selector: "tier == 'app'", mode: enforce }
  rules:
    - { name: r0, action: allow, from: { selector: "app == 'crm' || tier == 'db'" }, to: seg0, ports: [udp/500-510] }
`,
      'generated.yaml',
    );
    const sandbox = Sandbox.fromEstate(
      estateOf([
        { network: 4, labels: { app: 'crm', tier: 'app' } },
        { network: 4, labels: { tier: 'web' } },
        { network: 0, labels: {} },
      ]),
    );
    const clouds = sandbox.clouds();
    await reconcile(p, clouds, { deploymentId: 'prop' });
    const world = await readWorld(clouds);
    expect(verify(p, world.inventory, world.state).disagreements).toEqual([]);
  });
});
