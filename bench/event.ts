/**
 * The event path's benchmark (issue 14): in-process time from an event received to its steps
 * applied, for one re-tag on a 10,000- and a 100,000-workload estate whose snapshots are stored
 * (a first rollout applied, then every location's snapshot written), and the cloud API calls that
 * one event costs, per cloud, reads and writes apart.
 *
 * Each re-tag moves one workload to another tier of its own app (it stays in its network, so the
 * plan is membership writes plus what the compiled classes change). The time covers everything
 * handleHints does: load every location's snapshot (local files here; S3 in the deployment adds
 * one GET per location), scoped re-read, compile + plan rounds, claim (conditional writes), apply,
 * read-back, save.
 *
 *   node --import tsx bench/event.ts                      # 10k and 100k
 *   node --import tsx bench/event.ts --sizes=10k --segments=100 --rules=1000 --seed=42
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleHints } from '../adapters/events/handle.ts';
import type { Hint } from '../adapters/events/hint.ts';
import { FileSnapshotStore } from '../adapters/events/snapshot-file.ts';
import { WorkingSet } from '../adapters/events/working-set.ts';
import { aroundMethods, sandboxClouds } from '../adapters/engine/clouds.ts';
import { planWorld, type Clouds } from '../adapters/reconcile.ts';
import { parseWorkloadId } from '../core/model/ids.ts';
import type { Workload } from '../core/model/inventory.ts';
import type { Step } from '../core/plan/step.ts';
import { parsePolicy } from '../core/policy/parse.ts';
import { summaryLine } from '../core/plan/render.ts';
import type { Cloud } from '../core/policy/labels.ts';
import { LOCAL_ESTATE } from './cases.ts';
import { localBenchArgs, LOCAL_CTX, localSandbox } from './local-estate.ts';
import { generateEstate, generatePolicy, TIERS } from './generate.ts';

const { sizes, segments, rules, seed } = localBenchArgs();
const ctx = LOCAL_CTX;
const sandbox = localSandbox;

type Calls = Record<Cloud, { reads: number; writes: number }>;
const zero = (): Calls => ({
  aws: { reads: 0, writes: 0 },
  azure: { reads: 0, writes: 0 },
  gcp: { reads: 0, writes: 0 },
});

async function plainApply(steps: readonly Step[], clouds: Clouds): Promise<void> {
  for (const s of steps) {
    if (s.cloud === 'aws') await clouds.aws.apply(s);
    else if (s.cloud === 'azure') await clouds.azure.apply(s);
    else await clouds.gcp.apply(s);
  }
}

/** One labelled workload per cloud, and the tier it moves to (another tier of its own app). */
function retagsOf(workloads: readonly Workload[]): { w: Workload; tier: string }[] {
  return (['aws', 'azure', 'gcp'] as const).flatMap((cloud) => {
    const w = workloads.find((x) => x.cloud === cloud && x.labels.app && x.labels.tier && x.managed);
    if (!w) return [];
    const others = workloads.filter(
      (x) => x.labels.app === w.labels.app && x.labels.tier !== w.labels.tier && x.network === w.network,
    );
    const tier = others[0]?.labels.tier ?? TIERS.find((t) => t !== w.labels.tier)!;
    return [{ w, tier }];
  });
}

async function measure(workloads: number): Promise<void> {
  const t0 = performance.now();
  const { estate } = generateEstate({ seed, workloads, segments, ...LOCAL_ESTATE });
  const policy = parsePolicy(generatePolicy({ seed, segments, rules, shape: 'local', monitorShare: 0 }), 'bench.yaml');
  const sb = sandbox(estate);
  const calls = zero();
  const counted = (cloud: Cloud, _scope: string, api: object) =>
    aroundMethods(api, (method, _args, call) => {
      calls[cloud][/^(describe|list|get)/.test(method) ? 'reads' : 'writes']++;
      return call();
    });
  const clouds = sandboxClouds(sb, counted as never);
  const first = await planWorld(policy, clouds, ctx);
  await plainApply(first.plan.steps, clouds);
  const store = new FileSnapshotStore(mkdtempSync(join(tmpdir(), 'segsync-bench-event-')));
  const ws = await WorkingSet.load({ deploymentId: ctx.deploymentId, clouds, store, now: () => new Date() });
  await ws.save();
  const setup = (performance.now() - t0) / 1000;
  console.log(
    `\n${workloads.toLocaleString('en')} workloads: rollout of ${first.plan.steps.length} steps and ${ws.entries.size} snapshots in ${setup.toFixed(1)} s`,
  );
  console.log(
    '| cloud | workload | event → applied | plan | steps applied | API reads | API writes | snapshot writes |',
  );
  console.log('|---|---|---:|---|---:|---:|---:|---:|');
  for (const { w, tier } of retagsOf(first.inventory.workloads)) {
    const ref = parseWorkloadId(w.id)!;
    // The generator writes some keys capitalised (Tier); drop that spelling so no key collides.
    if (ref.cloud === 'aws') sb.aws.tagInstance(ref, ref.instance, { Tier: null, tier });
    else if (ref.cloud === 'azure') sb.azure.tagVm(w.location.account, w.nativeId, { tier });
    else sb.gcp.setLabels(ref.project, ref.zone, ref.instance, { tier });
    const hint: Hint = { eventId: 'bench', workload: ref };
    Object.assign(calls, zero());
    const started = performance.now();
    const r = await handleHints([hint], { policy, clouds, ctx, store, apply: { sleep: async () => {} } });
    const ms = performance.now() - started;
    const c = calls;
    console.log(
      `| ${w.cloud} | ${w.nativeId} | ${ms.toFixed(0)} ms | ${summaryLine(r.planned)} | ${r.applied} | ` +
        `aws ${c.aws.reads} / azure ${c.azure.reads} / gcp ${c.gcp.reads} | aws ${c.aws.writes} / azure ${c.azure.writes} / gcp ${c.gcp.writes} | ${r.snapshotsWritten} |`,
    );
  }
}

for (const n of sizes) await measure(n);
