/**
 * The few named failures segsync raises at run time (STYLE G9). Each is retryable or terminal, so
 * callers (the CLI, the queue handler) decide without comparing message strings.
 */
import { renderDiagnostic, type Diagnostic } from './diagnostics.ts';

export abstract class SegsyncError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The policy file has errors; `diagnostics` lists every one with its position. */
export class PolicyValidationError extends SegsyncError {
  readonly retryable = false;
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`policy has ${errors.length} error(s):\n${errors.map(renderDiagnostic).join('\n')}`);
  }
}

/**
 * One budget a compiled object does not fit. The optional fields say why and what would fix it:
 * the network, how many of the needed units are peers no identity can reach from there (other
 * Regions, other clouds), the policy rules that bring the weight, and the smallest fixes.
 */
export interface QuotaViolation {
  segment: string;
  cloud: 'aws' | 'azure' | 'gcp';
  object: string;
  limit: string;
  allowed: number;
  needed: number;
  hint?: string;
  network?: string;
  /** Of `needed`, the units that are addresses of peers no identity can reach (other Regions, other clouds). */
  unreachable?: number;
  /** Policy rules that bring the weight, heaviest first (`name` or `file:line name`). */
  rules?: string[];
  fixes?: string[];
}

function renderViolation(v: QuotaViolation): string {
  const lines = [
    `${v.cloud}: segment "${v.segment}" needs ${v.needed} ${v.limit} on ${v.object}, the limit is ${v.allowed}` +
      (v.hint ? ` (${v.hint})` : ''),
  ];
  if (v.network !== undefined) lines.push(`  network: ${v.network}`);
  if (v.unreachable !== undefined)
    lines.push(
      `  ${v.unreachable} of the units are addresses of peers no identity can reach from there (other Regions, other clouds)`,
    );
  if (v.rules?.length) lines.push(`  brought by policy rules: ${v.rules.join(', ')}`);
  for (const f of v.fixes ?? []) lines.push(`  fix: ${f}`);
  return lines.join('\n');
}

/**
 * Budgets the policy cannot fit into without dropping or widening a rule. Terminal, raised
 * before anything is written; `violations` holds every one found (`detail` is the first).
 */
export class QuotaExceededError extends SegsyncError {
  readonly retryable = false;
  readonly violations: QuotaViolation[];
  constructor(
    readonly detail: QuotaViolation,
    more: readonly QuotaViolation[] = [],
  ) {
    super(
      more.length === 0
        ? renderViolation(detail)
        : `${more.length + 1} quota violations, nothing written:\n${[detail, ...more].map(renderViolation).join('\n')}`,
    );
    this.violations = [detail, ...more];
  }

  /** One error for every violation of several (each error's own list, in order). */
  static combine(errors: readonly QuotaExceededError[]): QuotaExceededError {
    const all = errors.flatMap((e) => e.violations);
    return new QuotaExceededError(all[0]!, all.slice(1));
  }
}

/** The object changed under us (etag, fingerprint or prefix-list version mismatch): re-read and re-plan. */
export class ConflictError extends SegsyncError {
  readonly retryable = true;
}

/** The cloud asked us to slow down. Retryable with backoff. */
export class ThrottledError extends SegsyncError {
  readonly retryable = true;
}

/** A transient cloud failure (5xx). Retryable. */
export class TransientCloudError extends SegsyncError {
  readonly retryable = true;
}

/** A plan step failed for a reason retrying will not fix (permissions, invalid request). */
export class StepFailedError extends SegsyncError {
  readonly retryable = false;
  constructor(
    readonly step: { cloud: string; kind: string; target: string },
    cause: unknown,
  ) {
    super(
      `${step.cloud} ${step.kind} ${step.target} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** A setup problem the user must fix (e.g. a foreign NSG blocks segsync's NSG without exclusive: true). */
export class CompileError extends SegsyncError {
  readonly retryable = false;
}
