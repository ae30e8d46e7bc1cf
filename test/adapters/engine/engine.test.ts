/**
 * The apply engine on a simulated clock (no real waiting): pacing reaches the documented budget
 * without exceeding it, locations run in parallel, phases are barriers, throttling slows a
 * location down and still converges, a 4xx is never retried, a conflict stops its location.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, StepFailedError } from '../../../core/errors.ts';
import type { AwsSetMembershipStep } from '../../../core/plan/aws.ts';
import type { Phase } from '../../../core/plan/step-base.ts';
import type { Step } from '../../../core/plan/step.ts';
import { renderPlan } from '../../../core/plan/render.ts';
import { AWS_ERRORS } from '../../../adapters/aws/errors.ts';
import { classifyCloudError, CloudApiError } from '../../../adapters/errors.ts';
import { SimulatedClock } from '../../../adapters/engine/clock.ts';
import { estimateApply } from '../../../adapters/engine/estimate.ts';
import { Pacer, RATE_TABLES } from '../../../adapters/engine/paced-api.ts';
import type { RateTable } from '../../../adapters/engine/rates.ts';
import { locationOf, runSteps } from '../../../adapters/engine/run.ts';
import { CloudSide } from '../../../adapters/engine/simulate.ts';

const ENI = RATE_TABLES.aws.categories['modify-network-interface-attribute']!;

function eniStep(scope: string, i: number, phase: Phase = 'membership'): Step {
  const step: AwsSetMembershipStep = {
    cloud: 'aws',
    scope,
    network: `aws/${scope}/vpc-a`,
    phase: phase as 'membership',
    kind: 'set-membership',
    target: `eni-${i}`,
    summary: `eni-${i}`,
    owner: 'test',
    interfaceId: `eni-${i}`,
    vpcId: 'vpc-a',
    groups: [],
  };
  return step;
}

interface FakeEc2 {
  scope: { account: string; region: string };
  modifyNetworkInterfaceAttribute(input: { NetworkInterfaceId: string; Groups: string[] }): Promise<void>;
}

/** One fake EC2 per scope behind the cloud's own buckets and the engine's pacing; steps call it. */
function rig(
  options: { cloudTables?: Readonly<Record<'aws' | 'azure' | 'gcp', RateTable>>; fail?: (id: string) => unknown } = {},
) {
  const clock = new SimulatedClock();
  const cloud = new CloudSide({
    clock,
    latencyMs: { aws: 200 },
    ...(options.cloudTables ? { tables: options.cloudTables } : {}),
  });
  const sent: Array<{ scope: string; at: number }> = [];
  const pacer = new Pacer({ clock, onCall: (_c, scope, _m, _cat, at) => sent.push({ scope, at }) });
  const apis = new Map<string, FakeEc2>();
  const calls = new Map<string, number>();
  const api = (scope: string): FakeEc2 => {
    let a = apis.get(scope);
    if (!a) {
      const [account, region] = scope.split('/') as [string, string];
      const fake: FakeEc2 = {
        scope: { account, region },
        async modifyNetworkInterfaceAttribute(input) {
          calls.set(input.NetworkInterfaceId, (calls.get(input.NetworkInterfaceId) ?? 0) + 1);
          const e = options.fail?.(input.NetworkInterfaceId);
          if (e) throw e;
        },
      };
      a = pacer.wrap('aws', scope, cloud.wrap('aws', scope, fake));
      apis.set(scope, a);
    }
    return a;
  };
  const execute = async (step: Step) => {
    try {
      await api(step.scope).modifyNetworkInterfaceAttribute({ NetworkInterfaceId: step.target, Groups: [] });
    } catch (e) {
      throw classifyCloudError(e, AWS_ERRORS, step);
    }
  };
  return { clock, cloud, pacer, sent, execute, calls };
}

