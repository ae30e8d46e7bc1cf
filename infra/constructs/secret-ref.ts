/**
 * A Secrets Manager secret named in the configuration or on the command line, by name or ARN.
 * Nothing secret is in the template: the functions read the value at run time, by this reference.
 */
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** A complete secret ARN ends with the 6-character suffix Secrets Manager adds to the name. */
const COMPLETE_ARN = /^arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;

export function secretRef(scope: Construct, id: string, nameOrArn: string): ISecret {
  if (COMPLETE_ARN.test(nameOrArn)) return Secret.fromSecretCompleteArn(scope, id, nameOrArn);
  if (nameOrArn.startsWith('arn:')) return Secret.fromSecretPartialArn(scope, id, nameOrArn);
  return Secret.fromSecretNameV2(scope, id, nameOrArn);
}
