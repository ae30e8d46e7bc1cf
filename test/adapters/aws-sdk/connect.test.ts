/**
 * connectAws against moto over HTTP, through a recording proxy in front of moto (so the test sees
 * every request the SDK clients send): one EC2 client per (account, Region); STS AssumeRole into
 * each account's role with RoleSessionName `segsync-<deploymentId>` and the ExternalId; an account
 * without a role must be the caller's own account; SEGSYNC_AWS_ENDPOINT receives every call.
 *
 * moto does not check ExternalId, trust policies or whether the role exists (CLOUD-FACTS §7: any
 * role ARN puts the caller in that account), so "cannot assume" is not reproducible here; the
 * request itself is asserted instead.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectAws } from '../../../adapters/aws/connect.ts';
import { readAws } from '../../../adapters/aws/read.ts';
import type { AwsTargets } from '../../../core/config/types.ts';
import { startMoto, type Moto } from '../../helpers/moto.ts';
import { startProxy, type Proxy } from './proxy.ts';
import { ec2In, launch, MOTO_ACCOUNT, motoEnv, seedVpc, SEGSYNC_ROLE } from './moto-estate.ts';

let moto: Moto;
let proxy: Proxy;
let proxyUrl: string;
/** Form bodies of every request that went through the proxy. */
let seen: URLSearchParams[];

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startProxy(moto.endpoint);
  proxyUrl = proxy.url;
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  proxy.seen.length = 0;
  seen = proxy.seen;
});

const targets = (accounts: AwsTargets['accounts']): AwsTargets => ({ accounts, connectivity: [] });

describe('connectAws against moto', () => {
  it('GIVEN two role accounts and the caller’s own account over two Regions WHEN connected THEN there is one API per (account, Region), each reading only its own account, and STS got the session name and external id', async () => {
    const seedB = await ec2In(moto.endpoint, '222222222222', 'eu-west-1');
    const vpcB = await seedVpc(seedB, '10.11.0.0/16', '10.11.1.0/24');
    const inB = await launch(seedB, vpcB, '10.11.1.10', { tier: 'web' });
    seen.length = 0;
    const apis = await connectAws(
      targets([
        { id: '111111111111', role: SEGSYNC_ROLE, regions: ['eu-west-1', 'us-east-1'] },
        {
          id: '222222222222',
          role: `arn:aws:iam::222222222222:role/${SEGSYNC_ROLE}`,
          externalId: 'ext-42',
          regions: ['eu-west-1'],
        },
        { id: MOTO_ACCOUNT, regions: ['eu-west-1'] },
      ]),
      { deploymentId: 'prod', env: motoEnv(proxyUrl) },
    );
    expect(apis.map((a) => `${a.scope.account}/${a.scope.region}`)).toEqual([
      '111111111111/eu-west-1',
      '111111111111/us-east-1',
      '222222222222/eu-west-1',
      `${MOTO_ACCOUNT}/eu-west-1`,
    ]);
    const assumes = seen.filter((p) => p.get('Action') === 'AssumeRole');
    expect(assumes.map((p) => p.get('RoleArn')).sort()).toEqual([
      `arn:aws:iam::111111111111:role/${SEGSYNC_ROLE}`,
      `arn:aws:iam::222222222222:role/${SEGSYNC_ROLE}`,
    ]);
    expect(assumes.every((p) => p.get('RoleSessionName') === 'segsync-prod')).toBe(true);
    expect(assumes.find((p) => p.get('RoleArn')!.includes('222222222222'))!.get('ExternalId')).toBe('ext-42');
    expect(assumes.find((p) => p.get('RoleArn')!.includes('111111111111'))!.has('ExternalId')).toBe(false);
    expect(seen.filter((p) => p.get('Action') === 'GetCallerIdentity')).toHaveLength(1);

    const reads = await Promise.all(apis.map((a) => readAws(a)));
    expect(reads[2]!.workloads.map((w) => w.nativeId)).toEqual([inB.instanceId]);
    expect(reads[0]!.workloads).toEqual([]);
    expect(reads[3]!.workloads).toEqual([]);
    // Every EC2 call went to SEGSYNC_AWS_ENDPOINT too.
    expect(seen.filter((p) => p.get('Action') === 'DescribeInstances').length).toBeGreaterThanOrEqual(4);
  });

  it('GIVEN an account without a role that is not the caller’s WHEN connected THEN a clear error says whose credentials they are and what to add', async () => {
    const err = await connectAws(targets([{ id: '111111111111', regions: ['eu-west-1'] }]), {
      deploymentId: 'prod',
      env: motoEnv(moto.endpoint),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('aws account 111111111111 has no role');
    expect((err as Error).message).toContain(`for account ${MOTO_ACCOUNT}`);
    expect((err as Error).message).toContain('role:');
    expect((err as Error).message).not.toMatch(/AKIA|secret/i);
  });

  it('GIVEN a role ARN in another account WHEN connected THEN the mismatch is refused before any EC2 call', async () => {
    seen.length = 0;
    const err = await connectAws(
      targets([{ id: '222222222222', role: `arn:aws:iam::333333333333:role/${SEGSYNC_ROLE}`, regions: ['eu-west-1'] }]),
      { deploymentId: 'prod', env: motoEnv(proxyUrl) },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toContain('belongs to account 333333333333, not 222222222222');
    expect(seen.filter((p) => p.get('Action') !== 'AssumeRole')).toEqual([]);
  });

  it('GIVEN a VPC filter WHEN connected THEN reads see only those VPCs', async () => {
    const seed = await ec2In(moto.endpoint, '111111111111', 'eu-west-1');
    const a = await seedVpc(seed, '10.10.0.0/16', '10.10.1.0/24');
    const b = await seedVpc(seed, '10.12.0.0/16', '10.12.1.0/24');
    const inA = await launch(seed, a, '10.10.1.10', { tier: 'web' });
    await launch(seed, b, '10.12.1.10', { tier: 'web' });
    const [api] = await connectAws(
      targets([{ id: '111111111111', role: SEGSYNC_ROLE, regions: ['eu-west-1'], vpcs: [a.vpcId] }]),
      { deploymentId: 'prod', env: motoEnv(moto.endpoint) },
    );
    const { workloads, state } = await readAws(api!);
    expect(workloads.map((w) => w.nativeId)).toEqual([inA.instanceId]);
    expect(new Set(state.SecurityGroups.map((g) => g.VpcId))).toEqual(new Set([a.vpcId]));
  });

  it('GIVEN a malformed SEGSYNC_AWS_ENDPOINT or no targets WHEN connected THEN a clear error, or no APIs', async () => {
    await expect(
      connectAws(targets([{ id: MOTO_ACCOUNT, regions: ['eu-west-1'] }]), {
        deploymentId: 'prod',
        env: { SEGSYNC_AWS_ENDPOINT: 'localhost:5000' },
      }),
    ).rejects.toThrow(/SEGSYNC_AWS_ENDPOINT="localhost:5000" must be an http/);
    await expect(connectAws(undefined, { deploymentId: 'prod', env: {} })).resolves.toEqual([]);
  });
});
