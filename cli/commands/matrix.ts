import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import type { Io } from '../io.ts';

/** Beyond this many points the wide table no longer fits a terminal, so the grid is the default. */
const WIDE_LIMIT = 8;

/**
 * `segsync matrix`: applies, then shows who reaches whom as the clouds enforce it, one
 * representative workload per segment and one address per external, probed on every port the
 * policy names.
 */
export function registerMatrix(program: Command, io: Io): void {
  cloudOptions(program.command('matrix').description('print the segment reachability matrix, as the clouds enforce it'))
    .option('--wide', 'spell out the open ports in every cell')
    .option('--compact', 'one character per cell (the default above 8 segments and externals)')
    .option('--json', 'print the matrix as data')
    .option('--no-apply', 'show the estate as seeded, without applying first')
    .action(async (opts: CloudOptions & { wide?: boolean; compact?: boolean; json?: boolean; apply: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { readWorld, reconcile } = await import('../../adapters/reconcile.ts');
      const { reachabilityMatrix, renderCompact, renderWide } = await import('../reachability.ts');
      const { policy, clouds, ctx, save } = await loadClouds(opts, io);
      if (opts.apply) await reconcile(policy, clouds, ctx, { onStep: save });
      const world = await readWorld(clouds);
      const m = reachabilityMatrix(policy, world.inventory, world.state);
      if (opts.json) return io.out(`${JSON.stringify(m, null, 2)}\n`);
      const compact = opts.compact || (!opts.wide && m.points.length > WIDE_LIMIT);
      io.out(`${compact ? renderCompact(m) : renderWide(m)}\n`);
    });
}
