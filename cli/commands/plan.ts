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
    .option('--json', 'print the plan as JSON: steps, findings, and per monitor segment what enforcing it would cut')
    .action(async (opts: CloudOptions & { json?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { planWorld } = await import('../../adapters/reconcile.ts');
      const { planToJson, renderFindings, renderPlan, wrap } = await import('../../core/plan/render.ts');
      const { estimateApply } = await import('../../adapters/engine/estimate.ts');
      const { monitorLine, monitorReports } = await import('../../core/verify/monitor.ts');
      const { policy, clouds, ctx } = await loadClouds(opts, io);
      const { plan, inventory, state } = await planWorld(policy, clouds, ctx);
      const estimate = estimateApply(plan.steps);
      // The crawl step: what enforcing each monitor segment would cut of what the clouds allow today.
      const monitor = monitorReports(policy, inventory, state);
      if (opts.json) {
        io.out(planToJson(plan, estimate, { monitor }));
      } else {
        // Data on stdout, warnings and errors on stderr.
        if (plan.findings.length > 0)
          io.err(`${renderFindings(plan.findings, { color: useColor(process.stderr), ...widthOption() })}\n`);
        const text = renderPlan(plan, { color: useColor(), findings: false, estimate, ...widthOption() });
        const { width } = widthOption();
        // Examples name workloads by id, and an Azure id alone can be wider than the terminal.
        const fit = (line: string) =>
          width === undefined || line.length <= width ? line : `${line.slice(0, width - 1)}…`;
        const lines = monitor.flatMap((m) => wrap(monitorLine(m), width, '    ').split('\n').map(fit));
        io.out(text + lines.map((l) => `${l}\n`).join(''));
      }
      if (plan.findings.some((f) => f.severity === 'error')) throw new ExitRequest(1);
      if (plan.steps.length > 0) throw new ExitRequest(2);
    });
}
