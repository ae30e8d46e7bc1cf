/**
 * Reads over the real SDK (adapters/aws/client.ts + read.ts) against moto over HTTP: instance
 * states, several ENIs, IPv6, groups from the ENIs, pagination, the VPC filter, scoped reads by
 * instance id and object id/name, prefix lists with more than one page of entries.
 *
 * moto differences met here, beyond CLOUD-FACTS §7 (also in docs/aws.md):
 * - a terminated instance keeps its VpcId and its NetworkInterfaces in DescribeInstances (EC2
 *   drops both); read.ts skips terminated instances either way;
 * - CreateSubnet answers Ipv6CidrBlockState.State as the string "{'State': 'associated'}";
 * - an unknown filter name on DescribeSecurityGroups is an HTTP 500 HTML page (EC2:
 *   InvalidParameterValue), surfaced as NonXmlResponse;
 * - ENIs created by CreateNetworkInterface without Groups get the VPC default group (as EC2 does).
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Api } from '../../../adapters/aws/api.ts';
import { sdkEc2Api } from '../../../adapters/aws/client.ts';
import { readAws } from '../../../adapters/aws/read.ts';
import { CloudApiError } from '../../../adapters/errors.ts';
import { startMoto, type Moto } from '../../helpers/moto.ts';
import { CallCounter, ec2In, foreignGroup, launch, MOTO_ACCOUNT, seedVpc, stop, terminate } from './moto-estate.ts';

const region = 'eu-west-1';
const scope = { account: MOTO_ACCOUNT, region };
let moto: Moto;
let ec2: EC2Client;
let counter: CallCounter;
/** Every Describe request's input, to prove none is unfiltered and unpaginated. */
let describes: { op: string; input: Record<string, unknown> }[];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  ec2 = await ec2In(moto.endpoint, MOTO_ACCOUNT, region);
  counter = new CallCounter();
  describes = [];
});

