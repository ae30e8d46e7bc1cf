import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import type { Io } from '../io.ts';

/**
 * `segsync state --sandbox estate.yaml --policy policy.yaml`: applies, then prints the native
 * state of all three clouds in their own API shapes. Other tools check segsync through this.
 */
export function registerState(program: Command, io: Io): void {
  cloudOptions(
    program
      .command('state')
      .description("apply to the sandbox and print the native state in each cloud's API shapes (JSON)"),
  )
    .option('--no-apply', 'print the estate as seeded, before segsync applies anything')
    .action(async (opts: CloudOptions & { apply: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { reconcile } = await import('../../adapters/reconcile.ts');
      const { policy, sandbox, clouds, ctx, save } = loadClouds(opts, io);
      if (opts.apply) await reconcile(policy, clouds, ctx, { onStep: save });
      io.out(`${JSON.stringify(sandbox.snapshot(), null, 2)}\n`);
    });
}
