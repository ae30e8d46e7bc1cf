import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Io } from '../io.ts';

/** examples/ sits two folders up from the sources (cli/commands) and three from the build (dist/cli/commands). */
const example = (name: string) =>
  [`../../examples/${name}`, `../../../examples/${name}`]
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((path) => existsSync(path)) ?? name;

export function registerDemo(program: Command, io: Io): void {
  program
    .command('demo')
    .description('run the whole loop on the embedded sandbox clouds (what npm start does)')
    .option('--estate <file>', 'estate file', example('hybrid-estate.yaml'))
    .option('--policy <file>', 'policy file', example('three-tier.yaml'))
    .action(async (opts: { estate: string; policy: string }) => {
      process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'; // before the handlers load: EMF lines are for CloudWatch
      await (await import('../demo.ts')).runDemo(opts, io);
    });
}
