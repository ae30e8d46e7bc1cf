import type { Command } from 'commander';
import type { Cloud } from '../../core/model/cloud.ts';
import type { Runtime } from '../../functions/shared/runtime.ts';
import type { Report } from '../../functions/shared/observe.ts';
import { DEFAULT_DEPLOYMENT } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';
import { plural } from '../text.ts';
import { summaryLine } from '../../core/plan/render.ts';

/** Where an event-path command gets its clouds: the persisted sandbox, or a deployment configuration. */
export interface EventCliOptions {
  state?: string;
  config?: string;
  policy?: string;
  deployment: string;
  snapshots?: string;
  json?: boolean;
}

/** Adds the options `handle-event` and `drift` share (their own: no change to cli/options.ts). */
export function eventOptions(cmd: Command): Command {
  return cmd
    .option('--state <file>', 'the persisted sandbox clouds (`segsync sandbox init`); saved after the run')
    .option('--config <segsync.yaml>', 'a deployment configuration (its clouds and policy) instead of the sandbox')
    .option('--policy <policy.yaml>', 'the policy (with --state; --config names its own)')
    .option('--deployment <id>', 'deployment id (with --state; --config names its own)', DEFAULT_DEPLOYMENT)
    .option(
      '--snapshots <dir>',
      'where the snapshots live (default: <state>.snapshots, or .segsync/snapshots with --config)',
    )
    .option('--json', 'print the result as data');
}

export interface LocalRuntime {
  runtime: Runtime;
  /** Writes the sandbox back to --state (nothing with --config). */
  save: () => void;
}

/** Builds the handlers' runtime from CLI options; user mistakes exit 1 with a plain message. */
export async function localRuntime(opts: EventCliOptions, io: Io): Promise<LocalRuntime> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'; // EMF lines are for CloudWatch, not a terminal
  const fail = (message: string): never => {
    io.err(`error: ${message}\n`);
    throw new ExitRequest(1);
  };
  const { FileSnapshotStore } = await import('../../adapters/events/snapshot-file.ts');
  const { loadPolicyOrExit } = await import('../context.ts');
  if (opts.config) {
    const { loadConfig } = await import('../../core/config/load.ts');
    const { renderDiagnostic } = await import('../../core/diagnostics.ts');
    const { config, diagnostics } = loadConfig(opts.config);
    if (!config) {
      for (const d of diagnostics) io.err(`${renderDiagnostic(d)}\n`);
      throw new ExitRequest(1);
    }
    const policy = loadPolicyOrExit(config.policy, io);
    const { cloudsFromConfig } = await import('../../functions/shared/connect.ts');
    const { SegsyncError } = await import('../../core/errors.ts');
    const clouds = await cloudsFromConfig(config).catch((e: unknown) =>
      e instanceof SegsyncError ? fail(e.message) : Promise.reject(e),
    );
    const ctx = { deploymentId: config.deploymentId, ...(config.limits ? { limits: config.limits } : {}) };
    const store = new FileSnapshotStore(opts.snapshots ?? '.segsync/snapshots');
    return { runtime: { config, deps: { policy, clouds, ctx, store } }, save: () => {} };
  }
  if (!opts.state)
    return fail('pass --state <file> (the sandbox, see `segsync sandbox init`) or --config <segsync.yaml>');
  if (!opts.policy) return fail('--state needs --policy <policy.yaml>');
  const { DEPLOYMENT_ID_PATTERN } = await import('../../core/ownership.ts');
  if (!DEPLOYMENT_ID_PATTERN.test(opts.deployment))
    fail(`--deployment "${opts.deployment}" must be 1-10 lowercase letters and digits, starting with a letter`);
  const policy = loadPolicyOrExit(opts.policy, io);
  const { readStateFile, writeStateFile, StateFileError } = await import('../../adapters/sandbox/state-file.ts');
  let sandbox;
  try {
    sandbox = readStateFile(opts.state);
  } catch (e) {
    if (e instanceof StateFileError) return fail(e.message);
    throw e;
  }
  const state = opts.state;
  return {
    runtime: {
      config: { deploymentId: opts.deployment, drift: { mode: 'apply', schedule: 'on demand' } },
      deps: {
        policy,
        clouds: sandbox.clouds(),
        ctx: { deploymentId: opts.deployment },
        store: new FileSnapshotStore(opts.snapshots ?? `${state}.snapshots`),
      },
    },
    save: () => writeStateFile(state, sandbox),
  };
}

