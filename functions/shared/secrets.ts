/**
 * Reading one Secrets Manager secret, for every function that needs one (the Event Grid shared
 * secret, the Azure / GCP credentials). SEGSYNC_AWS_ENDPOINT sends the call to an emulator, like
 * every other AWS call. The value is never put in a message.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RuntimeConfigError } from './runtime.ts';

export type Secrets = Pick<SecretsManagerClient, 'send'>;

export function secretsClient(env: NodeJS.ProcessEnv): SecretsManagerClient {
  const endpoint = env.SEGSYNC_AWS_ENDPOINT;
  return new SecretsManagerClient(endpoint ? { endpoint } : {});
}

/** The secret's SecretString; `what` names it in the error ("the credentials secret"). */
export async function secretString(secrets: Secrets, arn: string, what: string): Promise<string> {
  try {
    const value = (await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
    if (!value) throw new Error('it has no SecretString');
    return value;
  } catch (e) {
    throw new RuntimeConfigError(`cannot read ${what} ${arn}: ${(e as Error).message}`);
  }
}
