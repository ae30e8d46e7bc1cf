/** SEGSYNC_SANDBOX_FAULTS (DESIGN.md §7): the spec parses strictly, and each fault is the cloud's own answer. */
import { describe, expect, it } from 'vitest';
import { AWS_ERRORS } from '../../../adapters/aws/errors.ts';
import { AZURE_ERRORS } from '../../../adapters/azure/errors.ts';
import { classifyCloudError } from '../../../adapters/errors.ts';
import { GCP_ERRORS } from '../../../adapters/gcp/errors.ts';
import { retryAfterMs } from '../../../adapters/engine/paced-api.ts';
import { parseFaultSpec, RandomFaults } from '../../../adapters/sandbox/faults.ts';
import { ConflictError, ThrottledError, TransientCloudError } from '../../../core/errors.ts';

describe('SEGSYNC_SANDBOX_FAULTS', () => {
  it('parses the documented example; rejects unknown keys and rates outside [0, 1]', () => {
    expect(parseFaultSpec('throttle=0.2,transient=0.05,conflict=0.02,seed=7')).toEqual({
      throttle: 0.2,
      transient: 0.05,
      conflict: 0.02,
      dropped: 0,
      seed: 7,
    });
    expect(() => parseFaultSpec('throttle=0.2,slow=1')).toThrow(/"slow=1" is not one of/);
    expect(() => parseFaultSpec('throttle=2')).toThrow(/throttle must be in \[0, 1\]/);
  });

  it('injects each cloud its own answers: throttles (Azure with Retry-After), conflicts on versioned writes, drops after the write', async () => {
    const calls: string[] = [];
    const api = {
      scope: { project: 'p' },
      async setTags() {
        calls.push('setTags');
      },
      async listInstances() {
        calls.push('listInstances');
        return [];
      },
    };
    const always = (k: 'throttle' | 'conflict' | 'dropped') =>
      new RandomFaults({ throttle: 0, transient: 0, conflict: 0, dropped: 0, seed: 1, [k]: 1 });
    await expect(always('throttle').wrap('gcp', 'p', api).setTags()).rejects.toSatisfy(
      (e) => classifyCloudError(e, GCP_ERRORS) instanceof ThrottledError,
    );
    const azure = { async createOrUpdateNetworkInterface() {} };
    const azureThrottle = await always('throttle')
      .wrap('azure', 's', azure)
      .createOrUpdateNetworkInterface()
      .catch((e: unknown) => e);
    expect(classifyCloudError(azureThrottle, AZURE_ERRORS)).toBeInstanceOf(ThrottledError);
    expect(retryAfterMs(azureThrottle)).toBe(1000);
    await expect(always('conflict').wrap('gcp', 'p', api).setTags()).rejects.toSatisfy(
      (e) => classifyCloudError(e, GCP_ERRORS) instanceof ConflictError,
    );
    expect(calls).toEqual([]);
    // Dropped: the write happened, the caller still sees a retryable failure; reads are never dropped.
    await expect(always('dropped').wrap('gcp', 'p', api).setTags()).rejects.toSatisfy(
      (e) => classifyCloudError(e, GCP_ERRORS) instanceof TransientCloudError,
    );
    await always('dropped').wrap('gcp', 'p', api).listInstances();
    expect(calls).toEqual(['setTags', 'listInstances']);
    const ec2 = { async modifyManagedPrefixList() {} };
    await expect(always('conflict').wrap('aws', 'a/r', ec2).modifyManagedPrefixList()).rejects.toSatisfy(
      (e) => classifyCloudError(e, AWS_ERRORS) instanceof ConflictError,
    );
  });

  it('is reproducible from its seed', async () => {
    const run = async (seed: number) => {
      const faults = new RandomFaults({ throttle: 0.3, transient: 0.1, conflict: 0, dropped: 0.1, seed });
      const api = faults.wrap('aws', 'a/r', { async modifyNetworkInterfaceAttribute() {} });
      const out: string[] = [];
      for (let i = 0; i < 50; i++)
        out.push(
          await api.modifyNetworkInterfaceAttribute().then(
            () => 'ok',
            (e: Error) => e.message.split(':')[0]!,
          ),
        );
      return out.join(',');
    };
    expect(await run(7)).toBe(await run(7));
    expect(await run(7)).not.toBe(await run(8));
  });
});
