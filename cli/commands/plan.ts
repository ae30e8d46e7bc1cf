import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';
import { useColor } from '../version.ts';

/** `segsync plan`: exit 0 no changes, 2 changes, 1 error (STYLE G5, terraform's -detailed-exitcode). */
export function registerPlan(program: Command, io: Io): void {
  cloudOptions(
    program.command('plan').description('show what would change in each cloud, grouped by network, with counts'),
  )
    .option('--json', 'print the plan as JSON')
    .action(async (opts: CloudOptions & { json?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { planWorld } = await import('../../adapters/reconcile.ts');
      const { planToJson, renderPlan } = await import('../../core/plan/render.ts');
      const { estimateApply } = await import('../../adapters/engine/estimate.ts');
      const { policy, clouds, ctx } = loadClouds(opts, io);
      const { plan } = await planWorld(policy, clouds, ctx);
      const estimate = estimateApply(plan.steps);
      io.out(opts.json ? planToJson(plan, estimate) : renderPlan(plan, { color: useColor(), estimate }));
      if (plan.findings.some((f) => f.severity === 'error')) throw new ExitRequest(1);
      if (plan.steps.length > 0) throw new ExitRequest(2);
    });
}
