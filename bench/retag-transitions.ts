/**
 * `node --import tsx bench/retag-transitions.ts [--seed=42] [--size=1k] [--picks=2,11,23]`: how many
 * AWS re-tags of a packed estate plan without `transition-exceeds-quota` (realistic shape, 100
 * segments, 1k rules, AWS maximum 200 × 5). Applies the full plan on the sandbox, then re-tags the
 * picked enforced AWS workloads one after another (tier → next tier, as the bench's re-tag); an
 * accepted plan is applied and must converge (re-plan empty), a refused one is tagged back.
 * Counts, not timings: load does not change them.
 */
import { applySteps, readWorld } from '../adapters/reconcile.ts';
import { compile } from '../core/compile/index.ts';
import { plan } from '../core/plan/index.ts';
import { parsePolicy } from '../core/policy/parse.ts';
import { AWS_MAX, DEPLOYMENT, parseSize } from './cases.ts';
import { benchSandbox } from './counting-sandbox.ts';
import { generateEstate, generatePolicy } from './generate.ts';
import { NEXT_TIER } from './run-case.ts';
import { emit } from './case-result.ts';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const seed = Number(arg('seed', '42'));
const size = parseSize(arg('size', '1k'));
const picks = arg('picks', '2,11,23,29,41,47,59,67,73,83,97,101,0,7,19,33,51').split(',').map(Number);

const ctx = { deploymentId: DEPLOYMENT, limits: { aws: AWS_MAX } };
const estate = generateEstate({ seed, workloads: size, segments: 100 }).estate;
const policy = parsePolicy(
  generatePolicy({ seed, segments: 100, rules: 1000, shape: 'realistic', monitorShare: 0.05 }),
  'bench.yaml',
);
const sb = benchSandbox(estate, 'max');
const start = await readWorld(sb.clouds);
const desired = compile(policy, start.inventory, ctx);
await applySteps(plan(desired, start.state, ctx, { exclusive: policy.exclusive }).steps, sb.clouds, {
  sleep: async () => {},
});

const cls = desired.reach.classification;
const enforced = new Set(policy.segments.filter((s) => s.mode === 'enforce').map((s) => s.name));
const candidates = start.inventory.workloads
  .filter((w) => w.cloud === 'aws' && cls.classOf.get(w.id)?.status === 'enforced' && w.labels.app && w.labels.tier)
  .filter((w) => enforced.has(`${w.labels.app}-${NEXT_TIER[w.labels.tier!] ?? ''}`))
  .sort((a, b) => (a.id < b.id ? -1 : 1));

let applied = 0;
const refused: string[] = [];
for (const w of picks.map((i) => candidates[i % candidates.length]!)) {
  const scope = { account: w.location.account, region: w.location.region };
  const original = estate.aws.find((x) => x.id === w.nativeId)!.tags;
  // Drop the mixed-case spellings the generator uses, so the new tier is the only one.
  const tags: Record<string, string | null> = {};
  for (const k of Object.keys(original)) if (k.toLowerCase() === 'tier' && k !== 'tier') tags[k] = null;
  sb.aws.tagInstance(scope, w.nativeId, { ...tags, tier: NEXT_TIER[w.labels.tier!]! });
  const world = await readWorld(sb.clouds);
  const next = compile(policy, world.inventory, ctx);
  const p = plan(next, world.state, ctx, { exclusive: policy.exclusive });
  const errors = p.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    // Every refusal finding, not just the first: one re-tag often refuses several groups.
    console.log(`${w.nativeId}: refused, ${p.steps.length} steps`);
    for (const e of errors) console.log(`  ${e.message}`);
    refused.push(errors[0]!.message);
    sb.aws.tagInstance(scope, w.nativeId, { tier: w.labels.tier! });
    continue;
  }
  await applySteps(p.steps, sb.clouds, { sleep: async () => {} });
  const left = plan(next, (await readWorld(sb.clouds)).state, ctx, { exclusive: policy.exclusive }).steps.length;
  console.log(`${w.nativeId}: applied, ${p.steps.length} steps, re-plan ${left} steps`);
  if (left === 0) applied++;
}
console.log(`${applied} of ${picks.length} re-tags applied and converged`);
emit('transitions', { seed, size, applied, picks: picks.length, refused });