/** The adapter's API on its own client (counted, inputs recorded), small pages. */
function api(o: { vpcs?: string[]; pageSize?: number } = {}): Ec2Api {
  const client = new EC2Client({
    region,
    endpoint: moto.endpoint,
    credentials: ec2.config.credentials,
    maxAttempts: 1,
  });
  counter.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = (context.commandName ?? '').replace(/Command$/, '');
      if (/^Describe(Instances|NetworkInterfaces|SecurityGroups)$/.test(op))
        describes.push({ op, input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize' },
  );
  return sdkEc2Api(client, scope, { pageSize: o.pageSize ?? 5, ...(o.vpcs ? { vpcs: o.vpcs } : {}) });
}

describe('AWS reads over the SDK against moto', () => {
  it('GIVEN running, stopped and terminated instances WHEN read THEN running and stopped are workloads and terminated is gone', async () => {
    const vpc = await seedVpc(ec2, '10.10.0.0/16', '10.10.1.0/24');
    const run = await launch(ec2, vpc, '10.10.1.10', { tier: 'web' });
    const stopped = await launch(ec2, vpc, '10.10.1.11', { tier: 'web' });
    const gone = await launch(ec2, vpc, '10.10.1.12', { tier: 'web' });
    await stop(ec2, stopped.instanceId);
    await terminate(ec2, gone.instanceId);
    const { workloads } = await readAws(api());
    expect(workloads.map((w) => w.nativeId).sort()).toEqual([run.instanceId, stopped.instanceId].sort());
    expect(workloads.every((w) => w.id === `aws:${MOTO_ACCOUNT}:${region}:${w.nativeId}`)).toBe(true);
  });

  it('GIVEN an instance with two ENIs and IPv6 WHEN read THEN both ENIs are attachments in device order, addresses primary first then IPv6, groups from the ENIs', async () => {
    const vpc = await seedVpc(ec2, '10.10.0.0/16', '10.10.1.0/24', { ipv6: true });
    const sg = await foreignGroup(ec2, vpc.vpcId, 'legacy', 22, '192.0.2.0/24');
    const i = await launch(
      ec2,
      vpc,
      '10.10.1.10',
      { Tier: 'Web' },
      { ipv6: true, extraIps: ['10.10.1.20'], groups: [sg] },
    );
    const { workloads, state } = await readAws(api());
    const w = workloads.find((x) => x.nativeId === i.instanceId)!;
    expect(w.labels).toEqual({ tier: 'web' });
    expect(w.attachments.map((a) => a.id)).toEqual(i.enis);
    expect(w.addresses[0]).toBe('10.10.1.10');
    expect(w.addresses[1]).toBe('10.10.1.20');
    expect(w.addresses[2]).toMatch(/:/);
    expect(w.network).toBe(`aws:${MOTO_ACCOUNT}:${region}:${vpc.vpcId}`);
    for (const eni of i.enis)
      expect(state.NetworkInterfaces.find((e) => e.NetworkInterfaceId === eni)!.Groups.map((g) => g.GroupId)).toEqual([
        sg,
      ]);
    expect(state.SecurityGroups.find((g) => g.GroupId === sg)!.IpPermissions[0]!.IpRanges).toEqual([
      { CidrIp: '192.0.2.0/24' },
    ]);
  });

  it('GIVEN more instances than one page WHEN read THEN every page is followed and no Describe is unfiltered and unpaginated', async () => {
    const vpc = await seedVpc(ec2, '10.10.0.0/16', '10.10.1.0/24');
    for (let n = 0; n < 7; n++) await launch(ec2, vpc, `10.10.1.${10 + n}`, { tier: 'app' });
    const { workloads } = await readAws(api({ pageSize: 5 }));
    expect(workloads).toHaveLength(7);
    expect(counter.calls.get('DescribeInstances')).toBe(2);
    expect(describes.length).toBeGreaterThanOrEqual(4);
    for (const d of describes) {
      const paged = typeof d.input.MaxResults === 'number';
      const byIds = ['InstanceIds', 'NetworkInterfaceIds', 'GroupIds'].some((k) => Array.isArray(d.input[k]));
      expect(paged || byIds, `${d.op} ${JSON.stringify(d.input)}`).toBe(true);
    }
  });

  it('GIVEN two VPCs WHEN read with a VPC filter THEN only that VPC’s instances, ENIs and groups are read', async () => {
    const a = await seedVpc(ec2, '10.10.0.0/16', '10.10.1.0/24');
    const b = await seedVpc(ec2, '10.20.0.0/16', '10.20.1.0/24');
    const ia = await launch(ec2, a, '10.10.1.10', { tier: 'web' });
    await launch(ec2, b, '10.20.1.10', { tier: 'web' });
    const { workloads, state } = await readAws(api({ vpcs: [a.vpcId] }));
    expect(workloads.map((w) => w.nativeId)).toEqual([ia.instanceId]);
    expect(new Set(state.NetworkInterfaces.map((e) => e.VpcId))).toEqual(new Set([a.vpcId]));
    expect(new Set(state.SecurityGroups.map((g) => g.VpcId))).toEqual(new Set([a.vpcId]));
  });

  it('GIVEN an estate WHEN read scoped by instance id and by object id or name THEN only those are read, and a gone id is simply absent', async () => {
    const vpc = await seedVpc(ec2, '10.10.0.0/16', '10.10.1.0/24');
    const one = await launch(ec2, vpc, '10.10.1.10', { tier: 'web' }, { extraIps: ['10.10.1.20'] });
    await launch(ec2, vpc, '10.10.1.11', { tier: 'web' });
    const sg = await foreignGroup(ec2, vpc.vpcId, 'legacy', 22, '192.0.2.0/24');
    const sdk = api();
    const pl = await sdk.createManagedPrefixList({
      PrefixListName: 'office',
      AddressFamily: 'IPv4',
      MaxEntries: 4,
      Entries: [{ Cidr: '192.168.10.0/24' }],
      Tags: [],
    });
    const byInstance = await readAws(sdk, { workloads: [one.instanceId, 'i-0123456789abcdef0'] });
    expect(byInstance.workloads.map((w) => w.nativeId)).toEqual([one.instanceId]);
    expect(byInstance.state.NetworkInterfaces.map((e) => e.NetworkInterfaceId).sort()).toEqual([...one.enis].sort());
    expect(byInstance.state.SecurityGroups).toEqual([]);
    const byObject = await readAws(sdk, { objects: [sg, 'office', 'sg-0123456789abcdef0'] });
    expect(byObject.workloads).toEqual([]);
    expect(byObject.state.SecurityGroups.map((g) => g.GroupId)).toEqual([sg]);
    expect(byObject.state.PrefixLists.map((p) => p.PrefixListId)).toEqual([pl.PrefixListId]);
    const byName = await readAws(sdk, { objects: ['legacy', pl.PrefixListId] });
    expect(byName.state.SecurityGroups.map((g) => g.GroupId)).toEqual([sg]);
    expect(byName.state.PrefixLists[0]!.Entries).toEqual([{ Cidr: '192.168.10.0/24' }]);
  });

  it('GIVEN a prefix list of 150 entries and AWS-managed lists WHEN read THEN all entries are read over several pages and only customer-managed lists appear', async () => {
    const sdk = api();
    const Entries = Array.from({ length: 150 }, (_, n) => ({ Cidr: `10.60.${Math.floor(n / 250)}.${n}/32` }));
    const created = await sdk.createManagedPrefixList({
      PrefixListName: 'big',
      AddressFamily: 'IPv4',
      MaxEntries: 200,
      Entries,
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    // Created with the first 100, the rest added by one modify (≤ 100 entries per call, CLOUD-FACTS §1.4).
    expect(created.Version).toBe(2);
    expect(counter.calls.get('CreateManagedPrefixList')).toBe(1);
    expect(counter.calls.get('ModifyManagedPrefixList')).toBe(1);
    const { state } = await readAws(sdk);
    expect(state.PrefixLists.map((p) => p.PrefixListName)).toEqual(['big']);
    expect(new Set(state.PrefixLists[0]!.Entries.map((e) => e.Cidr))).toEqual(new Set(Entries.map((e) => e.Cidr)));
    expect(state.PrefixLists[0]!.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  it('GIVEN a filter moto does not implement WHEN described THEN the HTML 500 page is a clear error naming the operation and endpoint, not "XML parse error"', async () => {
    const err = await api()
      .describeSecurityGroups({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudApiError);
    const e = err as CloudApiError;
    expect(e.code).toBe('NonXmlResponse');
    expect(e.status).toBe(500);
    expect(e.message).toContain('DescribeSecurityGroups');
    expect(e.message).toContain(moto.endpoint);
    expect(e.message).not.toMatch(/XML parse error/);
  });
});
