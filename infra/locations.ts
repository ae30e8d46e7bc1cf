/**
 * What the CDK app derives from the configuration's targets: the AWS locations (account + Region,
 * the message group of the change queue and the unit of the drift fan-out), the accounts reached
 * through a role, and the Regions segsync calls EC2 in with its own credentials.
 */
import type { AwsAccountTarget, DeploymentConfig } from '../core/config/types.ts';

export interface AwsLocation {
  account: string;
  region: string;
}

/** `<account>/<region>`: the AWS scope id of core/model/ids.ts, also the SQS FIFO message group. */
export const locationId = (l: AwsLocation): string => `${l.account}/${l.region}`;

export function awsLocations(config: DeploymentConfig): AwsLocation[] {
  return (config.aws?.accounts ?? []).flatMap((a) => a.regions.map((region) => ({ account: a.id, region })));
}

/** Accounts segsync reaches by assuming a role (the member-account role stack goes there). */
export function memberAccounts(config: DeploymentConfig): Array<AwsAccountTarget & { role: string }> {
  return (config.aws?.accounts ?? []).filter((a): a is AwsAccountTarget & { role: string } => a.role !== undefined);
}

/** Accounts without a role: the functions' own credentials are for them, so the home stack is deployed there. */
export function homeAccounts(config: DeploymentConfig): AwsAccountTarget[] {
  return (config.aws?.accounts ?? []).filter((a) => a.role === undefined);
}

/** `arn:aws:iam::123:role/path/name` → `name` and `/path/`. */
export function roleNameOf(arn: string): { name: string; path: string } {
  const full = arn.slice(arn.indexOf(':role/') + ':role/'.length);
  const cut = full.lastIndexOf('/');
  return { name: full.slice(cut + 1), path: cut < 0 ? '/' : `/${full.slice(0, cut + 1)}` };
}
