/**
 * The snapshot store of the CLI: one JSON file per location under a folder, at the same relative
 * path as the S3 key. The conditional write is a compare-and-swap on the file's content hash,
 * made atomic between processes by an exclusive lock file (open with O_EXCL), and the file itself
 * is replaced by rename so a reader only ever sees a whole snapshot.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Cloud } from '../../core/model/cloud.ts';
import {
  parseSnapshot,
  snapshotKey,
  SnapshotConflictError,
  type LocationSnapshot,
  type SnapshotStore,
  type StoredSnapshot,
} from './snapshot.ts';

/** A lock older than this was left by a killed process: break it. */
const STALE_LOCK_MS = 30_000;

export class FileSnapshotStore implements SnapshotStore {
  constructor(readonly root: string) {}

  get where(): string {
    return this.root;
  }

  async get<C extends Cloud>(deploymentId: string, cloud: C, location: string): Promise<StoredSnapshot<C> | undefined> {
    const key = snapshotKey(deploymentId, cloud, location);
    const text = readIfExists(join(this.root, key));
    if (text === undefined) return undefined;
    return { snapshot: parseSnapshot(text, key, cloud), etag: hash(text) };
  }

  async etag(deploymentId: string, cloud: Cloud, location: string): Promise<string | undefined> {
    const text = readIfExists(join(this.root, snapshotKey(deploymentId, cloud, location)));
    return text === undefined ? undefined : hash(text);
  }

  async put(snapshot: LocationSnapshot, etag: string | undefined): Promise<string> {
    const key = snapshotKey(snapshot.deploymentId, snapshot.cloud, snapshot.location);
    const path = join(this.root, key);
    mkdirSync(dirname(path), { recursive: true });
    const text = `${JSON.stringify(snapshot)}\n`;
    return withLock(`${path}.lock`, () => {
      const current = readIfExists(path);
      if (current === undefined ? etag !== undefined : etag !== hash(current)) throw new SnapshotConflictError(key);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, path);
      return hash(text);
    });
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function hash(text: string): string {
  return `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
}

function withLock<T>(lock: string, fn: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 200) throw e;
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
