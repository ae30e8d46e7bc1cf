/**
 * The sandbox's EC2 (adapters/sandbox) held to moto: the same shop estate (shop-estate.ts: same
 * VPC, instance and foreign-group ids, same addresses) reconciled with the same policy on both,
 * then what DescribeSecurityGroups, DescribeNetworkInterfaces and DescribeManagedPrefixLists +
 * GetManagedPrefixListEntries return is compared after normalising the ids each side generates
 * (groups by VPC/name, ENIs by instance#device, prefix lists by name).
 *
 * Every difference found, and which side is right (real EC2):
 * KNOWN_DIFFERENCES below lists them; the test fails on any other, so a drift of either side
 * shows up here.
 * - the VPC default group: the sandbox has EC2's inbound "all traffic from this group" rule;
 *   moto creates it with no inbound rule (CLOUD-FACTS §7). EC2 = sandbox. segsync detaches the
 *   default group from every managed ENI (exclusive), so the verdicts do not change.
 * Everything else (segsync's groups and their rules, descriptions, owners and tags; ENI group sets,
 * owners and addresses; prefix-list entries, sizes, versions and tags; the workloads read) is
 * identical. Compared at the Ec2Api level (api.ts: the fields segsync reads); fields the adapter
 * drops are not compared (moto adds e.g. IsPrimaryIpv6 on ENI IPv6 addresses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAws } from '../../../adapters/aws/connect.ts';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import { reconcile, type Clouds } from '../../../adapters/reconcile.ts';
import { SandboxAws } from '../../../adapters/sandbox/aws.ts';
import type { Estate } from '../../../adapters/sandbox/estate-types.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import type { AwsIpPermission, AwsState } from '../../../core/model/native/aws.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { loadPolicy } from '../../../core/policy/load.ts';
import { startMoto, type Moto } from '../../helpers/moto.ts';
import { ec2In, motoEnv, retag } from './moto-estate.ts';
import { DEV, PROD, seedShop, SHOP_TARGETS, type ShopEstate } from './shop-estate.ts';

const policy = loadPolicy('examples/three-tier.yaml');
const ctx: CompileContext = { deploymentId: 'shop', limits: { aws: { inlineCidrsMax: 0 } } };

/** Every difference between the two after the same reconcile (see the header for who is right). */
const KNOWN_DIFFERENCES = (v: ShopEstate['vpcs']) =>
  [v.dev, v.prod, v.prodUs]
    .sort()
    .map((vpc) => `group ${vpc}/default ingress: sandbox=[-1 all sg:${vpc}/default] moto=[]`);

let moto: Moto;
let estate: ShopEstate;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto?.stop());

/** The shop as a sandbox estate with moto's ids and addresses. */
function sandboxEstate(e: ShopEstate, workloads: Workload[]): Estate {
  const byId = new Map(workloads.map((w) => [w.nativeId, w]));
  const vpcOf: Record<string, { account: string; region: string; vpc: string }> = {
    prod: { account: PROD, region: 'eu-west-1', vpc: e.vpcs.prod },
    prodUs: { account: PROD, region: 'us-east-1', vpc: e.vpcs.prodUs },
    dev: { account: DEV, region: 'eu-west-1', vpc: e.vpcs.dev },
  };
  const where = (name: string) => (name === 'prod-db1' ? 'prodUs' : name.startsWith('dev') ? 'dev' : 'prod');
  const TAGS: Record<string, Record<string, string>> = {
    'prod-web1': { App: 'shop', Tier: 'web', Env: 'prod', Name: 'prod-web-1' },
    'prod-web2': { app: 'shop', tier: 'web', env: 'prod' },
    'prod-app1': { App: 'Shop', Tier: 'App', Env: 'Prod' },
    bastion: { Name: 'bastion', Owner: 'ops' },
    'prod-db1': { app: 'shop', tier: 'db', env: 'prod' },
    'dev-web1': { App: 'shop', Tier: 'web', Env: 'dev' },
    'dev-app1': { app: 'shop', tier: 'app', env: 'dev' },
    'dev-app2': { app: 'shop', tier: 'app', env: 'dev' },
  };
  return {
    aws: Object.entries(e.instances).map(([name, i]) => {
      const w = byId.get(i.instanceId)!;
      const v6 = w.addresses.find((a) => a.includes(':'));
      return {
        id: i.instanceId,
        ...vpcOf[where(name)]!,
        ip: w.addresses[0]!,
        ...(v6 ? { ipv6: v6 } : {}),
        tags: TAGS[name]!,
        ...(name === 'bastion' ? { securityGroups: [e.legacySsh] } : {}),
      };
    }),
    azure: [],
    gcp: [],
    awsSecurityGroups: [
      {
        id: e.legacySsh,
        ...vpcOf.prod!,
        name: 'legacy-ssh',
        ingress: [{ protocol: 'tcp', ports: '22', cidr: '192.0.2.0/24' }],
      },
    ],
    gcpFirewalls: [],
  };
}

