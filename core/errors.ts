/**
 * The few named failures segsync raises at run time (STYLE G9). Each is retryable or terminal, so
 * callers (the CLI, the queue handler) decide without comparing message strings.
 */
import { plural, renderDiagnostic, type Diagnostic } from './diagnostics.ts';

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
    super(`policy has ${plural(errors.length, 'error')}:\n${errors.map(renderDiagnostic).join('\n')}`);
  }
}

/**
 * What the compiler or planner knows when a policy does not fit a cloud budget. The optional
 * fields say why and what would fix it: the network, how many of the needed units are peers no
 * identity can reach from there (other Regions, other clouds), the policy rules that bring the
 * weight, and the smallest fixes.
 */
export interface QuotaDetail {
  /** '' for a limit no single segment owns (a project-wide quota): `object` then says what needs it. */
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

function renderDetail(v: QuotaDetail): string {
  const lines = [
    (v.segment === ''
      ? `${v.cloud}: ${v.object} needs ${v.needed} ${v.limit}, the limit is ${v.allowed}`
      : `${v.cloud}: segment "${v.segment}" needs ${v.needed} ${v.limit} on ${v.object}, the limit is ${v.allowed}`) +
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

/** What a cloud said when its own quota refused a write at apply time. */
export interface CloudQuotaReport {
  cloud: 'aws' | 'azure' | 'gcp';
  /** The cloud's error code, e.g. 'RulesPerSecurityGroupLimitExceeded', 'SecurityRuleCountLimitReached', 'QUOTA_EXCEEDED'. */
  code: string;
  message: string;
}

/** The code of a refusal by segsync's own budgets (compile or plan time), not by a cloud. */
export const BUDGET_CODE = 'segsync-budget';

/**
 * A quota refused the policy. Terminal: raise the quota or change the policy. Raised either by the
 * compiler/planner before any write (`detail` says which segment needs how much of which limit;
 * `violations` lists every one found, `detail` first; `code` is BUDGET_CODE), or by a cloud at
 * apply time (`code` is the cloud's error code; the compiler's budgets were above what the cloud
 * really allows, or someone else used the room).
 */
export class QuotaExceededError extends SegsyncError {
  readonly retryable = false;
  readonly cloud: 'aws' | 'azure' | 'gcp';
  readonly code: string;
  /** Present for the compiler's and planner's refusals. */
  readonly detail: QuotaDetail | undefined;
  /** Every budget violation found (empty for a cloud's own refusal). */
  readonly violations: QuotaDetail[];
  constructor(what: QuotaDetail | CloudQuotaReport, options?: { cause?: unknown; more?: readonly QuotaDetail[] }) {
    const more = options?.more ?? [];
    super(
      'code' in what
        ? `${what.cloud} quota ${what.code}: ${what.message}`
        : more.length === 0
          ? renderDetail(what)
          : `${more.length + 1} quota violations, nothing written:\n${[what, ...more].map(renderDetail).join('\n')}`,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.cloud = what.cloud;
    this.code = 'code' in what ? what.code : BUDGET_CODE;
    this.detail = 'code' in what ? undefined : what;
    this.violations = 'code' in what ? [] : [what, ...more];
  }

  /** One error for every budget violation of several errors (in order). */
  static combine(errors: readonly QuotaExceededError[]): QuotaExceededError {
    const all = errors.flatMap((e) => e.violations);
    return all.length === 0 ? errors[0]! : new QuotaExceededError(all[0]!, { more: all.slice(1) });
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

/** A flow handed to the intent oracle is not a flow (unknown protocol, port out of range, bad address). */
export class InvalidFlowError extends SegsyncError {
  readonly retryable = false;
}
