/**
 * The ARN of the role segsync assumes in an AWS account: the configuration may give a role name
 * (or path/name) in that account, and every consumer (STS AssumeRole, the IAM statement that allows
 * it, the member-account role stack) needs the one ARN. Pure.
 */

/** A role name becomes the ARN in `account`, partition from the Region; an ARN stays as written. */
export function awsRoleArn(role: string, account: string, region: string): string {
  if (role.startsWith('arn:')) return role;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${account}:role/${role.replace(/^\/+/, '')}`;
}
