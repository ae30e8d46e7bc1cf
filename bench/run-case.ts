/** One case, run inside its child process: generate, seed, read, compile, plan, apply, verify, re-tag — each phase metered. */
import { cpus, loadavg, totalmem } from 'node:os';
import { applySteps, readWorld } from '../adapters/reconcile.ts';
import type { Estate } from '../adapters/sandbox/estate-types.ts';
import { compile, type Desired } from '../core/compile/index.ts';
import type { Workload } from '../core/model/inventory.ts';
import { plan, type Plan } from '../core/plan/index.ts';
import type { CompileContext } from '../core/model/budgets.ts';
import type { Cloud } from '../core/policy/labels.ts';
import { parsePolicy } from '../core/policy/parse.ts';
import type { Policy } from '../core/policy/types.ts';
import { verify } from '../core/verify/index.ts';
import { generateEstate, generatePolicy, networkRanges, Rng } from './generate.ts';
import { gcExposed, Meter } from './measure.ts';
import { CLOUDS, DEPLOYMENT, type Case, AWS_MAX, UNBOUNDED, LOCAL_ESTATE, type Args } from './cases.ts';
import { type BenchSandbox, benchSandbox, total, stepsPerCloud } from './counting-sandbox.ts';
import { nativeSize, desiredSize, naiveTranslation } from './sizes.ts';
import { type RetagResult, type CaseResult, emit } from './case-result.ts';

