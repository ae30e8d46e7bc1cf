/**
 * `segsync plan|apply|verify --config segsync.yaml` against the real SDKs: here AWS, with
 * SEGSYNC_AWS_ENDPOINT pointing at a moto server seeded with the shop estate (two accounts reached
 * by STS AssumeRole, two Regions). The same commands a user runs against their accounts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '../helpers/moto.ts';
import { seedShop } from '../adapters/aws-sdk/shop-estate.ts';
import { runCli, STACK_FRAME } from '../helpers/cli.ts';

const ENV = ['SEGSYNC_AWS_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;
let moto: Moto;
let dir: string;
const saved: Partial<Record<(typeof ENV)[number], string>> = {};

function config(name: string, accounts: string): string {
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
`,
  );
  return file;
}

beforeAll(async () => {
  moto = await startMoto();
  await seedShop(moto.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'segsync-config-'));
  for (const k of ENV) saved[k] = process.env[k];
  Object.assign(process.env, {
    SEGSYNC_AWS_ENDPOINT: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'eu-west-1',
  });
}, 120_000);

afterAll(async () => {
  for (const k of ENV)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  await moto?.stop();
});

describe('segsync --config against moto', () => {
  it('GIVEN a seeded estate WHEN plan, apply, verify, plan THEN changes, converged, 0 disagreements, no changes', async () => {
    const file = config(
      'segsync.yaml',
      `      - { id: "111111111111", role: segsync, regions: [eu-west-1, us-east-1] }
      - { id: "222222222222", role: "arn:aws:iam::222222222222:role/segsync", externalId: shop-dev, regions: [eu-west-1] }`,
    );
    const before = await runCli('plan', '--config', file);
    expect(before.code).toBe(2);
    expect(before.out).toMatch(/security group segsync-shop-/);
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
