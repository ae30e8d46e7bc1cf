import type { Command } from 'commander';
import { planToJson, renderPlan } from '../../core/plan/render.ts';
import { planWorld } from '../../adapters/reconcile.ts';
import { cloudOptions, loadClouds, type CloudOptions } from '../context.ts';
import { ExitRequest, type Io } from '../io.ts';

/** `segsync plan`: exit 0 no changes, 2 changes, 1 error (STYLE G5, terraform's -detailed-exitcode). */
export function registerPlan(program: Command, io: Io): void {
  cloudOptions(program.command('plan').description('show what would change in each cloud, grouped by network, with counts'))
    .option('--json', 'print the plan as JSON')
    .action(async (opts: CloudOptions & { json?: boolean }) => {
      const { policy, clouds, ctx } = loadClouds(opts, io);
      const { plan } = await planWorld(policy, clouds, ctx);
      io.out(opts.json ? planToJson(plan) : renderPlan(plan, { color: Boolean(process.stdout.isTTY) }));
      if (plan.findings.some((f) => f.severity === 'error')) throw new ExitRequest(1);
      if (plan.steps.length > 0) throw new ExitRequest(2);
    });
}
