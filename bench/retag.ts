/**
 * `node --import tsx bench/retag.ts --size=100k --segments=1000 --rules=5k [--shape=sparse] [--seed=42] [--retags=5] [--check]`:
 * the cost of one re-tag with incremental compile. Generates the estate, reads it through the
 * sandbox adapters, compiles and plans it once (timed: the full compile + plan), then re-tags
 * workloads one after another (tier → the next tier of the same app, same network, as the main
 * bench does) and times recompile() and plan() of each. `--check` also runs a full compile
 * after each re-tag and compares the JSON (slow at 100k). Budgets lifted, as the 100k bench case.
 * Prints wall and CPU milliseconds and the peak RSS, and the same as `@@tag json` lines
 * (bench/child-process.ts), which `npm run bench -- --write` reads. `--profile=FILE.cpuprofile`
 * writes a V8 CPU profile of the re-tags alone (recompile + plan, not the full compile nor --check),
 * for `node --import tsx bench/profile.ts FILE.cpuprofile`.
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector/promises';
import { readWorld } from '../adapters/reconcile.ts';
import { compile, recompile, type Desired } from '../core/compile/index.ts';
import type { CompileContext } from '../core/model/budgets.ts';
import type { Workload } from '../core/model/inventory.ts';
import { plan } from '../core/plan/index.ts';
import { parsePolicy } from '../core/policy/parse.ts';
import { parseSize, UNBOUNDED } from './cases.ts';
import { benchSandbox } from './counting-sandbox.ts';
import { generateEstate, generatePolicy, Rng } from './generate.ts';
import { NEXT_TIER } from './run-case.ts';
import { emit } from './case-result.ts';

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const size = parseSize(arg('size') ?? '10k');
const segments = parseSize(arg('segments') ?? '1000');
const rules = parseSize(arg('rules') ?? '5k');
const shape = (arg('shape') ?? 'sparse') as 'sparse';
const seed = Number(arg('seed') ?? 42);
const retags = Number(arg('retags') ?? 5);
const check = process.argv.includes('--check');
const profileFile = arg('profile');
const session = profileFile ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
}

/** Wall and CPU (user + system) milliseconds of f. */
function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}
const ms = (x: number) => `${x < 100 ? x.toFixed(1) : Math.round(x)} ms`;
const json = (d: Desired) =>
  JSON.stringify({ aws: d.aws, azure: d.azure, gcp: d.gcp, findings: d.findings }, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v,
  );

