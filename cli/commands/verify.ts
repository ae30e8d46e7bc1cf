import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';

/** `segsync verify`: native evaluators vs. the intent oracle over every workload pair and sample ports. */
export function registerVerify(program: Command, io: Io): void {
  cloudOptions(program.command('verify').description('check that what the clouds enforce equals what the policy says'))
    .option('--no-apply', 'verify the estate as seeded, without applying first')
    .option('--json', 'print the result as JSON: disagreements, and causes (grouped by the native object that decided)')
    .action(async (opts: CloudOptions & { apply: boolean; json?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { readWorld, reconcile } = await import('../../adapters/reconcile.ts');
      const { verify, renderVerdict } = await import('../../core/verify/index.ts');
      const { policy, clouds, ctx, save } = await loadClouds(opts, io);
      if (opts.apply) await reconcile(policy, clouds, ctx, { onStep: save });
      const world = await readWorld(clouds);
      const { monitorLine, monitorReports } = await import('../../core/verify/monitor.ts');
      const result = verify(policy, world.inventory, world.state, { deploymentId: ctx.deploymentId });
      const monitor = monitorReports(policy, world.inventory, world.state);
      if (opts.json) io.out(`${JSON.stringify({ ...result, monitor }, null, 2)}\n`);
      else io.out(monitor.map((m) => `${monitorLine(m)}\n`).join('') + renderVerdict(result));
      if (result.disagreements.length > 0) throw new ExitRequest(1);
    });
}
