/**
 * parsePolicy / validatePolicy: YAML text → resolved Policy, or every mistake with its position.
 *
 * Pure: the text and the file name come in as arguments (load.ts is the only part that reads
 * a file). Never throws for bad input in validatePolicy; parsePolicy throws one
 * PolicyValidationError carrying all diagnostics.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { PolicyValidationError } from '../errors.ts';
import { resolvePolicy } from './resolve.ts';
import { PolicySchema } from './schema.ts';
import { checkSemantics } from './semantics.ts';
import type { Policy } from './types.ts';
import { readYaml } from '../source/yaml.ts';
import { zodIssuesToDiagnostics } from '../source/zod-issues.ts';
import { POLICY_ISSUES } from './issue-mapping.ts';
import { policyWarnings } from './coverage.ts';
import type { Workload } from '../model/inventory.ts';

export interface ValidationResult {
  /** Present iff there are no errors (warnings may remain). */
  policy?: Policy;
  /** Errors and warnings, sorted by position. */
  diagnostics: Diagnostic[];
}

/**
 * Validates a policy document and resolves it, collecting every error rather than the first.
 * @example
 * const { policy, diagnostics } = validatePolicy(text, 'policy.yaml');
 * if (!policy) diagnostics.forEach((d) => console.error(renderDiagnostic(d)));
 */
export function validatePolicy(
  text: string,
  filename = 'policy.yaml',
  options: { workloads?: readonly Workload[] } = {},
): ValidationResult {
  const { data, pos, diagnostics: yamlErrors } = readYaml(text, filename);
  if (yamlErrors.length > 0) return { diagnostics: yamlErrors };
  if (data === null || data === undefined || (typeof data === 'object' && Object.keys(data).length === 0)) {
    return {
      diagnostics: [
        {
          code: 'policy-empty',
          severity: 'error',
          path: [],
          source: { file: filename, line: 1, column: 1 },
          message: 'the policy is empty',
          hint: 'start from examples/three-tier.yaml: apiVersion, kind, metadata and spec with at least one segment',
        },
      ],
    };
  }
  const swapped = looksLikeEstate(data, filename);
  if (swapped) return { diagnostics: [swapped] };
  const parsed = PolicySchema.safeParse(data);
  const diagnostics = [
    ...(parsed.success ? [] : zodIssuesToDiagnostics(parsed.error.issues, data, pos, POLICY_ISSUES)),
    ...checkSemantics(data, pos),
  ];
  const sorted = sortDiagnostics(dedupe(diagnostics));
  if (!parsed.success || hasErrors(sorted)) return { diagnostics: sorted };
  const policy = resolvePolicy(parsed.data);
  // Where each rule was written, so a quota refusal can name it as file:line.
  const rules = policy.rules.map((r, i) => {
    const at = pos.at(['spec', 'rules', i]);
    return at ? { ...r, source: at } : r;
  });
  const positioned = { ...policy, rules };
  if (options.workloads === undefined) return { policy: positioned, diagnostics: sorted };
  // With an estate known: what the policy means for it (coverage.ts), at the position it names.
  const estate = policyWarnings(positioned, options.workloads).map((w): Diagnostic => ({
    code: w.code,
    severity: 'warning',
    path: w.path,
    source: pos.at(w.path) ?? { file: filename, line: 1, column: 1 },
    message: w.message,
    hint: w.hint,
  }));
  return { policy: positioned, diagnostics: sortDiagnostics([...sorted, ...estate]) };
}

/**
 * Parses and validates a policy; throws PolicyValidationError listing every error.
 * @example
 * const policy = parsePolicy(fs.readFileSync('policy.yaml', 'utf8'), 'policy.yaml');
 * allows(policy, { src: '10.50.1.1', dst: web, protocol: 'tcp', port: 443 });
 */
export function parsePolicy(text: string, filename = 'policy.yaml'): Policy {
  const { policy, diagnostics } = validatePolicy(text, filename);
  if (!policy) throw new PolicyValidationError(diagnostics);
  return policy;
}

/** An estate handed over as the policy: say so once instead of listing every missing field. */
function looksLikeEstate(data: unknown, filename: string): Diagnostic | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || 'apiVersion' in data) return undefined;
  if (!['aws', 'azure', 'gcp'].some((cloud) => cloud in data)) return undefined;
  return {
    code: 'policy-is-estate',
    severity: 'error',
    path: [],
    source: { file: filename, line: 1, column: 1 },
    message: 'this file lists aws/azure/gcp instances: it is an estate, not a policy',
    hint: 'did you swap the files? --policy takes the policy (apiVersion: segsync/v1), --sandbox the estate',
  };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.code}|${d.path.map(String).join('.')}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
