/**
 * What a reconciling handler (aws-events, ingress, drift) may do, as one customer managed policy
 * attached to each of their roles: read and change segsync's EC2 objects in the home account,
 * assume the member roles the configuration names and nothing else, read and write this
 * deployment's snapshots, and read the Azure/GCP credential secrets when federation is not used.
 * drift-locations gets none of it: it only reads the configuration in its bundle.
 */
import { Aws } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../../core/config/types.ts';
import { homeAccounts, memberAccounts } from '../locations.ts';
import { snapshotPrefix } from '../constructs/snapshot-bucket.ts';
import { ec2Statements } from './ec2-statements.ts';

export interface ReconcilePolicyProps {
  config: DeploymentConfig;
  bucket: IBucket;
  roles: IRole[];
  /** Azure/GCP credential secrets (no federation); each is readable by the reconciling roles. */
  credentialSecrets: ISecret[];
}

export class ReconcilePolicy extends Construct {
  readonly policy: ManagedPolicy;
  /** The Regions and VPCs the home-account EC2 statements cover; absent when no target is reached without a role. */
  readonly ec2Scope?: { regions: string[]; vpcs?: string[] };

  constructor(scope: Construct, id: string, props: ReconcilePolicyProps) {
    super(scope, id);
    const { config } = props;
    const statements: PolicyStatement[] = [];
    const home = homeAccounts(config);
    if (home.length > 0) {
      const regions = [...new Set(home.flatMap((a) => a.regions))].sort();
      const vpcs = home.every((a) => a.vpcs) ? [...new Set(home.flatMap((a) => a.vpcs ?? []))].sort() : undefined;
      this.ec2Scope = { regions, ...(vpcs ? { vpcs } : {}) };
      statements.push(
        ...ec2Statements({
          deploymentId: config.deploymentId,
          account: Aws.ACCOUNT_ID,
          regions,
          ...(vpcs ? { vpcs } : {}),
        }),
      );
    }
    const roles = memberAccounts(config).map((a) => a.role);
    if (roles.length > 0)
      statements.push(
        new PolicyStatement({ sid: 'AssumeConfiguredMemberRoles', actions: ['sts:AssumeRole'], resources: roles }),
      );
    const prefix = snapshotPrefix(config.deploymentId);
    statements.push(
      new PolicyStatement({
        sid: 'ReadWriteOwnSnapshots',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [props.bucket.arnForObjects(`${prefix}*`)],
      }),
      // Without ListBucket a missing snapshot is 403, not 404, and the handler could not tell
      // "no snapshot yet" (full read) from "denied". No s3:prefix condition: a GetObject carries
      // no prefix, so the condition would fail and bring the 403 back. The bucket holds only snapshots.
      new PolicyStatement({
        sid: 'ListSnapshotsSoMissingIs404',
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
      }),
    );
    if (props.credentialSecrets.length > 0)
      statements.push(
        new PolicyStatement({
          sid: 'ReadCloudCredentialSecrets',
          actions: ['secretsmanager:GetSecretValue'],
          resources: props.credentialSecrets.map((s) => s.secretFullArn ?? `${s.secretArn}-??????`),
        }),
      );
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `segsync ${config.deploymentId}: what the reconciling handlers may do`,
      statements,
      roles: props.roles,
    });
  }
}
