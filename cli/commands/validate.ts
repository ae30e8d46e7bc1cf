import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { renderDiagnostic } from '../../core/diagnostics.ts';
import { loadAndValidatePolicy } from '../../core/policy/load.ts';
import { ExitRequest, type Io } from '../io.ts';
import type { Workload } from '../../core/model/inventory.ts';
import { plural } from '../text.ts';

/**
 * `segsync validate FILE... [--sandbox ESTATE]`: 0 when every file is valid (warnings allowed),
 * 1 otherwise. With an estate, also warns about what the policy means for it (core/policy/coverage.ts).
 */
export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('check policy files and list every mistake with file:line:column')
    .argument('<files...>', 'policy YAML files')
    .option('--json', 'print diagnostics as JSON')
    .option(
      '--sandbox <estate.yaml>',
      'also check the policy against this estate: selectors that match nothing, address peers that cover managed workloads',
    )
    .action(async (files: string[], opts: { json?: boolean; sandbox?: string }) => {
      const workloads = opts.sandbox === undefined ? undefined : await estateWorkloads(opts.sandbox, io);
      let failed = false;
      const all = [];
      for (const file of files) {
        if (!existsSync(file)) {
          io.err(`error: ${file}: no such file\n`);
          failed = true;
          continue;
        }
        const { policy, diagnostics } = loadAndValidatePolicy(file, workloads ? { workloads } : {});
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

/** The workloads of an estate file, as the sandbox clouds report them (loaded only with --sandbox). */
async function estateWorkloads(file: string, io: Io): Promise<Workload[]> {
  const { readEstateFile } = await import('../../adapters/sandbox/estate.ts');
  const { Sandbox } = await import('../../adapters/sandbox/index.ts');
  const { readWorld } = await import('../../adapters/reconcile.ts');
  const { estate, diagnostics } = readEstateFile(file);
  for (const d of diagnostics) io.err(`${renderDiagnostic(d)}\n`);
  if (!estate) throw new ExitRequest(1);
  return [...(await readWorld(Sandbox.fromEstate(estate).clouds())).inventory.workloads];
}
