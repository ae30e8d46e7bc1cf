/**
 * The apply engine's rollout benchmark (issue 10): a first rollout of N workloads over the bench
 * estate's locations (bench/generate.ts: 4 AWS accounts × 2 Regions, 3 Azure subscriptions,
 * 3 GCP projects), applied by the engine on a simulated clock against sandbox clouds that enforce
 * the documented budgets (adapters/engine/rates-*.ts) with a per-call latency (AWS 200 ms, Azure
 * 2 s, GCP 2 s). Reported per size:
 * - modelled wall time (simulated clock) and the lower bound: the max over locations and API
 *   categories of (calls − bucket size) ÷ refill, i.e. what no client can beat; efficiency =
 *   lower bound ÷ modelled time;
 * - the plan-time estimate (adapters/engine/estimate.ts) for comparison;
 * - calls the cloud refused for an empty bucket (must be 0) and whether a re-plan is empty;
 * - real CPU time: the whole apply through the engine, the same steps applied one by one without
 *   it (the sandbox's own work), and the difference, the engine's own cost.
 *
 *   npm run bench:rollout                          # 10k and 100k
 *   npm run bench:rollout -- --sizes=10k --segments=100 --rules=1000 --seed=42
 */
import { applySteps, planWorld, type Clouds } from '../adapters/reconcile.ts';
import { SimulatedClock } from '../adapters/engine/clock.ts';
import { sandboxClouds } from '../adapters/engine/clouds.ts';
import { estimateApply } from '../adapters/engine/estimate.ts';
import { Pacer, RATE_TABLES } from '../adapters/engine/paced-api.ts';
import { CloudSide } from '../adapters/engine/simulate.ts';
import type { Step } from '../core/plan/step.ts';
import { formatDuration } from '../core/plan/render.ts';
import { parsePolicy } from '../core/policy/parse.ts';
import type { Policy } from '../core/policy/types.ts';
import { LOCAL_ESTATE } from './cases.ts';
import { localBenchArgs, LOCAL_CTX, localSandbox } from './local-estate.ts';
import { generateEstate, generatePolicy } from './generate.ts';

const { sizes, segments, rules, seed } = localBenchArgs();
const ctx = LOCAL_CTX;
const sandbox = localSandbox;

async function plainApply(steps: readonly Step[], clouds: Clouds): Promise<void> {
  for (const s of steps) {
    if (s.cloud === 'aws') await clouds.aws.apply(s);
    else if (s.cloud === 'azure') await clouds.azure.apply(s);
    else await clouds.gcp.apply(s);
  }
}

interface Row {
  workloads: number;
  locations: number;
  steps: number;
  calls: number;
  modelled: number;
  lowerBound: number;
  boundBy: string;
  estimate: number;
  overLimit: number;
  replan: number;
  cpuEngine: number;
  cpuPlain: number;
}

async function measure(workloads: number): Promise<Row> {
  const { estate } = generateEstate({ seed, workloads, segments, ...LOCAL_ESTATE });
  const policy: Policy = parsePolicy(
    generatePolicy({ seed, segments, rules, shape: 'local', monitorShare: 0 }),
    'bench.yaml',
  );

  // The sandbox's own cost: the same first rollout, step by step, no engine, no pacing.
  const plainSb = sandbox(estate);
  const plainClouds = sandboxClouds(plainSb);
  const plainPlan = (await planWorld(policy, plainClouds, ctx)).plan;
  let cpu = process.cpuUsage();
  await plainApply(plainPlan.steps, plainClouds);
  const cpuPlain = sum(process.cpuUsage(cpu));

  const sb = sandbox(estate);
  const clock = new SimulatedClock();
  const cloud = new CloudSide({ clock });
  const calls = new Map<string, number>();
  const pacer = new Pacer({
    clock,
    onCall: (c, scope, _m, categories) => {
      for (const cat of categories)
        calls.set(`${c}\u0000${scope}\u0000${cat}`, (calls.get(`${c}\u0000${scope}\u0000${cat}`) ?? 0) + 1);
    },
  });
  const planned = (await planWorld(policy, sandboxClouds(sb), ctx)).plan;
  const estimate = estimateApply(planned.steps);
  calls.clear();
  const clouds = sandboxClouds(sb, cloud.wrap, pacer.wrap);
  const start = clock.now();
  cpu = process.cpuUsage();
  await clock.run(() => applySteps(planned.steps, clouds, { clock }));
  const cpuEngine = sum(process.cpuUsage(cpu));
  const modelled = (clock.now() - start) / 1000;

  let lowerBound = 0;
  let boundBy = '';
  for (const [key, n] of calls) {
    const [c, scope, cat] = key.split('\u0000') as ['aws' | 'azure' | 'gcp', string, string];
    const rate = RATE_TABLES[c].categories[cat]!;
    const t = Math.max(0, n - rate.capacity) / rate.refillPerSecond;
    if (t > lowerBound) [lowerBound, boundBy] = [t, `${c} ${scope} ${cat} (${n} calls)`];
  }
  const replan = (await planWorld(policy, sandboxClouds(sb), ctx)).plan.steps.length;
  return {
    workloads,
    locations: new Set(planned.steps.map((s) => `${s.cloud} ${s.scope}`)).size,
    steps: planned.steps.length,
    calls: pacer.stats().reduce((n, s) => n + s.calls, 0),
    modelled,
    lowerBound,
    boundBy,
    estimate: estimate.seconds,
    overLimit: cloud.stats.overLimit,
    replan,
    cpuEngine,
    cpuPlain,
  };
}

const sum = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

const header = [
  `First rollout on the simulated clock (seed ${seed}, ${segments} segments, ${rules} rules, 'local' shape; latency AWS 200 ms, Azure/GCP 2 s)\n`,
  '| workloads | locations | steps | API calls | modelled wall time | lower bound | efficiency | plan estimate | over-limit calls | re-plan steps | apply CPU (engine + sandbox) | sandbox alone | engine CPU |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
console.log(header.join('\n'));
const bounds: string[] = [];
for (const n of sizes) {
  const r = await measure(n);
  console.log(
    `| ${r.workloads.toLocaleString('en')} | ${r.locations} | ${r.steps.toLocaleString('en')} | ${r.calls.toLocaleString('en')} | ` +
      `${formatDuration(r.modelled)} | ${formatDuration(r.lowerBound)} | ${(r.lowerBound / r.modelled).toFixed(3)} | ` +
      `${formatDuration(r.estimate)} | ${r.overLimit} | ${r.replan} | ${r.cpuEngine.toFixed(1)} s | ${r.cpuPlain.toFixed(1)} s | ` +
      `${(r.cpuEngine - r.cpuPlain).toFixed(1)} s |`,
  );
  bounds.push(`${r.workloads.toLocaleString('en')}: lower bound set by ${r.boundBy}`);
}
console.log(`\n${bounds.join('\n')}`);
