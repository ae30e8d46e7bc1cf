import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { renderDiagnostic } from '../../core/diagnostics.ts';
import { loadAndValidatePolicy } from '../../core/policy/load.ts';
import { ExitRequest, type Io } from '../io.ts';
import { plural } from '../text.ts';

/** `segsync validate FILE...`: 0 when every file is valid (warnings allowed), 1 otherwise. */
export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('check policy files and list every mistake with file:line:column')
    .argument('<files...>', 'policy YAML files')
    .option('--json', 'print diagnostics as JSON')
    .action((files: string[], opts: { json?: boolean }) => {
      let failed = false;
      const all = [];
      for (const file of files) {
        if (!existsSync(file)) {
          io.err(`error: ${file}: no such file\n`);
          failed = true;
          continue;
        }
        const { policy, diagnostics } = loadAndValidatePolicy(file);
        all.push(...diagnostics);
        if (!policy) failed = true;
        if (!opts.json) {
          for (const d of diagnostics) io.err(`${renderDiagnostic(d)}\n`);
          const errors = diagnostics.filter((d) => d.severity === 'error').length;
          const warnings = diagnostics.length - errors;
          io.out(
            policy
              ? `${file}: valid (${plural(policy.segments.length, 'segment')}, ${plural(policy.rules.length, 'rule')}, ${plural(policy.externals.length, 'external')}${warnings ? `, ${plural(warnings, 'warning')}` : ''})\n`
              : `${file}: ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}\n`,
          );
        }
      }
      if (opts.json) io.out(`${JSON.stringify(all, null, 2)}\n`);
      if (failed) throw new ExitRequest(1);
    });
}
