/**
 * GCP error reasons → segsync error classes (STYLE G9). The only place that compares GCP error
 * codes (STYLE G3). Input: CloudApiError carrying the API's `reason` and HTTP status
 * (adapters/gcp/api.ts), from the real client or the sandbox.
 *
 * Sources (CLOUD-FACTS.md §3.4 and the sandbox's notes in adapters/sandbox/gcp.ts):
 * - 403 `rateLimitExceeded` / `userRateLimitExceeded`, 429: per-project rate quotas per 60 s →
 *   ThrottledError (retry with backoff; the next window refills).
 * - 412 `conditionNotMet`: stale `tags.fingerprint` on setTags → ConflictError (re-read, re-plan).
 * - `resourceNotReady` (another operation on the resource is running) and 5xx (`backendError`,
 *   `internalError`) → TransientCloudError.
 * - 403 `quotaExceeded` / `QUOTA_EXCEEDED` / `limitExceeded` (e.g. "Quota 'FIREWALLS' exceeded"):
 *   a project quota; retrying does not help → GcpQuotaExceededError (terminal).
 * - `alreadyExists` (409) on insert and `notFound` (404) on delete mean "already done" and are
 *   success in an idempotent apply (apply.ts asks isAlreadyExists / isNotFound).
 * - Everything else (`invalid`, `badRequest`, `forbidden`, …) → StepFailedError (terminal).
 */
import {
  ConflictError,
  SegsyncError,
  StepFailedError,
  ThrottledError,
  TransientCloudError,
} from '../../core/errors.ts';
import { CloudApiError } from '../errors.ts';

const THROTTLED = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED', 'RESOURCE_EXHAUSTED']);
const QUOTA = new Set(['quotaExceeded', 'QUOTA_EXCEEDED', 'limitExceeded']);
const CONFLICT = new Set(['conditionNotMet', 'FINGERPRINT_MISMATCH']);
const TRANSIENT = new Set(['resourceNotReady', 'backendError', 'internalError', 'serviceUnavailable']);
/** Node socket errors: the request may not have reached GCP; retrying is safe (steps are idempotent). */
const NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'EPIPE']);

/** A GCP project quota (not a rate limit) refused a write. Terminal: raise the quota or shrink the policy. */
export class GcpQuotaExceededError extends SegsyncError {
  readonly retryable = false;
}

const gcpCode = (e: unknown): string | undefined =>
  e instanceof CloudApiError && e.cloud === 'gcp' ? e.code : undefined;

/** The insert found a rule of that name already there. */
export function isAlreadyExists(e: unknown): boolean {
  return gcpCode(e) === 'alreadyExists';
}

/** The rule or instance is not there (already deleted). */
export function isNotFound(e: unknown): boolean {
  return gcpCode(e) === 'notFound';
}

/**
 * @example
 * classifyGcpError(new CloudApiError('gcp', 'conditionNotMet', 'Supplied fingerprint does not match', 412)); // ConflictError
 */
export function classifyGcpError(e: unknown, step?: { kind: string; target: string }): Error {
  if (e instanceof SegsyncError) return e;
  const what = step ? `${step.kind} ${step.target}` : 'GCP call';
  if (e instanceof CloudApiError && e.cloud === 'gcp') {
    if (THROTTLED.has(e.code) || e.status === 429) return new ThrottledError(`${what}: ${e.message}`, { cause: e });
    if (QUOTA.has(e.code))
      return new GcpQuotaExceededError(`${what}: GCP project quota exceeded: ${e.message}`, { cause: e });
    if (CONFLICT.has(e.code) || e.status === 412)
      return new ConflictError(`${what}: changed by someone else, re-read and re-plan: ${e.message}`, { cause: e });
    if (TRANSIENT.has(e.code) || e.status >= 500) return new TransientCloudError(`${what}: ${e.message}`, { cause: e });
  } else if (typeof (e as { code?: unknown })?.code === 'string' && NETWORK.has((e as { code: string }).code)) {
    return new TransientCloudError(`${what}: ${(e as Error).message}`, { cause: e });
  }
  return new StepFailedError({ cloud: 'gcp', kind: step?.kind ?? 'call', target: step?.target ?? '' }, e);
}
