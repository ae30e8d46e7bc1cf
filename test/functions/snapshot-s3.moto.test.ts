/**
 * The deployment's snapshot store against moto's S3 (real @aws-sdk/client-s3 over HTTP): create
 * only if absent (If-None-Match: *), replace only the version read (If-Match), and the event use
 * case on top of it, two handlers racing on one estate.
 *
 * moto 5 honours both conditions with 412 PreconditionFailed, as S3 does (CLOUD-FACTS.md §7). Not
 * checked against moto: S3's 409 ConditionalRequestConflict for two conditional writes in flight
 * at once (the store treats it as the same conflict).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3SnapshotStore } from '../../adapters/events/snapshot-s3.ts';
import {
  SnapshotConflictError,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type LocationSnapshot,
} from '../../adapters/events/snapshot.ts';
import { handleHints } from '../../adapters/events/handle.ts';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../helpers/moto.ts';
import { appliedWorld, disagreements, segmentsOf } from '../helpers/events.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const BUCKET = 'segsync-snapshots-test';
let moto: Moto;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'eu-west-1',
    credentials: MOTO_CREDENTIALS,
    forcePathStyle: true,
  });
}, 30_000);
afterAll(() => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  await s3.send(
    new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
  );
});

const snapshot = (n: number): LocationSnapshot => ({
  format: SNAPSHOT_FORMAT,
  version: SNAPSHOT_VERSION,
  deploymentId: 'main',
  cloud: 'gcp',
  location: 'proj-shop',
  fullReadAt: '2026-12-01T00:00:00.000Z',
  updatedAt: `2026-12-01T00:00:0${n}.000Z`,
  workloads: [],
  state: { firewalls: [], instances: [] },
});

describe('S3SnapshotStore on moto', () => {
  it('GIVEN no object WHEN created twice THEN the second create is a conflict', async () => {
    const store = new S3SnapshotStore(s3, BUCKET);
    expect(await store.get('main', 'gcp', 'proj-shop')).toBeUndefined();
    expect(await store.etag('main', 'gcp', 'proj-shop')).toBeUndefined();
    const etag = await store.put(snapshot(1), undefined);
    await expect(store.put(snapshot(2), undefined)).rejects.toBeInstanceOf(SnapshotConflictError);
    expect(await store.etag('main', 'gcp', 'proj-shop')).toBe(etag);
    expect((await store.get('main', 'gcp', 'proj-shop'))!.snapshot.updatedAt).toBe(snapshot(1).updatedAt);
  });

  it('GIVEN two writers that read the same version THEN the first wins, the second gets a conflict and nothing is lost', async () => {
    const store = new S3SnapshotStore(s3, BUCKET);
    await store.put(snapshot(1), undefined);
    const read = (await store.get('main', 'gcp', 'proj-shop'))!.etag;
    const next = await store.put(snapshot(2), read);
    await expect(store.put(snapshot(3), read)).rejects.toBeInstanceOf(SnapshotConflictError);
    const now = await store.get('main', 'gcp', 'proj-shop');
    expect(now).toMatchObject({ etag: next, snapshot: { updatedAt: snapshot(2).updatedAt } });
  });

  it('GIVEN two handlers at once on an estate whose snapshots live in S3 THEN both re-tags are applied and verify agrees', async () => {
    const world = await appliedWorld({ store: new S3SnapshotStore(s3, BUCKET) });
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'app' });
    world.sandbox.gcp.setLabels('proj-shop', 'europe-west1-b', 'gce-prod-db2', { tier: 'app' });
    const [a, b] = await Promise.all([
      handleHints(
        [
          {
            eventId: 'a',
            workload: { cloud: 'aws', account: '111111111111', region: 'eu-west-1', instance: 'i-prod-web2' },
          },
        ],
        world.deps,
      ),
      handleHints(
        [
          {
            eventId: 'b',
            workload: { cloud: 'gcp', project: 'proj-shop', zone: 'europe-west1-b', instance: 'gce-prod-db2' },
          },
        ],
        world.deps,
      ),
    ]);
    expect(a.attempts + b.attempts).toBeGreaterThanOrEqual(2);
    expect((await segmentsOf(world, 'i-prod-web2')).some((g) => g.includes('prod-app'))).toBe(true);
    expect((await segmentsOf(world, 'gce-prod-db2')).some((t) => t.includes('prod-app'))).toBe(true);
    expect(await disagreements(world)).toBe(0);
  });
});
