/**
 * The HTTPS ingress end to end on the sandbox. Azure: the validation handshake is answered; a
 * request without the right shared secret gets 401 and changes nothing; with it, a VM tag write,
 * a VM write and a NIC write segment the VM. GCP: a push whose OIDC token is signed by a locally
 * generated RSA key (served from a local certificate endpoint, as Google serves its own) segments
 * the instance; a bad signature, an expired token, another audience or another signer get 401.
 *
 * Difference from the real services: the certificate endpoint serves a public key PEM where
 * Google serves X.509 certificates (google-auth-library verifies with either).
 */
import '../helpers/quiet-env.ts';
import { createServer, type Server } from 'node:http';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OAuth2Client } from 'google-auth-library';
import { handler } from '../../functions/ingress.ts';
import { useIngressAuth } from '../../functions/shared/ingress-auth.ts';
import { useRuntime } from '../../functions/shared/runtime.ts';
import {
  appliedWorld,
  AZURE_DB1,
  disagreements,
  fixture,
  GCP_DB2,
  httpRequest,
  pushBody,
  retarget,
  segmentsOf,
  type World,
} from '../helpers/events.ts';
import { quietHandlers } from '../helpers/events.ts';

await quietHandlers();
const SECRET = 'correct horse battery staple';
const AUDIENCE = 'https://segsync.example/gcp';
const PUSHER = 'pubsub-push@proj-shop.iam.gserviceaccount.com';
const config = { deploymentId: 'main', drift: { mode: 'apply' as const, schedule: 'rate(15 minutes)' } };

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
let certs: Server;
let oauth: OAuth2Client;
let world: World;

beforeAll(async () => {
  certs = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=60' });
    res.end(JSON.stringify({ k1: keys.publicKey.export({ type: 'spki', format: 'pem' }) }));
  });
  await new Promise<void>((r) => certs.listen(0, '127.0.0.1', r));
  const port = (certs.address() as { port: number }).port;
  oauth = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: `http://127.0.0.1:${port}/certs` } });
});
afterAll(() => new Promise<void>((r) => certs.close(() => r())));
beforeEach(async () => {
  world = await appliedWorld();
  useRuntime({ config, deps: world.deps });
  useIngressAuth({ azureSecret: SECRET, gcp: { audience: AUDIENCE, serviceAccount: PUSHER }, oauth });
});
afterEach(() => {
  useRuntime(undefined);
  useIngressAuth(undefined);
});

function jwt(claims: Record<string, unknown>, key = keys.privateKey, kid = 'k1'): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64({
    iss: 'https://accounts.google.com',
    aud: AUDIENCE,
    email: PUSHER,
    email_verified: true,
    sub: '1234567890',
    iat: now,
    exp: now + 3600,
    ...claims,
  })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}

const azureBody = (name: string) => JSON.stringify(retarget(fixture(`azure/${name}`), AZURE_DB1));
const gcpBody = () => pushBody(retarget(fixture('gcp/audit-set-labels'), GCP_DB2));

