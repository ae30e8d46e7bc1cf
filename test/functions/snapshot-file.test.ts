/**
 * The CLI's snapshot store: the same conditional-write semantics as S3 (create only if absent,
 * replace only the version read), and what the use case does with a snapshot it cannot use: a
 * damaged one is replaced by a full read of that location, written over it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSnapshotStore } from '../../adapters/events/snapshot-file.ts';
import {
  snapshotKey,
  SnapshotConflictError,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type LocationSnapshot,
} from '../../adapters/events/snapshot.ts';
import { handleHints } from '../../adapters/events/handle.ts';
import { appliedWorld } from '../helpers/events.ts';

const snapshot = (updatedAt: string): LocationSnapshot => ({
  format: SNAPSHOT_FORMAT,
  version: SNAPSHOT_VERSION,
  deploymentId: 'main',
  cloud: 'aws',
  location: '111111111111/eu-west-1',
  fullReadAt: '2026-12-01T00:00:00.000Z',
  updatedAt,
  workloads: [],
  state: { SecurityGroups: [], NetworkInterfaces: [], PrefixLists: [] },
});

describe('FileSnapshotStore', () => {
  it('GIVEN two writers that read the same version THEN the second gets a conflict; a second create is a conflict', async () => {
    const store = new FileSnapshotStore(mkdtempSync(join(tmpdir(), 'segsync-fs-')));
    const first = await store.put(snapshot('1'), undefined);
    await expect(store.put(snapshot('x'), undefined)).rejects.toBeInstanceOf(SnapshotConflictError);
    expect(await store.etag('main', 'aws', '111111111111/eu-west-1')).toBe(first);
    const second = await store.put(snapshot('2'), first);
    await expect(store.put(snapshot('3'), first)).rejects.toBeInstanceOf(SnapshotConflictError);
    expect(await store.get('main', 'aws', '111111111111/eu-west-1')).toMatchObject({
      etag: second,
      snapshot: { updatedAt: '2' },
    });
  });

  it('GIVEN a damaged snapshot WHEN an event comes THEN that location is read in full and the snapshot rewritten', async () => {
    const root = mkdtempSync(join(tmpdir(), 'segsync-fs-'));
    const world = await appliedWorld({ store: new FileSnapshotStore(root) });
    writeFileSync(join(root, snapshotKey('main', 'aws', '111111111111/eu-west-1')), '{"format": "something else"');
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'app' });
    const r = await handleHints(
      [
        {
          eventId: 'e',
          workload: { cloud: 'aws', account: '111111111111', region: 'eu-west-1', instance: 'i-prod-web2' },
        },
      ],
      world.deps,
    );
    expect(r.fullReads).toEqual(['aws:111111111111/eu-west-1']);
    expect(r.outcome).toBe('applied');
    expect((await world.store.get('main', 'aws', '111111111111/eu-west-1'))!.snapshot.workloads.length).toBeGreaterThan(
      0,
    );
  });
});
