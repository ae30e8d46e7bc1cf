/**
 * `segsync demo` (npm start): the whole loop on the embedded sandbox clouds, readable by a
 * person: inventory → plan → apply → verify → reachability → re-tag → small plan → apply.
 */
import { planWorld, readWorld, reconcile } from '../adapters/reconcile.ts';
import { loadEstate } from '../adapters/sandbox/estate.ts';
import { Sandbox } from '../adapters/sandbox/index.ts';
import { workloadStatus } from '../core/policy/intent.ts';
import { renderPlan, summaryLine } from '../core/plan/render.ts';
import { verify } from '../core/verify/index.ts';
import { loadPolicyOrExit } from './context.ts';
import type { Io } from './io.ts';
import { countOwned, renderCounts } from './native-summary.ts';
import { reachabilityTable } from './reachability.ts';
import { plural } from './text.ts';

export async function runDemo(opts: { estate: string; policy: string }, io: Io): Promise<void> {
  const say = (s = '') => io.out(`${s}\n`);
  const ctx = { deploymentId: 'demo' };
  const policy = loadPolicyOrExit(opts.policy, io);
  const sandbox = Sandbox.fromEstate(loadEstate(opts.estate));
  const clouds = sandbox.clouds();

  say('segsync demo: one label policy, enforced natively on AWS, Azure and GCP (embedded sandbox clouds)\n');
  const before = await readWorld(clouds);
  const statuses = before.inventory.workloads.map((w) => workloadStatus(policy, w));
  const perCloud = (['aws', 'azure', 'gcp'] as const)
    .map((c) => `${c} ${before.inventory.workloads.filter((w) => w.cloud === c).length}`)
    .join(', ');
  say(
    `1. Inventory: ${before.inventory.workloads.length} instances (${perCloud}); ` +
      `${statuses.filter((s) => s === 'enforced').length} enforced, ${statuses.filter((s) => s === 'monitored').length} monitored, ${statuses.filter((s) => s === 'unmanaged').length} left alone`,
  );
  say(
    `2. Policy "${policy.name}": ${policy.segments.length} segments, ${policy.rules.length} rules, ${policy.externals.length} externals\n`,
  );

  const first = await planWorld(policy, clouds, ctx);
  say('3. Plan');
  say(indent(renderPlan(first.plan, { maxStepsPerNetwork: 4 })));
  const started = performance.now();
  const applied = await reconcile(policy, clouds, ctx);
  say(
    `4. Apply: ${applied.applied} steps in ${Math.round(performance.now() - started)} ms. Native objects segsync now owns:`,
  );
  say(indent(renderCounts(countOwned(sandbox.snapshot(), ctx.deploymentId))));
  await verifyAndSay(5, '');

  say("\n6. Reachability, as the clouds enforce it (ports of the policy's rules; · = nothing):");
  const world = await readWorld(clouds);
  say(indent(reachabilityTable(policy, world.inventory, world.state)));

  const moved = world.inventory.workloads.find(
    (w) => w.cloud === 'aws' && w.labels.tier === 'web' && w.labels.env === 'prod' && w.nativeId !== 'i-prod-web1',
  );
  if (!moved) return;
  say(`\n7. Someone re-tags ${moved.nativeId} from Tier=web to Tier=app (same VPC, another segment):`);
  sandbox.aws.tagInstance({ account: moved.location.account, region: moved.location.region }, moved.nativeId, {
    Tier: 'app',
    tier: null,
  });
  const retag = await planWorld(policy, clouds, ctx);
  say(indent(renderPlan(retag.plan)));
  const again = await reconcile(policy, clouds, ctx);
  say(`   Applied ${plural(again.applied, 'step')}. ${summaryLine(again.last.plan.steps)}`);
  await verifyAndSay(8, ' after the re-tag');

  async function verifyAndSay(n: number, when: string): Promise<void> {
    const w = await readWorld(clouds);
    const result = verify(policy, w.inventory, w.state);
    say(
      `${n}. Verify${when}: ${result.flows} flows, ${result.checked} enforced sides checked against the policy: ${plural(result.disagreements.length, 'disagreement')}.`,
    );
    for (const d of result.disagreements.slice(0, 5))
      say(
        `   ${d.side} ${d.flow.src} → ${d.flow.dst} ${d.flow.protocol}/${d.flow.port ?? ''}: policy ${d.intended}, cloud ${d.actual} (${d.nativeRule})`,
      );
  }
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}
