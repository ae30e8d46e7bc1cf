/**
 * From the deployment configuration's `aws:` targets to one Ec2Api per (account, Region)
 * (DESIGN.md §7), each on its own EC2Client.
 *
 * Credentials: the AWS SDK's default provider chain (environment, shared config and SSO,
 * web identity, container and instance roles) supplies the caller; then, per account:
 * - with `role`: STS AssumeRole into it (RoleSessionName `segsync-<deploymentId>`, ExternalId
 *   when given); the temporary credentials are refreshed by the SDK's provider before they expire;
 * - without `role`: STS GetCallerIdentity must say the caller IS that account, else segsync would
 *   read and write some other account's EC2 under that account's name.
 * Both are checked here, before any EC2 call, so a wrong role or account is one clear error.
 * Nothing about credentials is logged, stored or put in a message (only account ids and role ARNs).
 *
 * `SEGSYNC_AWS_ENDPOINT` (a base URL such as http://127.0.0.1:5000, e.g. moto) sends every EC2
 * and STS call there.
 *
 * SDK retries: EC2 clients make one attempt per call (`maxAttempts: 1`): throttling and server
 * errors go back to the apply engine and the Pacer (adapters/engine), which slow the whole
 * location down instead of each call retrying on its own. STS keeps the SDK's retries.
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsAccountTarget, AwsTargets } from '../../core/config/types.ts';
import { awsRoleArn } from '../../core/config/role.ts';
import { ConnectError, endpointFromEnv } from '../endpoint.ts';
import { awsScope } from '../../core/model/ids.ts';
import type { ApiWrapper } from '../engine/clouds.ts';
import type { Ec2Api, Ec2Scope } from './api.ts';
import { sdkEc2Api } from './client.ts';

/** What an SDK client takes as `credentials` (static keys or a provider). */
type Credentials = NonNullable<EC2ClientConfig['credentials']>;
interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Refresh assumed-role credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** AssumeRole's default (and, for chained roles, maximum) session length. */
const SESSION_SECONDS = 3600;

export interface ConnectAwsOptions {
  deploymentId: string;
  /** Where SEGSYNC_AWS_ENDPOINT (and static AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Wraps each location's API (the apply engine's Pacer: `pacer.wrap`), as sandboxClouds does. */
  wrap?: ApiWrapper;
  /** Called with every EC2 client made (tests add middleware that counts calls). */
  instrument?: (client: EC2Client, scope: Ec2Scope) => void;
}

/**
 * @example
 * const apis = await connectAws(config.aws, { deploymentId: config.deploymentId });
 * const clouds = { aws: awsAdapter(apis), azure: azureAdapter([]), gcp: gcpAdapter([]) };
 */
export async function connectAws(targets: AwsTargets | undefined, opts: ConnectAwsOptions): Promise<Ec2Api[]> {
  if (!targets) return [];
  const env = opts.env ?? process.env;
  const endpoint = endpointOf(env);
  const base = baseCredentials(env);
  const perAccount = await Promise.all(
    targets.accounts.map(async (account) => {
      const home = account.regions[0];
      if (home === undefined) throw new ConnectError('aws', `aws account ${account.id}: no regions configured`);
      const sts = new STSClient({
        region: home,
        ...(endpoint ? { endpoint } : {}),
        ...(base ? { credentials: base } : {}),
      });
      const credentials = account.role
        ? await assumedRole(sts, account, home, opts.deploymentId)
        : await callerIs(sts, account, base);
      return account.regions.map((region) => {
        const scope = { account: account.id, region };
        const client = new EC2Client({
          region,
          maxAttempts: 1,
          ...(credentials ? { credentials } : {}),
          ...(endpoint ? { endpoint } : {}),
        });
        opts.instrument?.(client, scope);
        const api = sdkEc2Api(client, scope, account.vpcs ? { vpcs: account.vpcs } : {});
        return opts.wrap ? opts.wrap('aws', awsScope(scope), api) : api;
      });
    }),
  );
  return perAccount.flat();
}

function endpointOf(env: NodeJS.ProcessEnv): string | undefined {
  const url = endpointFromEnv('aws', env, { protocols: ['http:', 'https:'], example: '127.0.0.1:5000' });
  return url && url.href.replace(/\/+$/, '');
}

/** Static keys from `env` when the caller passed its own env; otherwise the SDK's default chain (undefined). */
function baseCredentials(env: NodeJS.ProcessEnv): AwsCredentialIdentity | undefined {
  if (env === process.env) return undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

/** RoleSessionName allows [\w+=,.@-], 2–64 characters. */
function sessionName(deploymentId: string): string {
  return `segsync-${deploymentId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

async function assumedRole(
  sts: STSClient,
  account: AwsAccountTarget,
  region: string,
  deploymentId: string,
): Promise<Credentials> {
  const RoleArn = awsRoleArn(account.role ?? '', account.id, region);
  let cached: AwsCredentialIdentity | undefined;
  const fetch = async (): Promise<AwsCredentialIdentity> => {
    let res;
    try {
      res = await sts.send(
        new AssumeRoleCommand({
          RoleArn,
          RoleSessionName: sessionName(deploymentId),
          DurationSeconds: SESSION_SECONDS,
          ...(account.externalId ? { ExternalId: account.externalId } : {}),
        }),
      );
    } catch (e) {
      throw new ConnectError(
        'aws',
        `aws account ${account.id}: cannot assume role ${RoleArn}${account.externalId ? ' (with the configured externalId)' : ''}: ${reason(e)}. ` +
          `Check that the role exists, trusts the caller's identity${account.externalId ? ' with that external id' : ''}, and that the caller may sts:AssumeRole it.`,
        { cause: e },
      );
    }
    const c = res.Credentials;
    const assumedAccount = /^arn:[^:]+:sts::(\d{12}):/.exec(res.AssumedRoleUser?.Arn ?? '')?.[1];
    if (assumedAccount !== undefined && assumedAccount !== account.id)
      throw new ConnectError(
        'aws',
        `aws account ${account.id}: role ${RoleArn} belongs to account ${assumedAccount}, not ${account.id}; fix the role in segsync.yaml`,
      );
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new ConnectError('aws', `aws account ${account.id}: AssumeRole ${RoleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
  cached = await fetch();
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS) cached = await fetch();
    return cached!;
  };
}

async function callerIs(
  sts: STSClient,
  account: AwsAccountTarget,
  base: AwsCredentialIdentity | undefined,
): Promise<Credentials | undefined> {
  let caller: string | undefined;
  try {
    caller = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (e) {
    throw new ConnectError(
      'aws',
      `aws account ${account.id}: no usable AWS credentials (STS GetCallerIdentity failed: ${reason(e)}). ` +
        'Configure the default credential chain (AWS_PROFILE, environment variables, SSO, or an instance/task role).',
      { cause: e },
    );
  }
  if (caller !== account.id)
    throw new ConnectError(
      'aws',
      `aws account ${account.id} has no role in segsync.yaml, so the caller's own credentials must be for it, ` +
        `but they are for account ${caller ?? 'unknown'}. Add \`role: <role name or ARN>\` to that account, or run with credentials of account ${account.id}.`,
    );
  // undefined: the EC2 clients use the same default chain the STS client just used.
  return base;
}

/** The error's code and message, never request details (they could carry signed headers). */
function reason(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}
