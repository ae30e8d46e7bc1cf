/**
 * Synth-time validation: an invalid configuration or policy stops the app before any stack is
 * built, with exactly the diagnostics `segsync validate` gives (same loaders, same rendering).
 */
import { App } from 'aws-cdk-lib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load.ts';
import { renderDiagnostic } from '../../core/diagnostics.ts';
import { loadAndValidatePolicy } from '../../core/policy/load.ts';
import { buildApp } from '../../infra/build-app.ts';
import { DeploymentInvalidError, loadDeployment } from '../../infra/deployment.ts';
import { FIXTURES, ROOT } from './helpers/synth.ts';

const errorsOf = (ds: readonly { severity: string }[]) => ds.filter((d) => d.severity === 'error');

describe('an invalid deployment fails synth', () => {
  it('an invalid policy: the policy diagnostics, in order, and no stack', () => {
    const config = join(FIXTURES, 'invalid-policy/segsync.yaml');
    const app = new App();
    expect(() => buildApp(app, { configFile: config, projectRoot: ROOT })).toThrow(DeploymentInvalidError);
    expect(app.node.children).toHaveLength(0);
    const expected = errorsOf(loadAndValidatePolicy(join(FIXTURES, 'invalid-policy/policy.yaml')).diagnostics);
    expect(expected.length).toBe(2);
    const error = catchError(() => loadDeployment(config));
    expect(error.message).toBe(expected.map((d) => renderDiagnostic(d as never)).join('\n'));
  });

  it('an invalid configuration: the configuration diagnostics (an unquoted account id, a bad Region)', () => {
    const config = join(FIXTURES, 'invalid-config/segsync.yaml');
    const expected = errorsOf(loadConfig(config).diagnostics);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const error = catchError(() => loadDeployment(config));
    expect(error.message).toBe(expected.map((d) => renderDiagnostic(d as never)).join('\n'));
    expect(error.message).toMatch(/segsync\.yaml:11:\d+ +error +aws\.accounts\[0\]\.id/);
  });

  it('a missing configuration file is a diagnostic naming it, not a stack trace', () => {
    const error = catchError(() => loadDeployment(join(FIXTURES, 'no-such-file.yaml')));
    expect(error.message).toContain('no-such-file.yaml');
  });
});

function catchError(f: () => unknown): DeploymentInvalidError {
  try {
    f();
  } catch (e) {
    if (e instanceof DeploymentInvalidError) return e;
    throw e;
  }
  throw new Error('expected DeploymentInvalidError');
}
