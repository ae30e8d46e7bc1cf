import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';
import { plural } from '../text.ts';

/**
 * `segsync apply`: plan, refuse blocking findings, apply in make-before-break order with progress.
 * Exit 0 when nothing is left to do, 1 when steps remain after the last round (or on an error).
 */
export function registerApply(program: Command, io: Io): void {
  cloudOptions(program.command('apply').description('apply the plan, safely ordered; re-plans on conflicts'))
    .option('--quiet', 'print only the summary')
    .option('--json', 'print what was applied and what is left as data (no progress lines)')
    .addHelpText('after', '\nExit codes: 0 applied, nothing left to do; 1 error, or steps remain after the last round.')
    .action(async (opts: CloudOptions & { quiet?: boolean; json?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { reconcile } = await import('../../adapters/reconcile.ts');
      const { renderPlan, summaryLine } = await import('../../core/plan/render.ts');
      const { policy, clouds, ctx, save } = loadClouds(opts, io);
      const applied: Array<{ cloud: string; kind: string; target: string; summary: string }> = [];
      const result = await reconcile(policy, clouds, ctx, {
        onStep: (step, i) => {
          save();
          applied.push({ cloud: step.cloud, kind: step.kind, target: step.target, summary: step.summary });
          if (!opts.quiet && !opts.json)
            io.out(`  [${i + 1}] ${step.cloud.padEnd(5)} ${step.kind.padEnd(22)} ${step.summary}\n`);
        },
      });
      const left = result.last.plan.steps.length;
      if (opts.json)
        io.out(
          `${JSON.stringify({ applied, rounds: result.rounds - 1, left: result.last.plan.steps, findings: result.last.plan.findings }, null, 2)}\n`,
        );
      else if (!opts.quiet && result.last.plan.findings.length > 0)
        io.out(renderPlan({ steps: [], findings: result.last.plan.findings }));
      if (!opts.json)
        io.out(
          `Applied ${plural(result.applied, 'step')} in ${plural(result.rounds - 1, 'round')}. ${summaryLine(result.last.plan.steps)}\n`,
        );
      if (left > 0) {
        io.err(
          `error: ${plural(left, 'step')} still to do after ${plural(result.rounds - 1, 'round')}; run apply again or see plan\n`,
        );
        throw new ExitRequest(1);
      }
    });
}
