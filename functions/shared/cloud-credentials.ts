/**
 * Azure and GCP credentials for the deployed functions where workload identity federation is not
 * used (DESIGN.md §5, CLOUD-FACTS §5): one Secrets Manager secret per cloud, named by
 * SEGSYNC_AZURE_CREDENTIALS_SECRET_ARN / SEGSYNC_GCP_CREDENTIALS_SECRET_ARN (the CDK app sets them
 * from its context keys and grants GetSecretValue on exactly those). Without them each cloud's own
 * chain applies (DefaultAzureCredential, application default credentials). A secret's value is
 * never logged or put in a message; a malformed one says which fields it needs.
 *
 *   Azure: {"tenantId": "…", "clientId": "…", "clientSecret": "…"}   (a service principal's secret)
 *   GCP:   the service account key JSON as downloaded ("type": "service_account", …)
 */
import type { TokenCredential } from '@azure/core-auth';
import type { AuthClient } from 'google-auth-library';
import { z } from 'zod';
import { RuntimeConfigError } from './runtime.ts';
import { secretsClient, secretString, type Secrets } from './secrets.ts';

const AzureSecret = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
const GcpSecret = z.looseObject({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
});

const COMPUTE_SCOPE = 'https://www.googleapis.com/auth/compute';

export interface CloudCredentials {
  azure?: TokenCredential;
  gcp?: AuthClient;
}

export async function cloudCredentials(
  env: NodeJS.ProcessEnv,
  secrets: Secrets = secretsClient(env),
): Promise<CloudCredentials> {
  const azureArn = env.SEGSYNC_AZURE_CREDENTIALS_SECRET_ARN;
  const gcpArn = env.SEGSYNC_GCP_CREDENTIALS_SECRET_ARN;
  const out: CloudCredentials = {};
  if (azureArn) {
    const s = parse(
      azureArn,
      await secretString(secrets, azureArn, 'the credentials secret'),
      AzureSecret,
      'tenantId, clientId, clientSecret',
    );
    const { ClientSecretCredential } = await import('@azure/identity');
    out.azure = new ClientSecretCredential(s.tenantId, s.clientId, s.clientSecret);
  }
  if (gcpArn) {
    const key = parse(
      gcpArn,
      await secretString(secrets, gcpArn, 'the credentials secret'),
      GcpSecret,
      'a service account key JSON',
    );
    const { GoogleAuth } = await import('google-auth-library');
    out.gcp = (await new GoogleAuth({ credentials: key, scopes: [COMPUTE_SCOPE] }).getClient()) as AuthClient;
  }
  return out;
}

function parse<T>(arn: string, text: string, schema: z.ZodType<T>, expected: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RuntimeConfigError(`the credentials secret ${arn} is not JSON: it must hold ${expected}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new RuntimeConfigError(
      `the credentials secret ${arn} lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}: it must hold ${expected}`,
    );
  return parsed.data;
}
