import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';

/**
 * `segsync apply`: plan, refuse blocking findings, apply with the engine (phases as barriers,
 * locations in parallel, paced to the clouds' budgets). Progress: a bar with ETA on a TTY, one
 * JSON line per step otherwise (`--quiet`: neither); a summary at the end.
 * Exit 0 when nothing is left to do, 1 when steps remain after the last round (or on an error).
 */
export function registerApply(program: Command, io: Io): void {
  cloudOptions(program.command('apply').description('apply the plan, safely ordered; re-plans on conflicts'))
    .option('--quiet', 'print only the summary')
    .addHelpText('after', '\nExit codes: 0 applied, nothing left to do; 1 error, or steps remain after the last round.')
    .action(async (opts: CloudOptions & { quiet?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { reconcile } = await import('../../adapters/reconcile.ts');
      const { renderPlan, summaryLine } = await import('../../core/plan/render.ts');
      const { progressReporter } = await import('../../adapters/engine/progress.ts');
      const { policy, clouds, ctx, pacer } = loadClouds(opts, io);
      const started = performance.now();
      const progress = progressReporter(io, { tty: Boolean(io.tty), quiet: Boolean(opts.quiet) });
      let result;
      try {
        result = await reconcile(policy, clouds, ctx, { onProgress: progress.step });
      } finally {
        progress.stop();
      }
      if (!opts.quiet && result.last.plan.findings.length > 0)
        io.out(renderPlan({ steps: [], findings: result.last.plan.findings }));
      const calls = pacer.stats().reduce((n, s) => n + s.calls, 0);
      const throttled = pacer.stats().reduce((n, s) => n + s.throttled, 0);
      io.out(
        `Applied ${result.applied} step(s) in ${result.rounds - 1} round(s): ${calls} API calls, ` +
          `${throttled} throttled and retried, ${progress.retries()} step retries, ` +
          `${((performance.now() - started) / 1000).toFixed(1)}s. ${summaryLine(result.last.plan.steps)}\n`,
      );
      const left = result.last.plan.steps.length;
      if (left > 0) {
        io.err(`error: ${left} step(s) still to do after ${result.rounds - 1} round(s); run apply again or see plan\n`);
        throw new ExitRequest(1);
      }
      // "No changes" only says segsync's objects are in place; whether the clouds enforce the
      // policy (foreign groups, subnet NSGs) is verify's question, so apply asks it too.
      const { verify, renderVerdict } = await import('../../core/verify/index.ts');
      const checked = verify(policy, result.last.inventory, result.last.state, { deploymentId: ctx.deploymentId });
      if (checked.disagreements.length === 0)
        io.out(
          `Verified: ${checked.flows} flows, ${checked.checked} enforced sides: native state matches the policy.\n`,
        );
      else io.out(`Verify disagrees with the policy:\n${renderVerdict(checked, 5)}`);
    });
}
