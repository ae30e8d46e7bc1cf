import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import type { Io } from '../io.ts';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

export function registerDemo(program: Command, io: Io): void {
  program
    .command('demo')
    .description('run the whole loop on the embedded sandbox clouds (what npm start does)')
    .option('--estate <file>', 'estate file', example('hybrid-estate.yaml'))
    .option('--policy <file>', 'policy file', example('three-tier.yaml'))
    .action(async (opts: { estate: string; policy: string }) => (await import('../demo.ts')).runDemo(opts, io));
}
