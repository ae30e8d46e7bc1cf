import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import type { Io } from '../io.ts';

/**
 * `segsync state --sandbox estate.yaml --policy policy.yaml`: applies, then prints the native
 * state of all three clouds in their own API shapes. Other tools check segsync through this.
 */
export function registerState(program: Command, io: Io): void {
  cloudOptions(
    program.command('state').description("apply, then print the native state in each cloud's API shapes (JSON)"),
  )
    .option('--no-apply', 'print the estate as seeded, before segsync applies anything')
    .action(async (opts: CloudOptions & { apply: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { readWorld, reconcile } = await import('../../adapters/reconcile.ts');
      const { policy, sandbox, clouds, ctx, save } = await loadClouds(opts, io);
      if (opts.apply) await reconcile(policy, clouds, ctx, { onStep: save });
      // The sandbox shows everything it holds; real clouds show what segsync reads of them.
      const state = sandbox ? sandbox.snapshot() : (await readWorld(clouds)).state;
      io.out(`${JSON.stringify(state, null, 2)}\n`);
    });
}
