import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';
import { plural } from '../text.ts';

/** `segsync verify`: native evaluators vs. the intent oracle over every workload pair and sample ports. */
export function registerVerify(program: Command, io: Io): void {
  cloudOptions(program.command('verify').description('check that what the clouds enforce equals what the policy says'))
    .option('--no-apply', 'verify the estate as seeded, without applying first')
    .option('--json', 'print disagreements as JSON')
    .action(async (opts: CloudOptions & { apply: boolean; json?: boolean }) => {
      const { loadClouds } = await import('../context.ts');
      const { readWorld, reconcile } = await import('../../adapters/reconcile.ts');
      const { verify } = await import('../../core/verify/index.ts');
      const { policy, clouds, ctx, save } = loadClouds(opts, io);
      if (opts.apply) await reconcile(policy, clouds, ctx, { onStep: save });
      const world = await readWorld(clouds);
      const result = verify(policy, world.inventory, world.state);
      if (opts.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
      else {
        for (const d of result.disagreements.slice(0, 50)) {
          io.out(
            `  ${d.side.padEnd(7)} ${d.flow.src} → ${d.flow.dst} ${d.flow.protocol}${d.flow.port !== undefined ? `/${d.flow.port}` : ''}: ` +
              `policy ${d.intended ? 'allows' : 'denies'} (${d.policyRules.join(', ') || 'default deny'}), cloud ${d.actual ? 'allows' : 'denies'} (${d.nativeRule})\n`,
          );
        }
        if (result.disagreements.length > 50) io.out(`  … and ${result.disagreements.length - 50} more\n`);
        io.out(
          `${result.flows} flows, ${result.checked} enforced sides checked: ${plural(result.disagreements.length, 'disagreement')}.\n`,
        );
      }
      if (result.disagreements.length > 0) throw new ExitRequest(1);
    });
}
