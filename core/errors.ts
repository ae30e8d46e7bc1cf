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

/** A cloud budget the policy cannot fit into without dropping or widening a rule. Terminal. */
export class QuotaExceededError extends SegsyncError {
  readonly retryable = false;
  constructor(
    readonly detail: {
      segment: string;
      cloud: 'aws' | 'azure' | 'gcp';
      object: string;
      limit: string;
      allowed: number;
      needed: number;
      hint?: string;
    },
  ) {
    super(
      `${detail.cloud}: segment "${detail.segment}" needs ${detail.needed} ${detail.limit} on ${detail.object}, the limit is ${detail.allowed}` +
        (detail.hint ? ` (${detail.hint})` : ''),
    );
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