/** One side's state with generated ids replaced by names; every value a comparable string. */
function normalise(state: AwsState): Map<string, string> {
  const groupKey = new Map(state.SecurityGroups.map((g) => [g.GroupId, `${g.VpcId}/${g.GroupName}`]));
  const listKey = new Map(state.PrefixLists.map((p) => [p.PrefixListId, p.PrefixListName]));
  const units = (perms: AwsIpPermission[]) =>
    perms
      .flatMap((p) => {
        const head = `${p.IpProtocol} ${p.FromPort ?? 'all'}${p.ToPort !== p.FromPort ? `-${p.ToPort}` : ''}`;
        return [
          ...p.IpRanges.map((r) => `${head} ${r.CidrIp}`),
          ...p.Ipv6Ranges.map((r) => `${head} ${r.CidrIpv6}`),
          ...p.PrefixListIds.map((r) => `${head} pl:${listKey.get(r.PrefixListId) ?? r.PrefixListId}`),
          ...p.UserIdGroupPairs.map((r) => `${head} sg:${groupKey.get(r.GroupId) ?? r.GroupId}`),
        ];
      })
      .sort();
  const out = new Map<string, string>();
  const put = (k: string, v: unknown) => out.set(k, JSON.stringify(v));
  for (const g of state.SecurityGroups) {
    const k = `group ${groupKey.get(g.GroupId)}`;
    put(`${k} description`, g.Description);
    put(`${k} owner`, g.OwnerId);
    put(
      `${k} tags`,
      [...g.Tags].sort((a, b) => a.Key.localeCompare(b.Key)),
    );
    put(`${k} ingress`, units(g.IpPermissions));
    put(`${k} egress`, units(g.IpPermissionsEgress));
  }
  for (const e of state.NetworkInterfaces) {
    const k = `eni ${e.Attachment ? `${e.Attachment.InstanceId}#${e.Attachment.DeviceIndex}` : 'detached'}`;
    put(`${k} vpc`, e.VpcId);
    put(`${k} owner`, e.OwnerId);
    put(`${k} groups`, e.Groups.map((g) => groupKey.get(g.GroupId) ?? g.GroupId).sort());
    put(`${k} ipv4`, [
      e.PrivateIpAddress,
      ...e.PrivateIpAddresses.map((a) => `${a.PrivateIpAddress}${a.Primary ? '*' : ''}`),
    ]);
    put(
      `${k} ipv6`,
      e.Ipv6Addresses.map((a) => a.Ipv6Address),
    );
    put(`${k} tags`, e.TagSet);
  }
  for (const p of state.PrefixLists) {
    const k = `prefix-list ${p.PrefixListName}`;
    put(`${k} family/max/version`, `${p.AddressFamily}/${p.MaxEntries}/${p.Version}`);
    put(`${k} owner`, p.OwnerId);
    put(
      `${k} tags`,
      [...p.Tags].sort((a, b) => a.Key.localeCompare(b.Key)),
    );
    put(`${k} entries`, p.Entries.map((e) => e.Cidr).sort());
  }
  return out;
}

