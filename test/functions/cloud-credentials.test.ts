/**
 * The deployed functions' Azure and GCP credentials from Secrets Manager (moto serves Secrets
 * Manager): the secret named by the environment becomes the SDK's credential object, and a
 * missing or malformed secret is one clear error that never repeats the secret's value.
 * Known limit: no token is fetched here: Entra ID and Google's token endpoint are not reachable
 * offline (Google's token URL is fixed in gtoken), so the tests stop at the credential objects.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ClientSecretCredential } from '@azure/identity';
import { JWT } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudCredentials } from '../../functions/shared/cloud-credentials.ts';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../helpers/moto.ts';

let moto: Moto;
let secrets: SecretsManagerClient;

async function secret(name: string, value: string): Promise<string> {
  return (await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;
}

beforeAll(async () => {
  moto = await startMoto();
  secrets = new SecretsManagerClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
}, 60_000);
afterAll(() => moto?.stop());
beforeEach(() => moto.reset());

describe('cloud credentials from Secrets Manager', () => {
  it('GIVEN no secret named WHEN loaded THEN each cloud keeps its default chain', async () => {
    expect(await cloudCredentials({}, secrets)).toEqual({});
  });

  it('GIVEN a service principal secret WHEN loaded THEN Azure gets a client-secret credential', async () => {
    const arn = await secret('azure', JSON.stringify({ tenantId: 't-1', clientId: 'c-1', clientSecret: 's3cr3t' }));
    const creds = await cloudCredentials({ SEGSYNC_AZURE_CREDENTIALS_SECRET_ARN: arn }, secrets);
    expect(creds.azure).toBeInstanceOf(ClientSecretCredential);
    expect(creds.gcp).toBeUndefined();
  });

  it('GIVEN a service account key WHEN loaded THEN GCP gets a JWT client for that account and the Compute scope', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = {
      type: 'service_account',
      project_id: 'proj-shop',
      client_email: 'segsync@proj-shop.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const arn = await secret('gcp', JSON.stringify(key));
    const { gcp } = await cloudCredentials({ SEGSYNC_GCP_CREDENTIALS_SECRET_ARN: arn }, secrets);
    expect(gcp).toBeInstanceOf(JWT);
    expect((gcp as JWT).email).toBe(key.client_email);
    expect((gcp as JWT).scopes).toEqual(['https://www.googleapis.com/auth/compute']);
  });

  it.each([
    ['not JSON', 'tenantId=t;clientSecret=hunter2', /is not JSON: it must hold tenantId, clientId, clientSecret/],
    ['fields missing', JSON.stringify({ tenantId: 't', clientSecret: 'hunter2' }), /lacks clientId: it must hold/],
  ])(
    'GIVEN an Azure secret that is %s WHEN loaded THEN one error names the secret and the fields, not the value',
    async (_, value, message) => {
      const arn = await secret('bad', value);
      const load = cloudCredentials({ SEGSYNC_AZURE_CREDENTIALS_SECRET_ARN: arn }, secrets);
      await expect(load).rejects.toThrow(message);
      await expect(load).rejects.not.toThrow(/hunter2/);
    },
  );

  it('GIVEN a secret that does not exist WHEN loaded THEN the error names it', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:nope-AbCdEf';
    await expect(cloudCredentials({ SEGSYNC_GCP_CREDENTIALS_SECRET_ARN: arn }, secrets)).rejects.toThrow(
      `cannot read the credentials secret ${arn}`,
    );
  });
});
