/**
 * The snapshot store of the deployment: one S3 object per location, written with S3 conditional
 * writes: `If-Match: <etag read>` to replace, `If-None-Match: *` to create. S3 answers 412
 * PreconditionFailed when someone wrote first (and 409 ConditionalRequestConflict when two
 * conditional writes race), both a SnapshotConflictError here. moto 5 honours both headers
 * (CLOUD-FACTS.md §7).
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Cloud } from '../../core/model/cloud.ts';
import {
  parseSnapshot,
  snapshotKey,
  SnapshotConflictError,
  type LocationSnapshot,
  type SnapshotStore,
  type StoredSnapshot,
} from './snapshot.ts';

/** S3's answers to a conditional write that lost (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). */
const CONDITION_LOST = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);
const CONDITION_LOST_STATUS = new Set([409, 412]);

export class S3SnapshotStore implements SnapshotStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  get where(): string {
    return `s3://${this.bucket}`;
  }

  async get<C extends Cloud>(deploymentId: string, cloud: C, location: string): Promise<StoredSnapshot<C> | undefined> {
    const key = snapshotKey(deploymentId, cloud, location);
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const text = await out.Body!.transformToString();
      return { snapshot: parseSnapshot(text, key, cloud), etag: out.ETag! };
    } catch (e) {
      if (errorName(e) === 'NoSuchKey' || statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async etag(deploymentId: string, cloud: Cloud, location: string): Promise<string | undefined> {
    const key = snapshotKey(deploymentId, cloud, location);
    try {
      return (await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).ETag;
    } catch (e) {
      if (errorName(e) === 'NotFound' || errorName(e) === 'NoSuchKey' || statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async put(snapshot: LocationSnapshot, etag: string | undefined): Promise<string> {
    const key = snapshotKey(snapshot.deploymentId, snapshot.cloud, snapshot.location);
    try {
      const out = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: JSON.stringify(snapshot),
          ContentType: 'application/json',
          ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: etag }),
        }),
      );
      return out.ETag!;
    } catch (e) {
      if (CONDITION_LOST.has(errorName(e)) || CONDITION_LOST_STATUS.has(statusOf(e) ?? 0))
        throw new SnapshotConflictError(key);
      throw e;
    }
  }
}

function errorName(e: unknown): string {
  return (e as { name?: string }).name ?? '';
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
