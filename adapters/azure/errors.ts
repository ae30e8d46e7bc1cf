/**
 * Azure (ARM / Microsoft.Network / Microsoft.Compute) error codes, by what they mean to segsync
 * (STYLE G3, G9): data only; adapters/errors.ts classifies with it. ARM codes are compared
 * without case. Sources: CLOUD-FACTS §2.3, §2.4, §2.7 and the observed codes cited in
 * adapters/sandbox/azure.ts.
 *
 * - Throttling and serialised writes on one NSG (429 TooManyRequests / RetryableError /
 *   RetryableErrorDueToAnotherOperation, 409 AnotherOperationInProgress): retry with backoff.
 * - 412 PreconditionFailed (stale If-Match etag), a write superseded by another one
 *   (Canceled / CanceledAndSupersededDueToAnotherOperation / OperationPreempted: Azure/azure-cli#21156,
 *   Azure/azure-rest-api-specs#22434), a rule priority taken meanwhile (SecurityRuleConflict):
 *   someone else wrote; re-read and re-plan.
 * - Quota codes: terminal (the compiler's budgets are above the real ones, or someone else used the room).
 * - "Already gone" (a DELETE or GET of something absent: ARM DELETE is idempotent): the NotFound
 *   family, or HTTP 404 whatever the code.
 */
import type { CloudErrorTable } from '../errors.ts';

export type AzureErrorKind = 'gone';

export const AZURE_ERRORS: CloudErrorTable<AzureErrorKind> = {
  cloud: 'azure',
  caseInsensitive: true,
  throttled: [
    'TooManyRequests',
    'RetryableError',
    'RetryableErrorDueToAnotherOperation',
    'AnotherOperationInProgress',
    'SubscriptionRequestsThrottled',
    'ResourceRequestsThrottled',
  ],
  transient: ['InternalServerError', 'ServiceUnavailable', 'GatewayTimeout'],
  conflict: [
    'PreconditionFailed',
    'Canceled',
    'CanceledAndSupersededDueToAnotherOperation',
    'OperationPreempted',
    'SecurityRuleConflict',
  ],
  quota: [
    'SecurityRuleCountLimitReached',
    'SecurityRuleAddressesOrPortsPerSecurityGroupLimitReached',
    'NumberOfApplicationSecurityGroupsReferencedInSecurityRuleLimitReached',
    'NumberOfApplicationSecurityGroupsReferencedInSecurityGroupLimitReached',
    'NumberOfApplicationSecurityGroupsReferencedInIpConfigurationLimitReached',
    'QuotaExceeded',
    'ResourceQuotaExceeded',
  ],
  kinds: {
    NotFound: 'gone',
    ResourceNotFound: 'gone',
    ParentResourceNotFound: 'gone',
    ResourceGroupNotFound: 'gone',
  },
  kindsByStatus: { 404: 'gone' },
};
