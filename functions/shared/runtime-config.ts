import { loadConfig } from '../../core/config/load.ts';
import type { DeploymentConfig } from '../../core/config/types.ts';
import { renderDiagnostic } from '../../core/diagnostics.ts';
import { RuntimeConfigError } from './runtime.ts';

/** The deployment configuration alone (SEGSYNC_CONFIG), without connecting to any cloud. */
export function runtimeConfig(env: NodeJS.ProcessEnv): DeploymentConfig {
  const path = env.SEGSYNC_CONFIG;
  if (!path)
    throw new RuntimeConfigError(
      'environment variable SEGSYNC_CONFIG is not set (the CDK app sets it; see docs/events.md)',
    );
  const { config, diagnostics } = loadConfig(path);
  if (!config) throw new RuntimeConfigError(`${path}:\n${diagnostics.map(renderDiagnostic).join('\n')}`);
  return config;
}
