/**
 * A moto server (the EC2, STS and S3 emulator, DESIGN.md §6.3) for one test file: started on a free
 * port in beforeAll, reset between tests, stopped in afterAll. One server per file, so files that
 * run in parallel never reset each other's state. If moto cannot start, the test file fails with
 * the install hint: it never skips.
 *
 * @example
 * const moto = await startMoto();
 * afterAll(() => moto.stop());
 * beforeEach(() => moto.reset());
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const MOTO_INSTALL_HINT = 'moto is needed for these tests: pip install "moto[server]" (moto 5)';

export interface Moto {
  /** Base URL, e.g. http://127.0.0.1:41234: pass as SEGSYNC_AWS_ENDPOINT or an SDK client's endpoint. */
  endpoint: string;
  /** POST /moto-api/reset: forgets every account's resources. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials moto accepts (it does not check signatures); account 123456789012 unless a role is assumed. */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret' } as const;

export async function startMoto(options: { python?: string; timeoutMs?: number } = {}): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(options.python ?? 'python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    // A missing interpreter emits 'error' and never 'exit': fail at once, not at the timeout.
    child.once('error', (e) => {
      stderr += `${e.message}\n`;
      resolve(null);
    });
  });
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const code = await Promise.race([exited, sleep(100).then(() => 'running' as const)]);
    if (code !== 'running') throw new Error(`${MOTO_INSTALL_HINT}\nmoto exited with ${code}: ${stderr.trim()}`);
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${MOTO_INSTALL_HINT}\nmoto did not answer on ${endpoint} within the timeout: ${stderr.trim()}`);
    }
  }
  return {
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop: () => stopChild(child, exited),
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/data.json`);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null) return;
  // moto keeps nothing worth flushing, and werkzeug takes seconds to honour SIGTERM.
  child.kill('SIGKILL');
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