/** One line per report, as people read them. */
export function renderReport(r: Report): string {
  if (r.kind === 'rejected') return `${r.source}: rejected${r.eventId ? ` ${r.eventId}` : ''}: ${r.reason}`;
  const x = r.result;
  const lines = [
    `${r.source}: ${x.outcome}: ${plural(x.workloads.length, 'workload')} re-read (${x.workloads.join(', ') || 'none'}); ` +
      `${summaryLine(x.planned).replace(/\.$/, '')}; ${plural(x.applied, 'step')} applied in ${x.durationMs} ms` +
      (x.attempts > 1 ? ` (${x.attempts} attempts)` : ''),
  ];
  for (const i of x.ignored) lines.push(`  ignored ${i.eventId}: ${i.reason}`);
  for (const t of x.trust)
    lines.push(
      `  label change ${t.kind} for ${t.workload}${t.actor ? ` (by ${t.actor})` : ''}: ${t.reason}; honoured labels ${JSON.stringify(t.honoured)}`,
    );
  return lines.join('\n');
}

export function registerHandleEvent(program: Command, io: Io): void {
  eventOptions(
    program
      .command('handle-event')
      .description('feed an event file to the change handlers (what the deployed functions do with it)')
      .argument(
        '<file>',
        'an SQS batch or a bare EventBridge event (aws), an Event Grid array (azure), a Pub/Sub push body or a LogEntry (gcp)',
      )
      .requiredOption('--cloud <cloud>', 'aws, azure or gcp: which handler reads the file')
      .option('--logs', "also print the handlers' JSON log lines"),
  ).action(async (file: string, opts: EventCliOptions & { cloud: string; logs?: boolean }) => {
    if (!['aws', 'azure', 'gcp'].includes(opts.cloud)) {
      io.err(`error: --cloud "${opts.cloud}": write aws, azure or gcp\n`);
      throw new ExitRequest(1);
    }
    const body = await readEventFile(file, io);
    const { runtime, save } = await localRuntime(opts, io);
    const { deliverLocally } = await import('../../functions/local.ts');
    const delivered = await deliverLocally(opts.cloud as Cloud, body, runtime, { logs: opts.logs ?? false });
    save();
    const failed = delivered.retried.length > 0 || (delivered.status ?? 200) >= 500;
    if (opts.json) io.out(`${JSON.stringify(delivered)}\n`);
    else {
      if (delivered.validationResponse)
        io.out(`azure: subscription validation answered: ${delivered.validationResponse}\n`);
      for (const r of delivered.reports) io.out(`${renderReport(r)}\n`);
      if (delivered.reports.length === 0 && !delivered.validationResponse)
        io.out(`${opts.cloud}: the event names no instance segsync segments; nothing to do\n`);
      if (failed)
        io.err(
          `error: not handled, the source would retry: ${delivered.retried.join(', ') || `HTTP ${delivered.status}`}\n`,
        );
    }
    if (failed) throw new ExitRequest(1);
  });
}

async function readEventFile(file: string, io: Io): Promise<unknown> {
  const { readFileSync } = await import('node:fs');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory, not a file' : (e as Error).message;
    io.err(`error: cannot read event file ${file}: ${why} (e.g. test/fixtures/events/aws/tag-change.json)\n`);
    throw new ExitRequest(1);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    io.err(`error: event file ${file} is not JSON: ${(e as Error).message}\n`);
    throw new ExitRequest(1);
  }
}
