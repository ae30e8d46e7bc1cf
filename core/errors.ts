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