describe('apply engine pacing (simulated clock)', () => {
  it('a long rollout in one account+Region runs at ≥ 90 % of the ENI bucket refill and never exceeds the bucket', async () => {
    const n = 3000;
    const { clock, cloud, execute, sent } = rig();
    const steps = Array.from({ length: n }, (_, i) => eniStep('111111111111/eu-west-1', i));
    const result = await clock.run(() => runSteps(steps, execute, { clock }));
    expect(result.applied).toBe(n);
    expect(cloud.stats.overLimit).toBe(0);
    const seconds = (sent.at(-1)!.at - sent[0]!.at) / 1000;
    const lowerBound = (n - ENI.capacity) / ENI.refillPerSecond;
    expect(seconds).toBeGreaterThanOrEqual(lowerBound - 0.001);
    // Achieved rate after the initial burst, against the refill rate.
    expect((n - ENI.capacity) / seconds / ENI.refillPerSecond).toBeGreaterThanOrEqual(0.9);
    expect(lowerBound / (result.ms / 1000)).toBeGreaterThanOrEqual(0.9);
  });

  it('two locations finish in about the time of one', async () => {
    const n = 1000;
    const one = rig();
    const single = await one.clock.run(() =>
      runSteps(
        Array.from({ length: n }, (_, i) => eniStep('111111111111/eu-west-1', i)),
        one.execute,
        { clock: one.clock },
      ),
    );
    const two = rig();
    const both = await two.clock.run(() =>
      runSteps(
        [
          ...Array.from({ length: n }, (_, i) => eniStep('111111111111/eu-west-1', i)),
          ...Array.from({ length: n }, (_, i) => eniStep('222222222222/us-east-1', n + i)),
        ],
        two.execute,
        { clock: two.clock },
      ),
    );
    expect(both.applied).toBe(2 * n);
    expect(two.cloud.stats.overLimit).toBe(0);
    expect(both.ms).toBeLessThanOrEqual(single.ms * 1.05);
  });

  it('phases are global barriers: no membership step starts before every create/authorize of every cloud finished', async () => {
    const clock = new SimulatedClock();
    const log: Array<{ step: Step; start: number; end: number }> = [];
    const phases: Phase[] = ['create', 'authorize', 'membership', 'revoke', 'delete'];
    const steps: Step[] = [];
    let i = 0;
    for (const phase of phases)
      for (const scope of ['111111111111/eu-west-1', '222222222222/us-east-1', '333333333333/eu-west-1'])
        for (let k = 0; k < 20; k++) steps.push(eniStep(scope, i++, phase));
    // Different locations and steps take very different times.
    const execute = async (step: Step) => {
      const start = clock.now();
      const n = Number(step.target.slice(4));
      await clock.sleep(((n * 7919) % 997) + (step.scope.startsWith('3') ? 5000 : 10));
      log.push({ step, start, end: clock.now() });
    };
    await clock.run(() => runSteps(steps, execute, { clock }));
    expect(log).toHaveLength(steps.length);
    for (const [p, phase] of phases.entries()) {
      const earlierEnd = Math.max(...log.filter((l) => phases.indexOf(l.step.phase) < p).map((l) => l.end), 0);
      const firstStart = Math.min(...log.filter((l) => l.step.phase === phase).map((l) => l.start));
      expect(firstStart, `${phase} starts after every earlier phase ended`).toBeGreaterThanOrEqual(earlierEnd);
    }
    // ...and locations did overlap inside a phase.
    const create = log.filter((l) => l.step.phase === 'create');
    const byLoc = (scope: string) => create.filter((l) => l.step.scope === scope);
    expect(Math.min(...byLoc('333333333333/eu-west-1').map((l) => l.start))).toBeLessThan(
      Math.max(...byLoc('111111111111/eu-west-1').map((l) => l.end)),
    );
  });

  it('throttling by a cloud stricter than our table slows that location and converges', async () => {
    const strict: RateTable = {
      ...RATE_TABLES.aws,
      categories: {
        ...RATE_TABLES.aws.categories,
        'modify-network-interface-attribute': { ...ENI, capacity: 10, refillPerSecond: 2 },
      },
    };
    const { clock, cloud, execute, pacer } = rig({ cloudTables: { ...RATE_TABLES, aws: strict } });
    const n = 600;
    const steps = Array.from({ length: n }, (_, i) => eniStep('111111111111/eu-west-1', i));
    const result = await clock.run(() => runSteps(steps, execute, { clock }));
    expect(result.applied).toBe(n);
    const [stats] = pacer.stats();
    expect(stats!.throttled).toBeGreaterThan(0);
    expect(stats!.throttled).toBe(cloud.stats.overLimit);
    // It slowed down instead of storming: few throttles, and close to the real 2/s.
    expect(stats!.throttled / stats!.calls).toBeLessThan(0.15);
    const lowerBound = (n - 10) / 2;
    expect(lowerBound / (result.ms / 1000)).toBeGreaterThanOrEqual(0.6);
    expect(
      pacer.location('aws', '111111111111/eu-west-1').bucket('modify-network-interface-attribute').currentRate,
    ).toBeLessThan(ENI.refillPerSecond);
  });

  it('a 4xx is never retried, by the call or by the step', async () => {
    const { clock, execute, calls } = rig({
      fail: (id) => (id === 'eni-3' ? new CloudApiError('aws', 'InvalidParameterValue', 'bad groups', 400) : undefined),
    });
    const steps = Array.from({ length: 10 }, (_, i) => eniStep('111111111111/eu-west-1', i));
    await expect(clock.run(() => runSteps(steps, execute, { clock, maxInFlight: 1 }))).rejects.toBeInstanceOf(
      StepFailedError,
    );
    expect(calls.get('eni-3')).toBe(1);
  });

  it('a transient 5xx re-runs the step; a conflict stops its location, lets the others finish the phase, and starts no later phase', async () => {
    const clock = new SimulatedClock();
    const ran: string[] = [];
    let flaky = 0;
    const execute = async (step: Step) => {
      await clock.sleep(100);
      if (step.target === 'eni-1' && flaky++ < 2)
        throw classifyCloudError(new CloudApiError('aws', 'InternalError', 'oops', 500), AWS_ERRORS);
      if (step.target === 'eni-5') throw new ConflictError('prefix list changed under us');
      ran.push(step.target);
    };
    const steps = [
      ...Array.from({ length: 10 }, (_, i) => eniStep('111111111111/eu-west-1', i, 'create')),
      ...Array.from({ length: 10 }, (_, i) => eniStep('222222222222/eu-west-1', 10 + i, 'create')),
      eniStep('222222222222/eu-west-1', 99, 'membership'),
    ];
    await expect(clock.run(() => runSteps(steps, execute, { clock, maxInFlight: 1 }))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(ran).toContain('eni-1');
    expect(ran).not.toContain('eni-6');
    for (let i = 10; i < 20; i++) expect(ran).toContain(`eni-${i}`);
    expect(ran).not.toContain('eni-99');
  });
});

describe('apply estimate', () => {
  it('10,000 ENI moves in one account+Region: (10,000 − 100) / 5 s; a second location in parallel adds nothing', () => {
    const one = Array.from({ length: 10_000 }, (_, i) => eniStep('111111111111/eu-west-1', i));
    const e1 = estimateApply(one);
    expect(e1.seconds).toBeCloseTo(9900 / 5, 6);
    expect(e1.locations[0]).toMatchObject({ calls: 10_000, limitedBy: 'modify-network-interface-attribute' });
    const two = [...one, ...Array.from({ length: 5_000 }, (_, i) => eniStep('222222222222/eu-west-1', i))];
    const e2 = estimateApply(two);
    expect(e2.seconds).toBeCloseTo(9900 / 5, 6);
    expect(e2.locations.map((l) => locationOf(two.find((s) => s.scope === l.scope)!))).toHaveLength(2);
    const text = renderPlan({ steps: two, findings: [] }, { estimate: e2 });
    expect(text).toContain("Estimated apply time at the clouds' documented request rates: 33m 0s");
    expect(text).toMatch(
      /aws\s+111111111111\/eu-west-1\s+33m 0s {2}10000 steps, 10000 calls, bounded by modify-network-interface-attribute/,
    );
  });
});
