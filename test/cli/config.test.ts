/**
 * `segsync plan|apply|verify --config segsync.yaml` against the real SDKs of all three clouds, the
 * same commands a user runs against their accounts: AWS through moto seeded with the shop estate
 * (two accounts reached by STS AssumeRole, two Regions), Azure through the local ARM server (https,
 * a token from its managed-identity endpoint), GCP through the local Compute server — both serving
 * the Azure and GCP parts of examples/hybrid-estate.yaml.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '../helpers/moto.ts';
import { DEV, seedShop, type ShopEstate } from '../adapters/aws-sdk/shop-estate.ts';
import { ec2In } from '../adapters/aws-sdk/moto-estate.ts';
import { CreateTagsCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { ESTATE, runCli, STACK_FRAME } from '../helpers/cli.ts';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { LocalArmServer } from '../azure-arm/server.ts';
import { startTokenEndpoint } from '../azure-arm/token-endpoint.ts';
import { LocalCompute, TEST_TOKEN } from '../gcp-compute/server.ts';

const ENV = [
  'SEGSYNC_AWS_ENDPOINT',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'SEGSYNC_AZURE_ENDPOINT',
  'NODE_EXTRA_CA_CERTS',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'SEGSYNC_GCP_ENDPOINT',
  'SEGSYNC_GCP_ACCESS_TOKEN',
] as const;
let moto: Moto;
let shop: ShopEstate;
let arm: LocalArmServer;
let token: { url: string; close(): void };
let compute: LocalCompute;
let dir: string;
const saved: Partial<Record<(typeof ENV)[number], string>> = {};

function config(name: string, accounts: string, others = ''): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `apiVersion: segsync/v1
kind: Deployment
metadata: { name: shop }
spec:
  policy: ${resolve('examples/three-tier.yaml')}
  aws:
    accounts:
${accounts}
${others}`,
  );
  return file;
}

beforeAll(async () => {
  moto = await startMoto();
  shop = await seedShop(moto.endpoint);
  const estate = loadEstate(ESTATE);
  arm = await LocalArmServer.start({ estate });
  token = await startTokenEndpoint();
  compute = await LocalCompute.start(estate);
  dir = mkdtempSync(join(tmpdir(), 'segsync-config-'));
  for (const k of ENV) saved[k] = process.env[k];
  Object.assign(process.env, {
    SEGSYNC_AWS_ENDPOINT: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'eu-west-1',
    SEGSYNC_AZURE_ENDPOINT: arm.endpoint,
    NODE_EXTRA_CA_CERTS: arm.certificate.certFile,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: token.url,
    SEGSYNC_GCP_ENDPOINT: compute.url,
    SEGSYNC_GCP_ACCESS_TOKEN: TEST_TOKEN,
  });
}, 120_000);

afterAll(async () => {
  for (const k of ENV)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  token?.close();
  await Promise.all([moto?.stop(), arm?.stop(), compute?.close()]);
});

describe('segsync --config against the three clouds through their SDKs', () => {
  it('GIVEN a seeded estate WHEN plan, apply, verify, plan THEN changes, converged, 0 disagreements, no changes', async () => {
    const file = config(
      'segsync.yaml',
      `      - { id: "111111111111", role: segsync, regions: [eu-west-1, us-east-1] }
      - { id: "222222222222", role: "arn:aws:iam::222222222222:role/segsync", externalId: shop-dev, regions: [eu-west-1] }`,
      `  azure: { subscriptions: [{ id: sub-shop }] }
  gcp: { projects: [{ id: proj-shop }] }
`,
    );
    const before = await runCli('plan', '--config', file);
    expect(before.code).toBe(2);
    expect(before.out).toMatch(/security group segsync-shop-/);
    expect(before.out).toMatch(/NSG segsync-shop-/i);
    expect(before.out).toMatch(/insert-firewall +\+ .*ss-shop-/);
    const applied = await runCli('apply', '--config', file, '--quiet');
    expect(applied.err).toBe('');
    expect(applied.code).toBe(0);
    const verified = await runCli('verify', '--config', file);
    expect(verified.out).toContain(' 0 disagreements');
    expect(verified.code).toBe(0);
    const after = await runCli('plan', '--config', file);
    expect(after.out).toContain('No changes');
    expect(after.code).toBe(0);
  }, 120_000);

  it('GIVEN the converged estate WHEN an instance is re-tagged in EC2 and its Tag Change event is handled THEN it is segmented: one AWS membership write, verify agrees', async () => {
    const file = join(dir, 'segsync.yaml');
    const { instanceId, enis } = shop.instances['dev-app2']!;
    const ec2 = await ec2In(moto.endpoint, DEV, 'eu-west-1');
    await ec2.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'tier', Value: 'web' }] }));
    // The documented sample (test/fixtures/events/aws), naming this instance.
    const sample = JSON.parse(readFileSync('test/fixtures/events/aws/tag-change.json', 'utf8')) as Record<
      string,
      unknown
    >;
    const event = join(dir, 'tag-change.json');
    writeFileSync(
      event,
      JSON.stringify({
        ...sample,
        account: DEV,
        region: 'eu-west-1',
        resources: [`arn:aws:ec2:eu-west-1:${DEV}:instance/${instanceId}`],
        detail: {
          ...(sample.detail as object),
          'changed-tag-keys': ['tier'],
          tags: { app: 'shop', tier: 'web', env: 'dev' },
        },
      }),
    );
    const groupsOf = async () =>
      (
        await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [enis[0]!] }))
      ).NetworkInterfaces![0]!.Groups!.map((g) => g.GroupName);
    expect(await groupsOf()).toEqual([expect.stringMatching(/^segsync-shop-dev-app-/)]);
    const handled = await runCli(
      'handle-event',
      '--cloud',
      'aws',
      event,
      '--config',
      file,
      '--snapshots',
      join(dir, 'snapshots'),
    );
    expect(handled.err).toBe('');
    // One ENI membership write in AWS; GCP's egress rule that lists dev-app's addresses drops this one.
    expect(handled.out).toMatch(/1 workload re-read .*1 membership change.*\(aws 1, azure 0, gcp 2\)/);
    expect(handled.code).toBe(0);
    expect(await groupsOf()).toEqual([expect.stringMatching(/^segsync-shop-dev-web-/)]);
    const verified = await runCli('verify', '--config', file);
    expect(verified.out).toContain(' 0 disagreements');
    expect((await runCli('plan', '--config', file)).code).toBe(0);
  }, 120_000);

  it("GIVEN an account without a role whose credentials are another account's WHEN planned THEN exit 1 naming both accounts, no stack trace", async () => {
    const file = config('own.yaml', `      - { id: "111111111111", regions: [eu-west-1] }`);
    const r = await runCli('plan', '--config', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /error: cannot connect to the configured clouds: aws account 111111111111 .* account 123456789012/,
    );
    expect(r.err).not.toMatch(STACK_FRAME);
  }, 60_000);
});
