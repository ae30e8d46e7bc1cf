/**
 * The ingress's credentials, read once per container: the Event Grid shared secret from Secrets
 * Manager (SEGSYNC_AZURE_SECRET_ARN; absent: Azure pushes are refused) and the Pub/Sub push token
 * expectations (SEGSYNC_GCP_AUDIENCE, SEGSYNC_GCP_PUSH_SERVICE_ACCOUNT; absent: GCP pushes are
 * refused). Tests inject theirs with `useIngressAuth`.
 */
import { OAuth2Client } from 'google-auth-library';
import type { PushTokenExpectation } from './http.ts';
import { secretsClient, secretString } from './secrets.ts';

export interface IngressAuth {
  azureSecret?: string;
  gcp?: PushTokenExpectation;
  /** Verifies Google-signed tokens (fetches and caches Google's certificates). */
  oauth: OAuth2Client;
}

let current: Promise<IngressAuth> | undefined;

export function ingressAuth(): Promise<IngressAuth> {
  current ??= loadIngressAuth(process.env).catch((e: unknown) => {
    current = undefined;
    throw e;
  });
  return current;
}

export function useIngressAuth(auth: IngressAuth | undefined): void {
  current = auth ? Promise.resolve(auth) : undefined;
}

async function loadIngressAuth(env: NodeJS.ProcessEnv): Promise<IngressAuth> {
  const arn = env.SEGSYNC_AZURE_SECRET_ARN;
  const azureSecret = arn ? await secretString(secretsClient(env), arn, 'the Event Grid secret') : undefined;
  const audience = env.SEGSYNC_GCP_AUDIENCE;
  const serviceAccount = env.SEGSYNC_GCP_PUSH_SERVICE_ACCOUNT;
  return {
    ...(azureSecret ? { azureSecret } : {}),
    ...(audience && serviceAccount ? { gcp: { audience, serviceAccount } } : {}),
    oauth: new OAuth2Client(),
  };
}
