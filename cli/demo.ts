/**
 * `segsync demo` (npm start): the whole loop on the embedded sandbox clouds, readable by a
 * person: inventory → plan → apply → verify → reachability → snapshot → a re-tag in each cloud
 * delivered as that cloud's event to the handlers → verify → a rule deleted by hand → drift run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planWorld, readWorld, reconcile } from '../adapters/reconcile.ts';
import { driftLocation } from '../adapters/events/drift.ts';
import { FileSnapshotStore } from '../adapters/events/snapshot-file.ts';
import { deliverLocally } from '../functions/local.ts';
import type { Runtime } from '../functions/shared/runtime.ts';
import { renderReport } from './commands/handle-event.ts';
import { demoRetags, editOwnedRuleByHand } from './demo-events.ts';
import { loadEstate } from '../adapters/sandbox/estate.ts';
import { Sandbox } from '../adapters/sandbox/index.ts';
import { workloadStatus } from '../core/policy/intent.ts';
import { renderPlan } from '../core/plan/render.ts';
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

  // 7-10: the deployed loop (DESIGN.md §4), in-process: events through the handlers, then a drift run.
  const store = new FileSnapshotStore(mkdtempSync(join(tmpdir(), 'segsync-demo-')));
  const runtime: Runtime = {
    config: { deploymentId: ctx.deploymentId, drift: { mode: 'apply', schedule: 'demo' } },
    deps: { policy, clouds, ctx, store },
  };
  const targets = (['aws', 'azure', 'gcp'] as const).flatMap((cloud) =>
    clouds[cloud].locations().map((location) => ({ cloud, location })),
  );
  let checked = 0;
  for (const t of targets) checked += (await driftLocation(t, 'report', runtime.deps)).objectsChecked;
  say(
    `\n7. Snapshot: a first drift run read ${plural(targets.length, 'location')} (${checked} objects and workloads) and stored them, so an event re-reads one instance, not the estate.`,
  );

  say('\n8. Someone re-tags one instance in each cloud; each cloud sends its own event to its handler:');
  for (const change of demoRetags(world.inventory.workloads)) {
    change.apply(sandbox);
    const delivered = await deliverLocally(change.ref.cloud, change.event(), runtime);
    say(`   ${change.what} → ${change.via}`);
    for (const r of delivered.reports) say(indent(renderReport(r).replace(/^/gm, '  ')));
  }
  await verifyAndSay(9, ' after the events');

  const edited = await editOwnedRuleByHand(sandbox, ctx.deploymentId);
  if (!edited) return;
  const broken = await readWorld(clouds);
  const wrong = verify(policy, broken.inventory, broken.state).disagreements.length;
  say(
    `\n10. Someone deletes a rule of ${edited.group} by hand in the console: verify now finds ${plural(wrong, 'disagreement')}.`,
  );
  const drift = await driftLocation(edited.location, 'apply', runtime.deps);
  say(
    `    The scheduled drift run of ${drift.cloud} ${drift.location}: ${plural(drift.driftFound, 'drifted object')} found, ${drift.driftCorrected} corrected (${drift.durationMs} ms).`,
  );
  await verifyAndSay(11, ' after the drift run');

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
