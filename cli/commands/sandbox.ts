import type { Command } from 'commander';
import { ExitRequest, type Io } from '../io.ts';
import { plural } from '../text.ts';

/**
 * `segsync sandbox init|tag`: the persisted sandbox clouds (--state FILE, DESIGN.md §7) as a
 * person would change them: create the state from an estate, re-tag an instance.
 */
export function registerSandbox(program: Command, io: Io): void {
  const sandbox = program
    .command('sandbox')
    .description('create and change the persisted sandbox clouds (--state FILE)');

  sandbox
    .command('init')
    .description('create a sandbox state file from an estate file')
    .argument('<estate.yaml>', 'the estate to seed the sandbox clouds from')
    .requiredOption('--state <file>', 'the state file to create')
    .option('--force', 'replace the state file if it exists')
    .option('--json', 'print what was created as data')
    .action(async (estateFile: string, opts: { state: string; force?: boolean; json?: boolean }) => {
      const { existsSync } = await import('node:fs');
      if (existsSync(opts.state) && !opts.force) {
        io.err(`error: ${opts.state} already exists; pass --force to replace it\n`);
        throw new ExitRequest(1);
      }
      const { loadEstateOrExit } = await import('../context.ts');
      const { Sandbox } = await import('../../adapters/sandbox/index.ts');
      const { writeStateFile } = await import('../../adapters/sandbox/state-file.ts');
      const estate = loadEstateOrExit(estateFile, io);
      writeStateFile(opts.state, Sandbox.fromEstate(estate));
      const counts = { aws: estate.aws.length, azure: estate.azure.length, gcp: estate.gcp.length };
      const total = counts.aws + counts.azure + counts.gcp;
      if (opts.json) return io.out(`${JSON.stringify({ state: opts.state, estate: estateFile, instances: counts })}\n`);
      io.out(
        `${opts.state}: sandbox clouds from ${estateFile}, ${plural(total, 'instance')} ` +
          `(AWS ${counts.aws}, Azure ${counts.azure}, GCP ${counts.gcp})\n`,
      );
    });

  sandbox
    .command('tag')
    .description("change an instance's tags (AWS tags, Azure tags, GCP labels); Key- removes a tag")
    .argument('<instance>', 'instance id or name (i-prod-web1, vm-build, gce-analytics) or its Name tag')
    .argument('<tags...>', 'Key=Value to set, Key- to remove')
    .requiredOption('--state <file>', 'the sandbox state file to change')
    .option('--json', 'print the instance and its new tags as data')
    .addHelpText(
      'after',
      '\nOnly the tag changes: the event that would make segsync react comes with the functions.\nRun `segsync plan --state FILE …` to see what segsync would do about it.',
    )
    .action(async (instance: string, pairs: string[], opts: { state: string; json?: boolean }) => {
      const tags = parseTags(pairs, io);
      const { readStateFile, writeStateFile } = await import('../../adapters/sandbox/state-file.ts');
      const { readWorld } = await import('../../adapters/reconcile.ts');
      const { findWorkloads, someNames } = await import('../workloads.ts');
      const { armParts, parseWorkloadId } = await import('../../core/model/ids.ts');
      const { CloudApiError } = await import('../../adapters/errors.ts');
      const sandbox = readStateFile(opts.state);
      const { workloads } = (await readWorld(sandbox.clouds())).inventory;
      const found = findWorkloads(instance, workloads);
      if (found.length !== 1) {
        io.err(
          found.length === 0
            ? `error: no instance "${instance}" in ${opts.state} (e.g. ${someNames(workloads)})\n`
            : `error: "${instance}" names ${found.length} instances (${found.map((w) => w.id).join(', ')}); give the full id\n`,
        );
        throw new ExitRequest(1);
      }
      const w = found[0]!;
      const ref = parseWorkloadId(w.id)!;
      try {
        if (ref.cloud === 'aws')
          sandbox.aws.tagInstance({ account: ref.account, region: ref.region }, ref.instance, tags);
        else if (ref.cloud === 'azure') {
          const { subscription, name } = armParts(ref.vmId);
          sandbox.azure.tagVm(subscription, name, tags);
        } else sandbox.gcp.setLabels(ref.project, ref.zone, ref.instance, tags);
      } catch (e) {
        if (!(e instanceof CloudApiError)) throw e;
        io.err(`error: ${w.cloud} refused the tags: ${e.message}\n`);
        throw new ExitRequest(1);
      }
      writeStateFile(opts.state, sandbox);
      const after = (await readWorld(sandbox.clouds())).inventory.workloads.find((x) => x.id === w.id)!;
      if (opts.json) return io.out(`${JSON.stringify({ instance: w.id, cloud: w.cloud, labels: after.labels })}\n`);
      const what = Object.entries(tags)
        .map(([k, v]) => (v === null ? `${k} removed` : `${k}=${v}`))
        .join(', ');
      io.out(`${w.nativeId} (${w.cloud}): ${what}; saved ${opts.state}\n`);
    });
}

function parseTags(pairs: readonly string[], io: Io): Record<string, string | null> {
  const tags: Record<string, string | null> = {};
  const bad: string[] = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq > 0) tags[p.slice(0, eq)] = p.slice(eq + 1);
    else if (p.endsWith('-') && p.length > 1) tags[p.slice(0, -1)] = null;
    else bad.push(p);
  }
  for (const p of bad) io.err(`error: "${p}": write Key=Value to set a tag or Key- to remove it\n`);
  if (bad.length > 0) throw new ExitRequest(1);
  return tags;
}
