/**
 * The deployment configuration and its policy, checked at synth time exactly as `segsync validate`
 * checks them: the same loaders, the same positioned diagnostics, the same rendering. A mistake
 * makes synth fail with that list (never a stack trace), so a broken policy is never deployed.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { loadConfig } from '../core/config/load.ts';
import type { DeploymentConfig } from '../core/config/types.ts';
import { hasErrors, renderDiagnostic, sortDiagnostics, type Diagnostic } from '../core/diagnostics.ts';
import { loadAndValidatePolicy } from '../core/policy/load.ts';

/** The context key (`cdk synth -c config=path`) and environment variable naming the configuration file. */
export const CONFIG_CONTEXT_KEY = 'config';
export const CONFIG_ENV = 'SEGSYNC_CONFIG_FILE';
export const DEFAULT_CONFIG_FILE = 'segsync.yaml';

export interface Deployment {
  config: DeploymentConfig;
  /** Absolute path of the configuration file. */
  configFile: string;
  /** Absolute path of the policy file. */
  policyFile: string;
  /**
   * The policy's path relative to the configuration's folder: the bundle keeps this layout so the
   * `policy:` line of the copied configuration still resolves next to it (SEGSYNC_CONFIG).
   */
  policyInBundle: string;
  /** Warnings of both files, rendered; synth prints them and goes on. */
  warnings: string[];
}

/** Thrown when the configuration or its policy has errors; `message` is the rendered diagnostic list. */
export class DeploymentInvalidError extends Error {
  override readonly name = 'DeploymentInvalidError';
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(sortDiagnostics(diagnostics).filter(isError).map(renderDiagnostic).join('\n'));
  }
}

const isError = (d: Diagnostic) => d.severity === 'error';

/** Loads and validates the configuration and the policy it names; throws DeploymentInvalidError. */
export function loadDeployment(configPath: string): Deployment {
  // Loaded by the path as given, so messages name the files as `segsync validate` does.
  const configFile = resolve(configPath);
  const loaded = loadConfig(configPath);
  if (!loaded.config || hasErrors(loaded.diagnostics)) throw new DeploymentInvalidError(loaded.diagnostics);
  const config = loaded.config;
  const policy = loadAndValidatePolicy(config.policy);
  const policyFile = resolve(config.policy);
  if (!policy.policy || hasErrors(policy.diagnostics)) throw new DeploymentInvalidError(policy.diagnostics);
  const policyInBundle = relative(dirname(configFile), policyFile);
  if (policyInBundle.startsWith('..') || isAbsolute(policyInBundle))
    throw new DeploymentInvalidError([
      {
        code: 'policy-outside-config-folder',
        severity: 'error',
        path: ['spec', 'policy'],
        message: `${configFile}: the policy file ${policyFile} is outside the configuration's folder, so it cannot ship next to it in the functions' bundle`,
        hint: 'move the policy into the folder of segsync.yaml (or a subfolder) and name it relative to it',
      },
    ]);
  const warnings = sortDiagnostics([...loaded.diagnostics, ...policy.diagnostics])
    .filter((d) => !isError(d))
    .map(renderDiagnostic);
  return { config, configFile, policyFile, policyInBundle, warnings };
}
