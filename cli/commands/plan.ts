import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';
import { terminalWidth, useColor } from '../version.ts';

/** Lines fit the terminal (or $COLUMNS); piped output keeps full lines (and --json has everything). */
const widthOption = (): { width?: number } => {
  const width = terminalWidth();
  return width === undefined ? {} : { width };
};

/** `segsync plan`: exit 0 no changes, 2 changes, 1 error (STYLE G5, terraform's -detailed-exitcode). */
export function registerPlan(program: Command, io: Io): void {
  cloudOptions(
    program.command('plan').description('show what would change in each cloud, grouped by network, with counts'),
  )
    .option('--json', 'print the plan as JSON')
    .action(async (opts: CloudOptions & { json?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { planWorld } = await import('../../adapters/reconcile.ts');
      const { planToJson, renderFindings, renderPlan } = await import('../../core/plan/render.ts');
      const { policy, clouds, ctx } = loadClouds(opts, io);
      const { plan } = await planWorld(policy, clouds, ctx);
      if (opts.json) io.out(planToJson(plan));
      else {
        // Data on stdout, warnings and errors on stderr.
        if (plan.findings.length > 0)
          io.err(`${renderFindings(plan.findings, { color: useColor(process.stderr), ...widthOption() })}\n`);
        io.out(renderPlan(plan, { color: useColor(), findings: false, ...widthOption() }));
      }
      if (plan.findings.some((f) => f.severity === 'error')) throw new ExitRequest(1);
      if (plan.steps.length > 0) throw new ExitRequest(2);
    });
}
