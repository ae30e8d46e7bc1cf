/**
 * The event path from the command line, on a persisted sandbox: `sandbox tag --policy` delivers the
 * cloud's own event to the handlers, `handle-event` feeds a sample file, `drift` runs the schedule
 * once. User mistakes exit 1 with a plain message.
 */
import '../helpers/quiet-env.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESTATE, runCli, STACK_FRAME, THREE_TIER } from '../helpers/cli.ts';
import { AWS_WEB2, fixture, retarget } from '../helpers/events.ts';

let dir: string;
let state: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segsync-events-cli-'));
  state = join(dir, 's.json');
  expect((await runCli('apply', '--sandbox', ESTATE, '--policy', THREE_TIER, '--state', state, '--quiet')).code).toBe(
    0,
  );
});

describe('segsync sandbox tag --policy / handle-event / drift', () => {
  it('GIVEN sandbox tag --policy in each cloud THEN each event is handled and verify finds 0 disagreements', async () => {
    for (const instance of ['i-prod-web2', 'vm-prod-db1', 'gce-prod-db2']) {
      const r = await runCli('sandbox', 'tag', instance, 'tier=app', '--state', state, '--policy', THREE_TIER);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/→ (aws|azure|gcp): applied: 1 workload re-read/);
    }
    const v = await runCli('verify', '--state', state, '--policy', THREE_TIER);
    expect(v.out).toContain(': 0 disagreements.');
  });

  it('GIVEN a tag-change sample retargeted to the estate THEN handle-event re-reads the instance; the same file again changes nothing', async () => {
    await runCli('sandbox', 'tag', 'i-prod-web2', 'tier=web', '--state', state);
    const file = join(dir, 'tag-change.json');
    writeFileSync(file, JSON.stringify(retarget(fixture('aws/tag-change'), AWS_WEB2)));
    const first = await runCli('handle-event', '--cloud', 'aws', file, '--state', state, '--policy', THREE_TIER);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/aws: applied: 1 workload re-read/);
    const again = await runCli('handle-event', '--cloud', 'aws', file, '--state', state, '--policy', THREE_TIER);
    expect(again.out).toMatch(/aws: no-change/);
  });

  it('GIVEN an invalid sample THEN reported as rejected and acknowledged (exit 0)', async () => {
    const r = await runCli(
      'handle-event',
      '--cloud',
      'aws',
      'test/fixtures/events/aws/invalid-state-change-instance_id.json',
      '--state',
      state,
      '--policy',
      THREE_TIER,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/aws: rejected .*instance-id/);
  });

  it('GIVEN drift --mode report on a converged sandbox THEN exit 0 and every location checked', async () => {
    const r = await runCli('drift', '--state', state, '--policy', THREE_TIER, '--mode', 'report');
    expect(r.code, r.err).toBe(0);
    expect(r.out.match(/0 drifted objects found/g)?.length).toBe(4);
  });

  it.each([
    [
      ['handle-event', '--cloud', 'aws', 'nope.json', '--state', 'x', '--policy', THREE_TIER],
      'cannot read event file nope.json: no such file',
    ],
    [['handle-event', '--cloud', 'oracle', 'test/fixtures/events/aws/tag-change.json'], '--cloud "oracle"'],
    [['drift', '--policy', THREE_TIER], 'pass --state'],
    [['drift', '--state', 'missing.json', '--policy', THREE_TIER], 'missing.json'],
    [['drift', '--config', 'nope.yaml'], 'nope.yaml'],
  ])('GIVEN %j THEN exit 1 with a plain message', async (argv, message) => {
    const r = await runCli(...argv);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(STACK_FRAME);
  });
});
