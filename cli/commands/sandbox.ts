import type { Command } from 'commander';
import type { WorkloadRef } from '../../core/model/ids.ts';
import type { Runtime } from '../../functions/shared/runtime.ts';
import { ExitRequest, type Io } from '../io.ts';
import { DEFAULT_DEPLOYMENT } from '../options.ts';
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
    .option(
      '--policy <policy.yaml>',
      'deliver the event this cloud would send to the change handlers, which segment the instance',
    )
    .option('--deployment <id>', 'deployment id (with --policy)', DEFAULT_DEPLOYMENT)
    .option('--snapshots <dir>', 'where the handlers keep their snapshots (default <state>.snapshots)')
    .option('--as <principal>', 'who made the change, as the event names it (label trust): an ARN, a UPN, an email')
    .addHelpText(
      'after',
      '\nWithout --policy only the tag changes (run `segsync plan --state FILE …` to see what segsync would do).\n' +
        'With --policy the event that cloud sends (EventBridge Tag Change via SQS, Event Grid tags/write,\n' +
        'a Pub/Sub push of the setLabels audit log entry) goes through the same handler code as in the cloud.',
    )
    .action(async (instance: string, pairs: string[], opts: TagOptions) => {
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
      const handled = opts.policy ? await deliverTagEvent(ref, tags, opts, io) : undefined;
      if (opts.json)
        return io.out(
          `${JSON.stringify({ instance: w.id, cloud: w.cloud, labels: after.labels, ...(handled ? { handled } : {}) })}\n`,
        );
      const what = Object.entries(tags)
        .map(([k, v]) => (v === null ? `${k} removed` : `${k}=${v}`))
        .join(', ');
      io.out(`${w.nativeId} (${w.cloud}): ${what}; saved ${opts.state}\n`);
      if (handled) for (const line of handled) io.out(`  → ${line}\n`);
    });
}

interface TagOptions {
  state: string;
  json?: boolean;
  policy?: string;
  deployment: string;
  snapshots?: string;
  as?: string;
}

/**
 * The event the instance's cloud sends for this change, in its own format, through the handlers
 * (functions/local.ts); the state file is saved again after they applied. Returns what they said.
 */
async function deliverTagEvent(
  ref: WorkloadRef,
  tags: Record<string, string | null>,
  opts: TagOptions,
  io: Io,
): Promise<string[]> {
  const { localRuntime, renderReport } = await import('./handle-event.ts');
  const { runtime, save } = await localRuntime(opts, io); // first: it turns EMF metrics off before the handlers load
  const { deliverLocally } = await import('../../functions/local.ts');
  const emit = await import('../../functions/events/emit.ts');
  const instanceTags = await currentTags(runtime, ref);
  const user = process.env.USER ?? 'sandbox-user';
  let body: unknown;
  if (ref.cloud === 'aws') {
    const events: { id: string; account: string; region: string }[] = [emit.awsTagChange(ref, instanceTags, tags)];
    if (opts.as) events.push(emit.awsCloudTrailTags(ref, tags, opts.as));
    body = emit.sqsBatch(events);
  } else if (ref.cloud === 'azure') body = emit.azureTagsWrite(ref.vmId, opts.as ?? `${user}@sandbox.example`);
  else body = emit.gcpSetLabelsPush(ref, instanceTags, opts.as ?? `${user}@sandbox.example`);
  const delivered = await deliverLocally(ref.cloud, body, runtime);
  save();
  return delivered.reports.map(renderReport);
}

/** The instance's tags now (what the AWS event carries in full, and GCP's setLabels request sets). */
async function currentTags(runtime: Runtime, ref: WorkloadRef): Promise<Record<string, string>> {
  const { refReadId, refLocation } = await import('../../adapters/events/hint.ts');
  const read = await runtime.deps.clouds[ref.cloud].read({ location: refLocation(ref), workloads: [refReadId(ref)] });
  return { ...(read.workloads[0]?.labels ?? {}) };
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
