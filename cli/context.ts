/**
 * What every cloud-facing command needs: the policy, the clouds (today: the embedded sandbox
 * seeded from an estate file) and the compile context. User mistakes in either file come back as
 * diagnostics on stderr and exit code 1, never a stack trace.
 */
import { renderDiagnostic } from '../core/diagnostics.ts';
import { DEPLOYMENT_ID_PATTERN } from '../core/ownership.ts';
import { loadAndValidatePolicy } from '../core/policy/load.ts';
import type { Policy } from '../core/policy/types.ts';
import type { CompileContext } from '../core/plan/step-base.ts';
import type { Clouds } from '../adapters/reconcile.ts';
import { readEstateFile, type Estate } from '../adapters/sandbox/estate.ts';
import { Sandbox } from '../adapters/sandbox/index.ts';
import { ExitRequest, type Io } from './io.ts';
import type { CloudOptions } from './options.ts';

export interface Loaded {
  policy: Policy;
  sandbox: Sandbox;
  clouds: Clouds;
  ctx: CompileContext;
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
  const sandbox = Sandbox.fromEstate(loadEstateOrExit(opts.sandbox, io));
  return { policy, sandbox, clouds: sandbox.clouds(), ctx: { deploymentId: opts.deployment } };
}
