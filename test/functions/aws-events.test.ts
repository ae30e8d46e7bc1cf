/**
 * The AWS change handler end to end on the sandbox: an SQS FIFO batch of EventBridge events (the
 * published samples, retargeted to the estate) → the instance is re-read and segmented, and verify
 * agrees with the policy. A malformed record among good ones is acknowledged (not a batch item
 * failure) and the good ones are applied; a retryable failure is a batch item failure.
 */
import '../helpers/quiet-env.ts';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Context, SQSEvent } from 'aws-lambda';
import { handler } from '../../functions/aws-events.ts';
import { useRuntime } from '../../functions/shared/runtime.ts';
import type { SnapshotStore } from '../../adapters/events/snapshot.ts';
import {
  appliedWorld,
  AWS_WEB2,
  disagreements,
  fixture,
  retarget,
  segmentsOf,
  sqsRecord,
  type World,
} from '../helpers/events.ts';
import { quietHandlers } from '../helpers/events.ts';

await quietHandlers();
const context = { functionName: 'segsync-aws-events', awsRequestId: 'r' } as Context;
const config = { deploymentId: 'main', drift: { mode: 'apply' as const, schedule: 'rate(15 minutes)' } };

let world: World;
beforeAll(async () => {
  world = await appliedWorld();
});
afterEach(() => useRuntime(undefined));

const tagEvent = () => retarget(fixture('aws/tag-change'), AWS_WEB2);

describe('aws-events handler', () => {
  it('GIVEN i-prod-web2 re-tagged Tier=app WHEN its Tag Change event arrives THEN it joins prod-app and verify agrees', async () => {
    useRuntime({ config, deps: world.deps });
    const before = await segmentsOf(world, 'i-prod-web2');
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'app' });

    const out = await handler(
      { Records: [sqsRecord(tagEvent(), 'm1', '111111111111/eu-west-1')] } as SQSEvent,
      context,
    );

    expect(out.batchItemFailures).toEqual([]);
    const after = await segmentsOf(world, 'i-prod-web2');
    expect(after).not.toEqual(before);
    expect(after.some((g) => g.includes('prod-app'))).toBe(true);
    expect(await disagreements(world)).toBe(0);
  });

  it('GIVEN a malformed record between two good ones THEN the good ones are applied and the bad one is acknowledged', async () => {
    useRuntime({ config, deps: world.deps });
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'web' });
    world.sandbox.aws.tagInstance({ account: '222222222222', region: 'eu-west-1' }, 'i-dev-web1', { Tier: 'app' });
    const dev = retarget(fixture('aws/ec2-state-change'), {
      ...AWS_WEB2,
      '111111111111': '222222222222',
      'i-prod-web2': 'i-dev-web1',
    });

    const out = await handler(
      {
        Records: [
          sqsRecord(tagEvent(), 'm1', '111111111111/eu-west-1'),
          sqsRecord(fixture('aws/invalid-state-change-instance_id'), 'm2', '111122223333/us-west-1'),
          sqsRecord('{not json', 'm3', '111111111111/eu-west-1'),
          sqsRecord(dev, 'm4', '222222222222/eu-west-1'),
        ],
      } as SQSEvent,
      context,
    );

    expect(out.batchItemFailures).toEqual([]);
    expect((await segmentsOf(world, 'i-prod-web2')).some((g) => g.includes('prod-web'))).toBe(true);
    expect((await segmentsOf(world, 'i-dev-web1')).some((g) => g.includes('dev-app'))).toBe(true);
    expect(await disagreements(world)).toBe(0);
  });

  it('GIVEN the snapshot store failing for one location WHEN a batch of two groups arrives THEN only that message fails, to be retried', async () => {
    const failing: SnapshotStore = {
      where: 'test',
      get: (d, c, l) => world.store.get(d, c, l),
      etag: (d, c, l) => world.store.etag(d, c, l),
      put: async () => {
        throw new Error('S3 is unavailable');
      },
    };
    useRuntime({ config, deps: { ...world.deps, store: failing } });
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'app' });

    const out = await handler(
      {
        Records: [
          sqsRecord(tagEvent(), 'm1', '111111111111/eu-west-1'),
          sqsRecord('{}', 'm2', '222222222222/eu-west-1'),
        ],
      } as SQSEvent,
      context,
    );

    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});

describe('structured logs', () => {
  it('GIVEN an event handled THEN one JSON line with event id, workload, plan summary, outcome and duration', async () => {
    const { logger } = await import('../../functions/shared/observe.ts');
    useRuntime({ config, deps: world.deps });
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'db' });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    logger.setLogLevel('INFO');
    try {
      await handler({ Records: [sqsRecord(tagEvent(), 'm9', '111111111111/eu-west-1')] } as SQSEvent, context);
    } finally {
      logger.setLogLevel('SILENT');
      spy.mockRestore();
    }
    const handled = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"event handled"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatchObject({
      level: 'INFO',
      service: 'segsync',
      source: 'aws',
      eventIds: ['bddcf1d6-0251-35a1-aab0-adc1fb47c11c'],
      workloads: ['aws:111111111111:eu-west-1:i-prod-web2'],
      outcome: 'applied',
      plan: expect.stringMatching(/^Plan: /),
      durationMs: expect.any(Number),
    });
  });
});
