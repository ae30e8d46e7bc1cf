/**
 * What every cloud-facing command needs: the policy, the clouds (the real ones a deployment
 * configuration names, or the embedded sandbox seeded from an estate file) and the compile
 * context. User mistakes in any of the files come back as diagnostics on stderr and exit code 1,
 * never a stack trace.
 */
import { renderDiagnostic } from '../core/diagnostics.ts';
import { DEPLOYMENT_ID_PATTERN } from '../core/ownership.ts';
import { loadAndValidatePolicy } from '../core/policy/load.ts';
import type { Policy } from '../core/policy/types.ts';
import type { CompileContext } from '../core/model/budgets.ts';
import type { Clouds } from '../adapters/reconcile.ts';
import { loadConfig } from '../core/config/load.ts';
import type { DeploymentConfig } from '../core/config/types.ts';
import { SegsyncError } from '../core/errors.ts';
import { readEstateFile, type Estate } from '../adapters/sandbox/estate.ts';
import { Sandbox } from '../adapters/sandbox/index.ts';
import { realClock } from '../adapters/engine/clock.ts';
import { sandboxClouds } from '../adapters/engine/clouds.ts';
import { Pacer } from '../adapters/engine/paced-api.ts';
import { parseFaultSpec, RandomFaults } from '../adapters/sandbox/faults.ts';
import { readStateFile, writeStateFile } from '../adapters/sandbox/state-file.ts';
import { existsSync } from 'node:fs';
import { parseLimits, type Limits } from './limits.ts';
import { ExitRequest, type Io } from './io.ts';
import { DEFAULT_DEPLOYMENT, type CloudOptions } from './options.ts';

export interface Loaded {
  policy: Policy;
  /** The embedded sandbox (--sandbox / --state); absent with --config. */
  sandbox?: Sandbox;
  /** The deployment configuration (--config). */
  config?: DeploymentConfig;
  clouds: Clouds;
  ctx: CompileContext;
  /** Paces every cloud call by the documented budgets (adapters/engine); its stats feed apply's summary. */
  pacer: Pacer;
  /** SEGSYNC_SANDBOX_FAULTS, when set. */
  faults?: RandomFaults;
  /** Saves the sandbox to the --state file (atomically); does nothing without --state. Pass as `onStep`. */
  save: () => void;
}

export function loadPolicyOrExit(file: string, io: Io): Policy {
  const { policy, diagnostics } = loadAndValidatePolicy(file);
  for (const d of diagnostics.filter((x) => !policy || x.severity === 'error')) io.err(`${renderDiagnostic(d)}\n`);
  if (!policy) throw new ExitRequest(1);
  return policy;
}

export function loadEstateOrExit(file: string, io: Io): Estate {
  const { estate, diagnostics } = readEstateFile(file);
  for (const d of diagnostics) io.err(`${renderDiagnostic(d)}\n`);
  if (!estate) throw new ExitRequest(1);
  return estate;
}

export function loadConfigOrExit(file: string, io: Io): DeploymentConfig {
  const { config, diagnostics } = loadConfig(file);
  for (const d of diagnostics) io.err(`${renderDiagnostic(d)}\n`);
  if (!config) throw new ExitRequest(1);
  return config;
}

