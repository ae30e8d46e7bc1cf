import { describe, expect, it } from 'vitest';
import { FaultInjector, noFaults, type Cloud } from '../../../adapters/sandbox/faults.ts';

/** Runs `n` calls and returns, per call, the error code thrown or 'ok'. */
function run(injector: FaultInjector, cloud: Cloud, ops: string[]): string[] {
  return ops.map((op) => {
    try {
      injector.check(cloud, op);
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  });
}
const calls = (n: number, op = 'Op'): string[] => Array.from({ length: n }, () => op);

describe('FaultInjector', () => {
  it('GIVEN no plan WHEN called many times THEN never faults', () => {
    expect(run(noFaults(), 'aws', calls(50)).every((r) => r === 'ok')).toBe(true);
  });

  it.each([
    ['aws', 'RequestLimitExceeded', 503],
    ['azure', 'TooManyRequests', 429],
    ['gcp', 'rateLimitExceeded', 403],
  ] as const)('GIVEN throttleEvery 3 on %s THEN every third call throws %s (%i)', (cloud, code, status) => {
    const injector = new FaultInjector({ throttleEvery: 3 });
    expect(run(injector, cloud, calls(6))).toEqual(['ok', 'ok', code, 'ok', 'ok', code]);
    expect(() => new FaultInjector({ throttleEvery: 1 }).check(cloud, 'Op')).toThrow(
      expect.objectContaining({ name: 'CloudApiError', cloud, code, status }),
    );
    expect(injector.injected).toBe(2);
  });

  it.each([
    ['aws', 'InternalError'],
    ['azure', 'InternalServerError'],
    ['gcp', 'backendError'],
  ] as const)('GIVEN failEvery 2 on %s THEN every second call throws %s with status 500', (cloud, code) => {
    const injector = new FaultInjector({ failEvery: 2 });
    expect(run(injector, cloud, calls(4))).toEqual(['ok', code, 'ok', code]);
    expect(() => new FaultInjector({ failEvery: 1 }).check(cloud, 'Op')).toThrow(
      expect.objectContaining({ status: 500 }),
    );
  });

  it('GIVEN both periods match one call THEN the throttle wins', () => {
    expect(run(new FaultInjector({ throttleEvery: 2, failEvery: 2 }), 'aws', calls(2))).toEqual([
      'ok',
      'RequestLimitExceeded',
    ]);
  });

  it('GIVEN an operations filter THEN only those operations are counted and faulted', () => {
    const injector = new FaultInjector({ failEvery: 2, operations: ['Write'] });
    expect(run(injector, 'aws', ['Read', 'Write', 'Read', 'Write', 'Read'])).toEqual([
      'ok',
      'ok',
      'ok',
      'InternalError',
      'ok',
    ]);
  });

  it('GIVEN a seed THEN the faulting calls shift', () => {
    expect(run(new FaultInjector({ throttleEvery: 3, seed: 1 }), 'aws', calls(6))).toEqual([
      'ok',
      'RequestLimitExceeded',
      'ok',
      'ok',
      'RequestLimitExceeded',
      'ok',
    ]);
  });

  it('GIVEN maxFaults THEN faults stop after that many', () => {
    const injector = new FaultInjector({ throttleEvery: 1, maxFaults: 2 });
    expect(run(injector, 'gcp', calls(4))).toEqual(['rateLimitExceeded', 'rateLimitExceeded', 'ok', 'ok']);
  });

  it('GIVEN the same plan and calls THEN the outcome is identical (deterministic)', () => {
    const plan = { throttleEvery: 3, failEvery: 5, seed: 7 };
    const ops = ['A', 'B', 'C', 'A', 'B', 'C', 'A', 'B', 'C', 'A', 'B', 'C'];
    expect(run(new FaultInjector(plan), 'azure', ops)).toEqual(run(new FaultInjector(plan), 'azure', ops));
  });

  it('GIVEN a fault THEN the message names the operation', () => {
    expect(() => new FaultInjector({ throttleEvery: 1 }).check('aws', 'AuthorizeSecurityGroupIngress')).toThrow(
      /AuthorizeSecurityGroupIngress/,
    );
  });

  it.each([0, -1, 1.5])('GIVEN a period of %s THEN the plan is rejected', (n) => {
    expect(() => new FaultInjector({ throttleEvery: n })).toThrow(RangeError);
    expect(() => new FaultInjector({ failEvery: n })).toThrow(RangeError);
  });
});