export async function runCase(c: Case, args: Args): Promise<CaseResult> {
  const meter = new Meter();
  meter.onStart = (name) => emit('start', name);
  meter.onEnd = (r) => emit('phase', r);
  const ctx: CompileContext = {
    deploymentId: DEPLOYMENT,
    ...(c.aws === 'max' ? { limits: { aws: AWS_MAX } } : c.aws === 'unbounded' ? { limits: UNBOUNDED } : {}),
  };
  const result: CaseResult = {
    case: c,
    seed: args.seed,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      gc: gcExposed(),
      loadStart: loadavg()[0] ?? 0,
    },
    counts: {
      workloads: c.workloads,
      enforced: 0,
      monitored: 0,
      unmanaged: 0,
      quarantined: 0,
      classes: 0,
      networks: 0,
      policyLines: 0,
      denyRules: 0,
    },
    phases: meter.phases,
    retags: [],
  };
  try {
    const { estate, policy, text } = await meter.phase('generate', () => {
      // 'local': every app in one network (no second cloud or region), see PolicyOptions.shape.
      const generated = generateEstate({
        seed: args.seed,
        workloads: c.workloads,
        segments: c.segments,
        ...(c.shape === 'local' ? LOCAL_ESTATE : {}),
        ...(c.v4only ? { ipv6: 0 } : {}),
        ...(c.addresses ? { addressPlan: 'segment' as const } : {}),
      });
      const policyText = generatePolicy({
        seed: args.seed,
        segments: c.segments,
        rules: c.rules,
        shape: c.shape,
        monitorShare: args.monitor ?? (c.shape === 'local' ? 0 : 0.05),
        ...(c.addresses?.startsWith('compress') && generated.addressPlans
          ? { addressPlans: generated.addressPlans }
          : {}),
        ...(c.addresses === 'compress-admit' ? { unusedBlocks: 'admit' as const } : {}),
        ...(c.endToEnd ? { endToEndRanges: networkRanges(generated.networks) } : {}),
      });
      return { estate: generated.estate, text: policyText, policy: parsePolicy(policyText, 'bench.yaml') };
    });
    result.counts.policyLines = text.split('\n').length;
    result.counts.denyRules = policy.rules.filter((r) => r.action === 'deny').length;
    const sb = await meter.phase('seed', () => benchSandbox(estate, c.aws));
    const world0 = await meter.phase('read', () => readWorld(sb.clouds));
    const desired = await meter.phase('compile', () => compile(policy, world0.inventory, ctx));
    const cls = desired.reach.classification;
    for (const w of world0.inventory.workloads) {
      const status = cls.classOf.get(w.id)?.status;
      if (status === 'enforced') result.counts.enforced++;
      else if (status === 'monitored') result.counts.monitored++;
      else if (status === 'quarantined') result.counts.quarantined++;
      else result.counts.unmanaged++;
    }
    result.counts.classes = cls.classes.length;
    result.counts.networks = new Set(world0.inventory.workloads.map((w) => w.network)).size;
    const p0 = await meter.phase('plan-empty', () => plan(desired, world0.state, ctx, { exclusive: policy.exclusive }));
    result.planEmpty = { steps: stepsPerCloud(p0.steps), findings: findingCounts(p0) };
    result.naive = naiveTranslation(policy, desired);
    result.desiredSize = desiredSize(desired);
    if (args.coreOnly || c.aws === 'unbounded') return result;

    const blocking = p0.findings.filter((f) => f.severity === 'error');
    if (blocking.length > 0)
      throw new Error(
        `the full plan has ${blocking.length} error finding(s) (reconcile would refuse it): ${blocking
          .slice(0, 3)
          .map((f) => f.message)
          .join(' | ')}`,
      );
    sb.resetCounts();
    await meter.phase('apply', () => applySteps(p0.steps, sb.clouds, { sleep: async () => {} }));
    result.applyWrites = { aws: total(sb.counts.aws), azure: total(sb.counts.azure), gcp: total(sb.counts.gcp) };
    const world1 = await meter.phase('read-applied', () => readWorld(sb.clouds));
    const p1 = await meter.phase('plan-uptodate', () =>
      plan(desired, world1.state, ctx, { exclusive: policy.exclusive }),
    );
    result.planUptodateSteps = p1.steps.length;
    result.native = nativeSize(world1.state, desired);
    const v = await meter.phase('verify', () =>
      verify(policy, world1.inventory, world1.state, { maxFlows: args.maxFlows }),
    );
    result.verify = {
      maxFlows: args.maxFlows,
      flows: v.flows,
      checked: v.checked,
      truncated: v.truncated,
      disagreements: v.disagreements.length,
      sample: v.disagreements
        .slice(0, 3)
        .map(
          (d) =>
            `${d.side} ${d.flow.src} → ${d.flow.dst} ${d.flow.protocol}/${d.flow.port ?? ''}: policy ${d.intended}, cloud ${d.actual} (${d.nativeRule})`,
        ),
    };

    // Cost of change: one re-tag per cloud, each in its own round.
    // When a compile takes minutes, one re-tag (AWS) and no convergence check keep the case in budget.
    const rng = new Rng(args.seed + 99);
    let inventory = world1.inventory;
    const compileMs = meter.get('compile')?.ms ?? 0;
    for (const cloud of args.retagAll || compileMs < 60_000 ? CLOUDS : CLOUDS.slice(0, 1)) {
      const r = await retagOnce(cloud, {
        sb,
        estate,
        policy,
        ctx,
        inventory,
        desired,
        meter,
        rng,
        slowCompile: compileMs > 20_000,
      });
      result.retags.push(r.result);
      inventory = r.inventory;
    }
  } catch (e) {
    result.error =
      e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}` : String(e);
  } finally {
    meter.close();
    result.machine.loadEnd = loadavg()[0] ?? 0;
  }
  return result;
}

export const NEXT_TIER: Record<string, string> = { web: 'api', api: 'web', app: 'api', db: 'cache', cache: 'db' };

export async function retagOnce(
  cloud: Cloud,
  env: {
    sb: BenchSandbox;
    estate: Estate;
    policy: Policy;
    ctx: CompileContext;
    inventory: { workloads: Workload[] };
    desired: Desired;
    meter: Meter;
    rng: Rng;
    slowCompile: boolean;
  },
): Promise<{ result: RetagResult; inventory: { workloads: Workload[] } }> {
  const { sb, estate, policy, ctx, meter } = env;
  const cls = env.desired.reach.classification;
  const segmentNames = new Set(policy.segments.filter((s) => s.mode === 'enforce').map((s) => s.name));
  const candidates = env.inventory.workloads
    .filter((w) => w.cloud === cloud && cls.classOf.get(w.id)?.status === 'enforced' && w.labels.app && w.labels.tier)
    .filter((w) => segmentNames.has(`${w.labels.app}-${NEXT_TIER[w.labels.tier!] ?? ''}`))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const w = candidates.length > 0 ? candidates[env.rng.int(candidates.length)] : undefined;
  const base: RetagResult = {
    cloud,
    workload: '–',
    change: '–',
    readMs: 0,
    compileMs: 0,
    planMs: 0,
    steps: { aws: 0, azure: 0, gcp: 0 },
    stepKinds: {},
    writes: { aws: {}, azure: {}, gcp: {} },
    writesTotal: { aws: 0, azure: 0, gcp: 0 },
  };
  if (!w) return { result: { ...base, error: `no enforced ${cloud} workload to re-tag` }, inventory: env.inventory };
  const from = w.labels.tier!;
  const to = NEXT_TIER[from]!;
  const result: RetagResult = {
    ...base,
    workload: w.nativeId,
    change: `tier ${from} → ${to} (${w.labels.app}, same network)`,
  };
  if (cloud === 'aws') {
    const inst = estate.aws.find((x) => x.id === w.nativeId)!;
    const tags: Record<string, string | null> = {};
    for (const k of Object.keys(inst.tags)) if (k.toLowerCase() === 'tier' && k !== 'tier') tags[k] = null;
    tags.tier = to;
    sb.aws.tagInstance({ account: w.location.account, region: w.location.region }, w.nativeId, tags);
  } else if (cloud === 'azure') {
    sb.azure.tagVm(w.location.account, w.nativeId, { tier: to });
  } else {
    const inst = estate.gcp.find((x) => x.id === w.nativeId)!;
    sb.gcp.setLabels(inst.project, inst.zone, inst.id, { tier: to });
  }
  try {
    const world = await meter.phase(`retag-${cloud}-read`, () => readWorld(sb.clouds));
    const desired = await meter.phase(`retag-${cloud}-compile`, () => compile(policy, world.inventory, ctx));
    const p = await meter.phase(`retag-${cloud}-plan`, () =>
      plan(desired, world.state, ctx, { exclusive: policy.exclusive }),
    );
    result.readMs = meter.get(`retag-${cloud}-read`)!.ms;
    result.compileMs = meter.get(`retag-${cloud}-compile`)!.ms;
    result.planMs = meter.get(`retag-${cloud}-plan`)!.ms;
    result.steps = stepsPerCloud(p.steps);
    for (const s of p.steps)
      result.stepKinds[`${s.cloud} ${s.kind}`] = (result.stepKinds[`${s.cloud} ${s.kind}`] ?? 0) + 1;
    result.findings = findingCounts(p);
    const blocking = p.findings.filter((f) => f.severity === 'error');
    if (blocking.length > 0) {
      // reconcile() refuses such a plan before any write (PlanBlockedError); so does the bench.
      result.blocked = `${blocking.length} error finding(s): ${[...new Set(blocking.map((f) => f.code))].join(', ')}; first: ${blocking[0]!.message}`;
      return { result, inventory: world.inventory };
    }
    sb.resetCounts();
    let applied = 0;
    try {
      await applySteps(p.steps, sb.clouds, { sleep: async () => {}, attempts: 1, onStep: () => void applied++ });
    } catch (e) {
      const step = p.steps[applied];
      result.failedStep = `step ${applied + 1}/${p.steps.length} (${step?.cloud} ${step?.kind} ${step?.target}): ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      result.writes = structuredClone(sb.counts);
      result.writesTotal = { aws: total(sb.counts.aws), azure: total(sb.counts.azure), gcp: total(sb.counts.gcp) };
    }
    if (!env.slowCompile) {
      const again = await readWorld(sb.clouds);
      result.remaining = plan(compile(policy, again.inventory, ctx), again.state, ctx, {
        exclusive: policy.exclusive,
      }).steps.length;
    }
    return { result, inventory: world.inventory };
  } catch (e) {
    return {
      result: { ...result, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) },
      inventory: env.inventory,
    };
  }
}

export function findingCounts(p: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of p.findings) out[`${f.severity}:${f.code}`] = (out[`${f.severity}:${f.code}`] ?? 0) + 1;
  return out;
}
