/**
 * Crash safety, for real: `segsync apply --state` is killed with SIGKILL in the middle of its
 * steps (a separate process, no cleanup of any kind), then run again. The state file is written
 * atomically after every step, so the second run resumes from a consistent sandbox, converges,
 * and verify finds 0 disagreements. Throttling is injected so the first run is slow enough to be
 * killed mid-way.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const ESTATE = 'examples/hybrid-estate.yaml';
const THREE_TIER = 'examples/three-tier.yaml';

/** Starts apply in its own process and SIGKILLs it once `after` steps have been reported. */
function applyKilledAfter(state: string, after: number): Promise<{ reported: number; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['bin/segsync.js', 'apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--state', state],
      { env: { ...process.env, SEGSYNC_SANDBOX_FAULTS: 'throttle=0.3,seed=11' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let reported = 0;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      reported += lines.filter((l) => l.startsWith('{"event":"step"')).length;
      if (reported >= after && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ reported, signal }));
  });
}

describe('apply --state survives SIGKILL', () => {
  it('GIVEN an apply killed with SIGKILL mid-way WHEN apply --state runs again THEN it converges and verify finds 0 disagreements', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'segsync-crash-')), 's.json');

    const killed = await applyKilledAfter(state, 5);
    const resumed = await runCli('apply', '--state', state, '--policy', THREE_TIER, '--quiet');
    const plan = await runCli('plan', '--state', state, '--policy', THREE_TIER);
    const verified = await runCli('verify', '--state', state, '--policy', THREE_TIER, '--no-apply');

    expect(killed.signal).toBe('SIGKILL');
    expect(killed.reported).toBeGreaterThanOrEqual(5);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/^Applied [1-9]\d* steps? in/m);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('No changes');
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/enforced sides checked: 0 disagreements\.\n$/);
  }, 120_000);
});
