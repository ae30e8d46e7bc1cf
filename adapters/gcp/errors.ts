/**
 * GCP (Compute Engine v1) error reasons, by what they mean to segsync (STYLE G3, G9): data only;
 * adapters/errors.ts classifies with it. Input: CloudApiError carrying the API's `reason` and HTTP
 * status (adapters/gcp/api.ts), from the real client or the sandbox.
 *
 * Sources (CLOUD-FACTS.md §3.4 and the sandbox's notes in adapters/sandbox/gcp.ts):
 * - 403 `rateLimitExceeded` / `userRateLimitExceeded`, 429: per-project rate quotas per 60 s →
 *   retry with backoff (the next window refills).
 * - 412 `conditionNotMet`: stale `tags.fingerprint` on setTags → conflict (re-read, re-plan).
 * - `resourceNotReady` (another operation on the resource is running) and 5xx (`backendError`,
 *   `internalError`) → transient.
 * - 403 `quotaExceeded` / `QUOTA_EXCEEDED` / `limitExceeded` (e.g. "Quota 'FIREWALLS' exceeded"):
 *   a project quota; retrying does not help (terminal).
 * - `alreadyExists` (409) on insert and `notFound` (404) on delete/get mean "already done" /
 *   "already gone": success in an idempotent apply, absence in a read.
 * - Everything else (`invalid`, `badRequest`, `forbidden`, …) is terminal.
 * - A failed Operation (client.ts) carries its error code in upper case instead of a reason
 *   (`QUOTA_EXCEEDED`, `RESOURCE_NOT_READY`, `RESOURCE_NOT_FOUND`, `RESOURCE_ALREADY_EXISTS`,
 *   `CONDITION_NOT_MET`; Operation.error.errors[].code in the Compute reference): the same meanings.
 */
import type { CloudErrorTable } from '../errors.ts';

export type GcpErrorKind = 'already-exists' | 'not-found';

export const GCP_ERRORS: CloudErrorTable<GcpErrorKind> = {
  cloud: 'gcp',
  throttled: ['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED', 'RESOURCE_EXHAUSTED'],
  transient: [
    'resourceNotReady',
    'RESOURCE_NOT_READY',
    'backendError',
    'internalError',
    'INTERNAL_ERROR',
    'serviceUnavailable',
  ],
  conflict: ['conditionNotMet', 'CONDITION_NOT_MET', 'FINGERPRINT_MISMATCH'],
  quota: ['quotaExceeded', 'QUOTA_EXCEEDED', 'limitExceeded'],
  kinds: {
    alreadyExists: 'already-exists',
    RESOURCE_ALREADY_EXISTS: 'already-exists',
    notFound: 'not-found',
    RESOURCE_NOT_FOUND: 'not-found',
  },
};