function differences(sandbox: Map<string, string>, motoSide: Map<string, string>): string[] {
  const keys = [...new Set([...sandbox.keys(), ...motoSide.keys()])].sort();
  const short = (s: string | undefined) => (s === undefined ? 'absent' : s.replace(/"/g, '').replace(/,/g, ', '));
  return keys
    .filter((k) => sandbox.get(k) !== motoSide.get(k))
    .map((k) => `${k}: sandbox=${short(sandbox.get(k))} moto=${short(motoSide.get(k))}`);
}

describe('the sandbox EC2 and moto agree', () => {
  it('GIVEN the same shop estate on both WHEN reconciled with the same policy, and again after the same re-tag, THEN groups, ENIs and prefix lists read back the same, except the listed known differences', async () => {
    await moto.reset();
    estate = await seedShop(moto.endpoint);
    // The VPC filter keeps moto's default VPCs (which the sandbox does not have) out of the comparison.
    const targets = {
      ...SHOP_TARGETS,
      accounts: SHOP_TARGETS.accounts.map((a) => ({
        ...a,
        vpcs: a.id === PROD ? [estate.vpcs.prod, estate.vpcs.prodUs] : [estate.vpcs.dev],
      })),
    };
    const apis = await connectAws(targets, { deploymentId: ctx.deploymentId, env: motoEnv(moto.endpoint) });
    const motoClouds: Clouds = { aws: awsAdapter(apis), azure: azureAdapter([]), gcp: gcpAdapter([]) };
    const seeded = await motoClouds.aws.read();

    const sandbox = SandboxAws.fromEstate(sandboxEstate(estate, seeded.workloads));
    const sandboxClouds: Clouds = {
      aws: awsAdapter(sandbox.scopes().map((s) => sandbox.api(s))),
      azure: azureAdapter([]),
      gcp: gcpAdapter([]),
    };
    // Same inventory on both sides (ENI ids aside: each side makes its own).
    const noEniIds = (ws: Workload[]) =>
      ws.map((w) => ({ ...w, attachments: w.attachments.map((a) => ({ ...a, id: '' })) }));
    expect(noEniIds((await sandboxClouds.aws.read()).workloads)).toEqual(noEniIds(seeded.workloads));

    const [onMoto, onSandbox] = [await reconcile(policy, motoClouds, ctx), await reconcile(policy, sandboxClouds, ctx)];
    expect(onMoto.applied).toBe(onSandbox.applied);
    const diff = differences(
      normalise((await sandboxClouds.aws.read()).state),
      normalise((await motoClouds.aws.read()).state),
    );
    console.log(`sandbox vs moto, ${diff.length} difference(s):\n  ${diff.join('\n  ')}`);
    expect(diff).toEqual(KNOWN_DIFFERENCES(estate.vpcs));

    // The same re-tag on both (dev-app2 → web), reconciled again: still only the known differences.
    const moved = estate.instances['dev-app2']!.instanceId;
    await retag(await ec2In(moto.endpoint, DEV, 'eu-west-1'), moved, { tier: 'web' });
    sandbox.tagInstance({ account: DEV, region: 'eu-west-1' }, moved, { tier: 'web' });
    const [again, againSandbox] = [
      await reconcile(policy, motoClouds, ctx),
      await reconcile(policy, sandboxClouds, ctx),
    ];
    expect(again.applied).toBe(againSandbox.applied);
    expect(
      differences(normalise((await sandboxClouds.aws.read()).state), normalise((await motoClouds.aws.read()).state)),
    ).toEqual(KNOWN_DIFFERENCES(estate.vpcs));
  });
});
