/**
 * The error-classification table tests of the cloud adapters: each cloud's own error code and
 * HTTP status, and the segsync error class classifyCloudError makes of it (adapters/errors.ts).
 */
import { expect, it } from 'vitest';
import { classifyCloudError, CloudApiError, type CloudErrorTable, type StepRef } from '../../adapters/errors.ts';
import { ConflictError, SegsyncError, ThrottledError, TransientCloudError } from '../../core/errors.ts';

/** A segsync error class (ThrottledError, QuotaExceededError, StepFailedError, …). */
export type SegsyncErrorClass = abstract new (...args: never[]) => SegsyncError;

/** Only these are worth retrying (after a backoff or a re-read); quota and terminal failures are not. */
const RETRYABLE: ReadonlySet<SegsyncErrorClass> = new Set([ThrottledError, TransientCloudError, ConflictError]);

/** One test per `[code, status, class]`: the cloud's error is classified as `class`, retryable exactly when that class is. */
export function itClassifies(
  table: CloudErrorTable,
  step: StepRef,
  cases: readonly (readonly [code: string, status: number, cls: SegsyncErrorClass])[],
): void {
  it.each(cases)('GIVEN %s (HTTP %i) WHEN classified THEN it is a %O', (code, status, cls) => {
    const e = classifyCloudError(new CloudApiError(table.cloud, code, 'm', status), table, step);
    expect(e).toBeInstanceOf(cls);
    expect(e instanceof SegsyncError && e.retryable).toBe(RETRYABLE.has(cls));
  });
}
