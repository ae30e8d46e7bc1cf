import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';
import { useColor } from '../version.ts';

/** `segsync plan`: exit 0 no changes, 2 changes, 1 error (STYLE G5, terraform's -detailed-exitcode). */
export function registerPlan(program: Command, io: Io): void {
  cloudOptions(
    program.command('plan').description('show what would change in each cloud, grouped by network, with counts'),
  )
    .option('--json', 'print the plan as JSON: steps, findings, and per monitor segment what enforcing it would cut')
    .action(async (opts: CloudOptions & { json?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { planWorld } = await import('../../adapters/reconcile.ts');
      const { planToJson, renderPlan } = await import('../../core/plan/render.ts');
      const { estimateApply } = await import('../../adapters/engine/estimate.ts');
      const { monitorLine, monitorReports } = await import('../../core/verify/monitor.ts');
      const { policy, clouds, ctx } = loadClouds(opts, io);
      const { plan, inventory, state } = await planWorld(policy, clouds, ctx);
      const estimate = estimateApply(plan.steps);
      // The crawl step: what enforcing each monitor segment would cut of what the clouds allow today.
      const monitor = monitorReports(policy, inventory, state);
      if (opts.json) {
        const data = JSON.parse(planToJson(plan, estimate)) as Record<string, unknown>;
        io.out(`${JSON.stringify({ ...data, monitor }, null, 2)}\n`);
      } else {
        io.out(renderPlan(plan, { color: useColor(), estimate }) + monitor.map((m) => `${monitorLine(m)}\n`).join(''));
      }
      if (plan.findings.some((f) => f.severity === 'error')) throw new ExitRequest(1);
      if (plan.steps.length > 0) throw new ExitRequest(2);
    });
}
