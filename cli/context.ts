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
}

export function loadPolicyOrExit(file: string, io: Io): Policy {
  const { policy, diagnostics } = loadAndValidatePolicy(file);
  for (const d of diagnostics.filter((x) => !policy || x.severity === 'error')) io.err(`${renderDiagnostic(d)}\n`);
  if (!policy) throw new ExitRequest(1);
  return policy;
}

function loadEstateOrExit(file: string, io: Io): Estate {
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
  if (!opts.sandbox) {
    io.err(
      'error: this version drives the embedded sandbox only: pass --sandbox <estate.yaml> (see examples/hybrid-estate.yaml)\n',
    );
    throw new ExitRequest(1);
  }
  const policy = loadPolicyOrExit(opts.policy, io);
  const faults = faultsFromEnv(io);
  const sandbox = Sandbox.fromEstate(loadEstateOrExit(opts.sandbox, io));
  const pacer = new Pacer({ clock: realClock });
  const clouds = sandboxClouds(sandbox, ...(faults ? [faults.wrap] : []), pacer.wrap);
  return { policy, sandbox, clouds, ctx: { deploymentId: opts.deployment }, pacer, ...(faults ? { faults } : {}) };
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
