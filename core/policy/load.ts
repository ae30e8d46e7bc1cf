/**
 * The one place in core/ that does I/O (named in the lint override): read a policy file and
 * hand its text to the pure parser.
 */
import { readFileSync } from 'node:fs';
import { parsePolicy, validatePolicy, type ValidationResult } from './parse.ts';
import type { Policy } from './types.ts';

/**
 * Reads and parses a policy file; throws PolicyValidationError listing every error.
 * @example
 * const policy = loadPolicy('examples/three-tier.yaml');
 */
export function loadPolicy(path: string): Policy {
  return parsePolicy(readFileSync(path, 'utf8'), path);
}

/** Reads and validates a policy file without throwing for its content. */
export function loadAndValidatePolicy(path: string): ValidationResult {
  return validatePolicy(readFileSync(path, 'utf8'), path);
}