describe('POST /azure (Event Grid)', () => {
  it('GIVEN the subscription validation event with the secret THEN 200 with the validation code', async () => {
    const res = await handler(
      httpRequest('/azure', JSON.stringify(fixture('azure/subscription-validation')), {
        'aeg-event-type': 'SubscriptionValidation',
        'x-segsync-secret': SECRET,
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
  });

  it.each([
    ['no secret', {}, undefined],
    ['a wrong secret', { 'x-segsync-secret': 'guess' }, undefined],
    ['a wrong secret in the query', {}, { secret: `${SECRET}x` }],
  ])('GIVEN %s THEN 401 and nothing happens', async (_what, headers, query) => {
    world.sandbox.azure.tagVm('sub-shop', 'vm-prod-db1', { tier: 'app' });
    const before = world.sandbox.snapshot();
    const res = await handler(httpRequest('/azure', azureBody('vm-tags-write'), headers, query));
    expect(res.statusCode).toBe(401);
    expect(world.sandbox.snapshot()).toEqual(before);
    const validation = await handler(
      httpRequest('/azure', JSON.stringify(fixture('azure/subscription-validation')), headers, query),
    );
    expect(validation.statusCode).toBe(401);
  });

  it.each(['vm-tags-write', 'vm-write-success', 'nic-write-success'])(
    'GIVEN vm-prod-db1 re-tagged tier=app and %s with the secret THEN it joins prod-app and verify agrees',
    async (sample) => {
      world.sandbox.azure.tagVm('sub-shop', 'vm-prod-db1', { tier: 'app' });
      const res = await handler(httpRequest('/azure', azureBody(sample), {}, { secret: SECRET }));
      expect(res.statusCode).toBe(200);
      expect((await segmentsOf(world, 'vm-prod-db1')).some((a) => a.includes('prod-app'))).toBe(true);
      expect(await disagreements(world)).toBe(0);
    },
  );

  it('GIVEN a malformed event beside a good one THEN the good one is applied; GIVEN a body that is not an array THEN 400', async () => {
    world.sandbox.azure.tagVm('sub-shop', 'vm-prod-db1', { tier: 'app' });
    const mixed = [
      ...retarget<unknown[]>(fixture('azure/invalid-no-resource-uri'), AZURE_DB1),
      ...JSON.parse(azureBody('vm-tags-write')),
    ];
    const res = await handler(httpRequest('/azure', JSON.stringify(mixed), { 'x-segsync-secret': SECRET }));
    expect(res.statusCode).toBe(200);
    expect((await segmentsOf(world, 'vm-prod-db1')).some((a) => a.includes('prod-app'))).toBe(true);
    const bare = await handler(
      httpRequest('/azure', azureBody('invalid-not-an-array'), { 'x-segsync-secret': SECRET }),
    );
    expect(bare.statusCode).toBe(400);
  });
});

describe('POST /gcp (Pub/Sub push)', () => {
  it('GIVEN gce-prod-db2 re-labelled tier=app and a push with a valid token THEN it joins prod-app and verify agrees', async () => {
    world.sandbox.gcp.setLabels('proj-shop', 'europe-west1-b', 'gce-prod-db2', { tier: 'app' });
    const res = await handler(httpRequest('/gcp', gcpBody(), { authorization: `Bearer ${jwt({})}` }));
    expect(res.statusCode).toBe(200);
    expect((await segmentsOf(world, 'gce-prod-db2')).some((t) => t.includes('prod-app'))).toBe(true);
    expect(await disagreements(world)).toBe(0);
  });

  it.each([
    ['no token', undefined],
    ['a token signed by another key', () => jwt({}, otherKeys.privateKey)],
    ['an expired token', () => jwt({ iat: 1_600_000_000, exp: 1_600_003_600 })],
    ['another audience', () => jwt({ aud: 'https://elsewhere.example' })],
    ['another signer', () => jwt({ email: 'mallory@evil.iam.gserviceaccount.com' })],
    ['an unverified email', () => jwt({ email_verified: false })],
  ])('GIVEN %s THEN 401 and nothing happens', async (_what, token) => {
    world.sandbox.gcp.setLabels('proj-shop', 'europe-west1-b', 'gce-prod-db2', { tier: 'app' });
    const before = world.sandbox.snapshot();
    const res = await handler(httpRequest('/gcp', gcpBody(), token ? { authorization: `Bearer ${token()}` } : {}));
    expect(res.statusCode).toBe(401);
    expect(world.sandbox.snapshot()).toEqual(before);
  });

  it('GIVEN a valid token and a malformed entry THEN acknowledged (200), nothing happens', async () => {
    const before = world.sandbox.snapshot();
    const res = await handler(
      httpRequest('/gcp', pushBody(fixture('gcp/invalid-no-resource-name')), { authorization: `Bearer ${jwt({})}` }),
    );
    expect(res.statusCode).toBe(200);
    expect(world.sandbox.snapshot()).toEqual(before);
  });
});
