import type { Command } from 'commander';
import { policyJsonSchema } from '../../core/policy/schema.ts';
import type { Io } from '../io.ts';

/** `segsync schema`: the JSON Schema of the policy format, for editors. */
export function registerSchema(program: Command, io: Io): void {
  program
    .command('schema')
    .description('print the JSON Schema of the policy file format (for editor completion)')
    .action(() => io.out(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`));
}
