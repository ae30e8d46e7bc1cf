/**
 * What every cloud-facing command needs: the policy, the clouds (today: the embedded sandbox
 * seeded from an estate file) and the compile context. User mistakes in either file come back as
 * diagnostics on stderr and exit code 1, never a stack trace.
 */
import { renderDiagnostic } from '../core/diagnostics.ts';
import { DEPLOYMENT_ID_PATTERN } from '../core/ownership.ts';
import { loadAndValidatePolicy } from '../core/policy/load.ts';
import type { Policy } from '../core/policy/types.ts';
import type { CompileContext } from '../core/model/budgets.ts';
import type { Clouds } from '../adapters/reconcile.ts';
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
import type { CloudOptions } from './options.ts';

export interface Loaded {
  policy: Policy;
  sandbox: Sandbox;
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

export function loadClouds(opts: CloudOptions, io: Io): Loaded {
  if (!DEPLOYMENT_ID_PATTERN.test(opts.deployment)) {
    io.err(
      `error: --deployment "${opts.deployment}" must be 1-10 lowercase letters and digits, starting with a letter (it is part of every object name)\n`,
    );
    throw new ExitRequest(1);
  }
  const { limits, problems } = parseLimits(opts.limit ?? []);
  for (const p of problems) io.err(`error: ${p}\n`);
  if (problems.length > 0) throw new ExitRequest(1);
  if (!opts.sandbox && !opts.state) {
    io.err(
      'error: this version drives the embedded sandbox only: pass --sandbox <estate.yaml> (see examples/hybrid-estate.yaml) or --state <file> (see `segsync sandbox init`)\n',
    );
    throw new ExitRequest(1);
  }
  const policy = loadPolicyOrExit(opts.policy, io);
  const faults = faultsFromEnv(io);
  const sandbox = openSandbox(opts, limits, io);
  const state = opts.state;
  const save = state ? () => writeStateFile(state, sandbox) : () => {};
  const ctx: CompileContext = { deploymentId: opts.deployment, ...(opts.limit?.length ? { limits } : {}) };
  const pacer = new Pacer({ clock: realClock });
  const clouds = sandboxClouds(sandbox, ...(faults ? [faults.wrap] : []), pacer.wrap);
  return { policy, sandbox, clouds, ctx, save, pacer, ...(faults ? { faults } : {}) };
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