const estate = generateEstate({ seed, workloads: size, segments }).estate;
const policy = parsePolicy(generatePolicy({ seed, segments, rules, shape, monitorShare: 0.05 }), 'bench.yaml');
const world = await readWorld(benchSandbox(estate, 'unbounded').clouds);
const ctx: CompileContext = { deploymentId: 'bench', limits: UNBOUNDED };
const rssBefore = process.memoryUsage().rss;
const full = timed(() => compile(policy, world.inventory, ctx));
const fullPlan = timed(() => plan(full.value, world.state, ctx, { exclusive: policy.exclusive }));
console.log(
  `${arg('size') ?? '10k'}/${segments}/${rules}/${shape} seed ${seed}: ${world.inventory.workloads.length} workloads, ` +
    `${full.value.reach.classification.classes.length} classes, ${full.value.reach.networks.length} networks`,
);
console.log(
  `full compile ${ms(full.wall)} (cpu ${ms(full.cpu)}) + plan ${ms(fullPlan.wall)} (cpu ${ms(fullPlan.cpu)}); ` +
    `RSS before compile ${Math.round(rssBefore / 2 ** 20)} MiB, peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
);

const rng = new Rng(seed + 99);
const segmentNames = new Set(policy.segments.filter((s) => s.mode === 'enforce').map((s) => s.name));
let workloads: Workload[] = world.inventory.workloads;
let desired = full.value;
emit('full', {
  workloads: world.inventory.workloads.length,
  classes: full.value.reach.classification.classes.length,
  compile: { wall: full.wall, cpu: full.cpu },
  plan: { wall: fullPlan.wall, cpu: fullPlan.cpu },
  rssBefore,
});
const profiled: Profiler.Profile[] = [];
console.log('| re-tag | change | recompile | plan | networks recompiled |');
console.log('|---|---|---:|---:|---:|');
for (let i = 0; i < retags; i++) {
  const cls = desired.reach.classification;
  const candidates = workloads
    .filter((w) => cls.classOf.get(w.id)?.status === 'enforced' && w.labels.app && w.labels.tier)
    .filter((w) => segmentNames.has(`${w.labels.app}-${NEXT_TIER[w.labels.tier!] ?? ''}`));
  const w = candidates[rng.int(candidates.length)]!;
  const to = NEXT_TIER[w.labels.tier!]!;
  const moved: Workload = { ...w, labels: Object.freeze({ ...w.labels, tier: to }) };
  workloads = workloads.map((x) => (x.id === w.id ? moved : x));
  const before = new Set(desired.reach.networks);
  if (session) await session.post('Profiler.start');
  const inc = timed(() => recompile(desired, policy, { workloads }, [w.id], ctx));
  const p = timed(() => plan(inc.value, world.state, ctx, { exclusive: policy.exclusive }));
  if (session) profiled.push((await session.post('Profiler.stop')).profile);
  const redone = inc.value.reach.networks.filter((n) => !before.has(n)).length;
  console.log(
    `| ${i + 1} | ${w.cloud} ${w.labels.app} tier ${w.labels.tier} → ${to} | ${ms(inc.wall)} (cpu ${ms(inc.cpu)}) | ${ms(p.wall)} (cpu ${ms(p.cpu)}) | ${redone} of ${inc.value.reach.networks.length} |`,
  );
  emit('retag', {
    change: `${w.cloud} ${w.labels.app} tier ${w.labels.tier} → ${to}`,
    recompile: { wall: inc.wall, cpu: inc.cpu },
    plan: { wall: p.wall, cpu: p.cpu },
    networksRedone: redone,
    networks: inc.value.reach.networks.length,
  });
  if (check) {
    const again = compile(policy, { workloads }, ctx);
    if (json(again) !== json(inc.value)) throw new Error(`re-tag ${i + 1}: recompile differs from a full compile`);
  }
  desired = inc.value;
}
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
emit('peak', { maxRss: process.resourceUsage().maxRSS * 1024 });

if (profileFile && profiled.length > 0) {
  // One profile of every re-tag: the same call tree, sample lists concatenated.
  writeFileSync(profileFile, JSON.stringify(mergeProfiles(profiled)));
  console.log(`profile of the re-tags: ${profileFile}`);
}

function mergeProfiles(profiles: Profiler.Profile[]): Profiler.Profile {
  const nodes = new Map<string, Profiler.ProfileNode & { children: number[] }>();
  const byNewId = new Map<number, Profiler.ProfileNode & { children: number[] }>();
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let duration = 0;
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const ids = new Map<number, number>();
    const walk = (id: number, path: string, parent?: number) => {
      const n = byId.get(id)!;
      const key = `${path}>${JSON.stringify(n.callFrame)}`;
      let m = nodes.get(key);
      if (!m) {
        m = { id: nodes.size + 1, callFrame: n.callFrame, hitCount: 0, children: [] };
        nodes.set(key, m);
        byNewId.set(m.id, m);
        if (parent !== undefined) byNewId.get(parent)!.children.push(m.id);
      }
      m.hitCount! += n.hitCount ?? 0;
      ids.set(id, m.id);
      for (const c of n.children ?? []) walk(c, key, m.id);
    };
    walk(p.nodes[0]!.id, '');
    for (const s of p.samples ?? []) samples.push(ids.get(s)!);
    timeDeltas.push(...(p.timeDeltas ?? []));
    duration += p.endTime - p.startTime;
  }
  return { nodes: [...nodes.values()], startTime: 0, endTime: duration, samples, timeDeltas };
}