/** The clouds a command runs against: the real ones of --config, or the sandbox of --sandbox / --state. */
export async function loadClouds(opts: CloudOptions, io: Io): Promise<Loaded> {
  const sources = [opts.config && '--config', opts.sandbox && '--sandbox', opts.state && '--state'].filter(Boolean);
  if (opts.config && sources.length > 1) {
    io.err(
      `error: --config runs against the real clouds; ${sources.slice(1).join(' and ')} name a sandbox: pass one or the other\n`,
    );
    throw new ExitRequest(1);
  }
  if (sources.length === 0) {
    io.err(
      'error: say which clouds: --config segsync.yaml (the real clouds, see examples/segsync.yaml), ' +
        '--sandbox <estate.yaml> (see examples/hybrid-estate.yaml) or --state <file> (see `segsync sandbox init`)\n',
    );
    throw new ExitRequest(1);
  }
  const config = opts.config ? loadConfigOrExit(opts.config, io) : undefined;
  const deploymentId = deploymentOrExit(opts, config, io);
  const { limits: given, problems } = parseLimits(opts.limit ?? []);
  for (const p of problems) io.err(`error: ${p}\n`);
  if (problems.length > 0) throw new ExitRequest(1);
  const limits = mergeLimits(config?.limits ?? {}, given);
  const policyFile = opts.policy ?? config?.policy;
  if (!policyFile) {
    io.err('error: pass --policy <policy.yaml> (or --config segsync.yaml, which names the policy)\n');
    throw new ExitRequest(1);
  }
  const policy = loadPolicyOrExit(policyFile, io);
  const ctx: CompileContext = { deploymentId, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
  const pacer = new Pacer({ clock: realClock });
  const faults = faultsFromEnv(io);
  const wrappers = [...(faults ? [faults.wrap] : []), pacer.wrap];
  if (config) {
    const { cloudsFromConfig } = await import('../adapters/connect.ts');
    const clouds = await connectOrExit(() => cloudsFromConfig(config, { wrappers }), io);
    return { policy, config, clouds, ctx, save: () => {}, pacer, ...(faults ? { faults } : {}) };
  }
  const sandbox = openSandbox(opts, limits, io);
  const state = opts.state;
  const save = state ? () => writeStateFile(state, sandbox) : () => {};
  const clouds = sandboxClouds(sandbox, ...wrappers);
  return { policy, sandbox, clouds, ctx, save, pacer, ...(faults ? { faults } : {}) };
}

function deploymentOrExit(opts: CloudOptions, config: DeploymentConfig | undefined, io: Io): string {
  const id = opts.deployment ?? config?.deploymentId ?? DEFAULT_DEPLOYMENT;
  if (!DEPLOYMENT_ID_PATTERN.test(id)) {
    io.err(
      `error: --deployment "${id}" must be 1-10 lowercase letters and digits, starting with a letter (it is part of every object name)\n`,
    );
    throw new ExitRequest(1);
  }
  if (config && opts.deployment !== undefined && opts.deployment !== config.deploymentId) {
    io.err(
      `error: --deployment ${opts.deployment} disagrees with ${config.file} (metadata.name: ${config.deploymentId}); ` +
        'objects of one deployment would look foreign to the other: drop --deployment or change the configuration\n',
    );
    throw new ExitRequest(1);
  }
  return id;
}

/** --limit wins over the configuration's limits, field by field. */
function mergeLimits(base: Limits, over: Limits): Limits {
  const out: Record<string, object> = {};
  for (const cloud of ['aws', 'azure', 'gcp'] as const)
    if (base[cloud] || over[cloud]) out[cloud] = { ...base[cloud], ...over[cloud] };
  return out as Limits;
}

/** Credentials and role assumption fail before any read: say which target and what to do, not a stack trace. */
async function connectOrExit(connect: () => Promise<Clouds>, io: Io): Promise<Clouds> {
  try {
    return await connect();
  } catch (e) {
    if (e instanceof SegsyncError) {
      io.err(`error: cannot connect to the configured clouds: ${e.message}\n`);
      throw new ExitRequest(1);
    }
    throw e;
  }
}

/** `SEGSYNC_SANDBOX_FAULTS=throttle=0.2,transient=0.05,conflict=0.02,seed=7` (DESIGN.md §7). */
function faultsFromEnv(io: Io): RandomFaults | undefined {
  const spec = process.env.SEGSYNC_SANDBOX_FAULTS;
  if (!spec) return undefined;
  try {
    return new RandomFaults(parseFaultSpec(spec));
  } catch (e) {
    io.err(`error: ${(e as Error).message}\n`);
    throw new ExitRequest(1);
  }
}

/**
 * The sandbox a command runs against: the --state file when it exists (an estate given too is
 * ignored, and we say so), else the estate, saved to --state at once when one is given.
 */
function openSandbox(opts: CloudOptions, limits: Limits, io: Io): Sandbox {
  try {
    if (opts.state && existsSync(opts.state)) {
      if (opts.sandbox)
        io.err(
          `note: using the sandbox state in ${opts.state}; the estate ${opts.sandbox} only seeds a new state file\n`,
        );
      return readStateFile(opts.state, { limits });
    }
    if (!opts.sandbox) {
      io.err(
        `error: state file ${opts.state} does not exist: create it with \`segsync sandbox init ESTATE --state ${opts.state}\`, or pass --sandbox ESTATE to seed it\n`,
      );
      throw new ExitRequest(1);
    }
    const sandbox = Sandbox.fromEstate(loadEstateOrExit(opts.sandbox, io), { limits });
    if (opts.state) writeStateFile(opts.state, sandbox);
    return sandbox;
  } catch (e) {
    // AwsLimits checks the quotas it is given against each other (rules × groups per ENI ≤ 1,000).
    if (e instanceof RangeError) {
      io.err(`error: --limit: ${e.message} (raise one, lower the other)\n`);
      throw new ExitRequest(1);
    }
    throw e;
  }
}
