/**
 * Reads the estate file (YAML) that seeds the sandbox clouds, reporting every mistake with
 * file:line:column, like the policy parser does.
 *
 * parseEstate is pure (text in, estate or diagnostics out, never throws for bad input);
 * loadEstate reads the file and throws one EstateError listing every error, whose message is
 * meant to be printed as is (no stack trace: these are the user's mistakes, not bugs).
 */
import { readFileSync } from 'node:fs';
import { plural, renderDiagnostic, sortDiagnostics, type Diagnostic } from '../../core/diagnostics.ts';
import { SegsyncError } from '../../core/errors.ts';
import { unreadableFile } from '../../core/source/unreadable.ts';
import { readYaml } from '../../core/source/yaml.ts';
import { describe, zodIssuesToDiagnostics } from '../../core/source/zod-issues.ts';
import { checkEstate } from './estate-checks.ts';
import { EstateSchema } from './estate-schema.ts';
import type { Estate } from './estate-types.ts';

export type { Estate } from './estate-types.ts';

/** The estate file has errors (or cannot be read); `diagnostics` lists every one. */
export class EstateError extends SegsyncError {
  readonly retryable = false;
  constructor(
    readonly diagnostics: Diagnostic[],
    summary?: string,
  ) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(summary ?? `estate has ${plural(errors.length, 'error')}:\n${errors.map(renderDiagnostic).join('\n')}`);
  }
}

const EMPTY: Estate = { aws: [], azure: [], gcp: [], awsSecurityGroups: [], gcpFirewalls: [] };

/**
 * Parses and validates an estate document; `estate` is present iff there are no errors.
 * @example
 * const { estate, diagnostics } = parseEstate(text, 'estate.yaml');
 * if (!estate) diagnostics.forEach((d) => console.error(renderDiagnostic(d)));
 */
export function parseEstate(text: string, filename: string): { estate?: Estate; diagnostics: Diagnostic[] } {
  const { data, pos, diagnostics: yamlErrors } = readYaml(text, filename);
  if (yamlErrors.length > 0) return { diagnostics: yamlErrors };
  // An empty file is an empty estate: a sandbox with no workloads is legitimate, if surprising.
  if (data === null || data === undefined) {
    return { estate: structuredClone(EMPTY), diagnostics: emptyWarning(EMPTY, filename) };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      diagnostics: [
        {
          code: 'wrong-type',
          severity: 'error',
          path: [],
          source: { file: filename, line: 1, column: 1 },
          message: `expected a mapping with aws, azure, gcp (lists of instances), found ${describe(data)}`,
          hint: 'start from examples/hybrid-estate.yaml',
        },
      ],
    };
  }
  if ('apiVersion' in data || 'kind' in data) {
    return {
      diagnostics: [
        {
          code: 'estate-is-policy',
          severity: 'error',
          path: [],
          source: { file: filename, line: 1, column: 1 },
          message: 'this file has apiVersion/kind: it is a policy, not an estate',
          hint: 'did you swap the files? --sandbox takes the estate (aws/azure/gcp instances), --policy the policy',
        },
      ],
    };
  }
  const parsed = EstateSchema.safeParse(data);
  const diagnostics = sortDiagnostics([
    ...(parsed.success ? [] : zodIssuesToDiagnostics(parsed.error.issues, data, pos, { root: EstateSchema })),
    ...checkEstate(data as Record<string, unknown>, pos),
  ]);
  if (!parsed.success || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const estate: Estate = parsed.data;
  return { estate, diagnostics: [...diagnostics, ...emptyWarning(estate, filename)] };
}

function emptyWarning(estate: Estate, filename: string): Diagnostic[] {
  if (estate.aws.length + estate.azure.length + estate.gcp.length > 0) return [];
  return [
    {
      code: 'estate-empty',
      severity: 'warning',
      path: [],
      source: { file: filename, line: 1, column: 1 },
      message: 'the estate has no instances: there is nothing to segment',
      hint: 'list instances under aws, azure and gcp, as in examples/hybrid-estate.yaml',
    },
  ];
}

/** Reads and validates an estate file without throwing, whatever is wrong with it. */
export function readEstateFile(path: string): { estate?: Estate; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { diagnostics: [unreadableFile('estate', path, e, HINT)] };
  }
  return parseEstate(text, path);
}

const HINT = 'pass the path of an estate YAML file, e.g. examples/hybrid-estate.yaml';

/**
 * Reads and validates an estate file; throws EstateError listing every error.
 * @example
 * const estate = loadEstate('examples/hybrid-estate.yaml');
 */
export function loadEstate(path: string): Estate {
  const { estate, diagnostics } = readEstateFile(path);
  if (!estate) throw new EstateError(diagnostics);
  return estate;
}
