/**
 * The one place in core/ that does I/O (named in the lint override): read a policy file and
 * hand its text to the pure parser. A file that cannot be read is a diagnostic like any other
 * mistake in it, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { PolicyValidationError } from '../errors.ts';
import { unreadableFile } from '../source/unreadable.ts';
import { validatePolicy, type ValidationResult } from './parse.ts';
import type { Policy } from './types.ts';
import type { Workload } from '../model/inventory.ts';

const HINT = 'pass the path of a policy YAML file, e.g. examples/three-tier.yaml';

/**
 * Reads and parses a policy file; throws PolicyValidationError listing every error.
 * @example
 * const policy = loadPolicy('examples/three-tier.yaml');
 */
export function loadPolicy(path: string): Policy {
  const { policy, diagnostics } = loadAndValidatePolicy(path);
  if (!policy) throw new PolicyValidationError(diagnostics);
  return policy;
}

/** Reads and validates a policy file without throwing, whatever is wrong with it. */
export function loadAndValidatePolicy(
  path: string,
  options: { workloads?: readonly Workload[] } = {},
): ValidationResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { diagnostics: [unreadableFile('policy', path, e, HINT)] };
  }
  return validatePolicy(text, path, options);
}
