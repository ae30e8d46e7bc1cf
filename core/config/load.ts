/**
 * The configuration's one I/O: read segsync.yaml and resolve the policy path it names against the
 * file's own folder, so `--config deploy/segsync.yaml` works from any working directory.
 * A file that cannot be read is a diagnostic like any other mistake, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { unreadableFile } from '../source/unreadable.ts';
import { validateConfig, type ConfigValidation } from './parse.ts';

const HINT = 'pass the path of a deployment configuration, e.g. examples/segsync.yaml';

/**
 * @example
 * const { config, diagnostics } = loadConfig('segsync.yaml');
 * if (!config) diagnostics.forEach((d) => console.error(renderDiagnostic(d)));
 */
export function loadConfig(path: string): ConfigValidation {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { diagnostics: [unreadableFile('config', path, e, HINT)] };
  }
  return validateConfig(text, path, (p) => (isAbsolute(p) ? p : join(dirname(path), p)));
}
