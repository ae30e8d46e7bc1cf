/**
 * A user file that cannot be read, as a diagnostic instead of a stack trace. Pure: the caller
 * does the read and hands over the error it got.
 */
import type { Diagnostic } from '../diagnostics.ts';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * @example
 * unreadableFile('policy', 'policies/', eisdirError, 'pass a policy YAML file, e.g. examples/three-tier.yaml');
 * // { code: 'policy-unreadable', message: 'cannot read policy file policies/: it is a directory, not a file', … }
 */
export function unreadableFile(
  what: 'policy' | 'estate' | 'config' | 'state',
  path: string,
  error: unknown,
  hint: string,
): Diagnostic {
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason =
    (typeof code === 'string' && REASONS[code]) || (error instanceof Error ? error.message : String(error));
  return {
    code: `${what}-unreadable`,
    severity: 'error',
    path: [],
    source: { file: path, line: 1, column: 1 },
    message: `cannot read ${what} file ${path}: ${reason}`,
    hint,
  };
}
