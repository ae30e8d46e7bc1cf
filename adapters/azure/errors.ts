/**
 * Azure (ARM / Microsoft.Network) error codes → segsync's run-time error classes (STYLE G9).
 * The only place that compares Azure error-code strings. Sources: CLOUD-FACTS §2.3, §2.4, §2.7 and
 * the observed codes cited in adapters/sandbox/azure.ts.
 *
 * - Throttling and serialised writes on one NSG (429 TooManyRequests / RetryableError /
 *   RetryableErrorDueToAnotherOperation, 409 AnotherOperationInProgress) → ThrottledError (retry
 *   with backoff).
 * - 412 PreconditionFailed (stale If-Match etag), a write superseded by another one
 *   (Canceled / CanceledAndSupersededDueToAnotherOperation / OperationPreempted: Azure/azure-cli#21156,
 *   Azure/azure-rest-api-specs#22434), a rule priority taken meanwhile (SecurityRuleConflict)
 *   → ConflictError: someone else wrote; re-read and re-plan.
 * - 5xx → TransientCloudError.
 * - Quota codes → AzureQuotaError (terminal: the compiler's budgets are below the real ones, or
 *   someone else used the room).
 * - Anything else → StepFailedError (terminal).
 */
import {
  ConflictError,
  SegsyncError,
  StepFailedError,
  ThrottledError,
  TransientCloudError,
} from '../../core/errors.ts';
import { CloudApiError } from '../errors.ts';

const THROTTLED = new Set([
  'toomanyrequests',
  'retryableerror',
  'retryableerrorduetoanotheroperation',
  'anotheroperationinprogress',
  'subscriptionrequeststhrottled',
  'resourcerequeststhrottled',
]);
const CONFLICT = new Set([
  'preconditionfailed',
  'canceled',
  'canceledandsupersededduetoanotheroperation',
  'operationpreempted',
  'securityruleconflict',
]);
const QUOTA = new Set([
  'securityrulecountlimitreached',
  'securityruleaddressesorportspersecuritygrouplimitreached',
  'numberofapplicationsecuritygroupsreferencedinsecurityrulelimitreached',
  'numberofapplicationsecuritygroupsreferencedinsecuritygrouplimitreached',
  'numberofapplicationsecuritygroupsreferencedinipconfigurationlimitreached',
  'quotaexceeded',
  'resourcequotaexceeded',
]);
/** Codes that mean "already gone": success for a delete. */
const GONE = new Set(['notfound', 'resourcenotfound', 'parentresourcenotfound', 'resourcegroupnotfound']);

/** A cloud-side quota refused a write; terminal, with the code and the service's message. */
export class AzureQuotaError extends SegsyncError {
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`azure quota ${code}: ${message}`, options);
  }
}

interface StepRef {
  cloud: string;
  kind: string;
  target: string;
}

/**
 * @example
 * classifyAzureError(new CloudApiError('azure', 'PreconditionFailed', '…', 412)); // ConflictError
 */
export function classifyAzureError(e: unknown, step: StepRef = { cloud: 'azure', kind: 'call', target: '' }): Error {
  if (e instanceof SegsyncError) return e;
  if (!(e instanceof CloudApiError)) return new StepFailedError(step, e);
  const code = e.code.toLowerCase();
  if (THROTTLED.has(code) || e.status === 429) return new ThrottledError(e.message, { cause: e });
  if (CONFLICT.has(code) || e.status === 412) return new ConflictError(e.message, { cause: e });
  if (QUOTA.has(code)) return new AzureQuotaError(e.code, e.message, { cause: e });
  if (e.status >= 500) return new TransientCloudError(e.message, { cause: e });
  return new StepFailedError(step, e);
}

/** A delete whose object (or its parent) is already gone has done its job (ARM DELETE is idempotent). */
export function isAzureGone(e: unknown): boolean {
  return e instanceof CloudApiError && (GONE.has(e.code.toLowerCase()) || e.status === 404);
}
