/**
 * The snapshot store (DESIGN §4): one object per location, `snapshots/<deploymentId>/<cloud>/<location>.json`,
 * written with conditional writes by the handlers. Versioned so a bad write can be rolled back;
 * old versions expire, since the drift run rebuilds any snapshot from the clouds anyway.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** How long a replaced snapshot version is kept. */
export const NONCURRENT_VERSION_DAYS = 30;

export class SnapshotBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-old-snapshot-versions',
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }
}

/** The key prefix of one deployment's snapshots (the contract's key layout). */
export const snapshotPrefix = (deploymentId: string): string => `snapshots/${deploymentId}/`;
