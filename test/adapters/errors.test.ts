/**
 * One classifier, three code tables (adapters/errors.ts, adapters/<cloud>/errors.ts): the same
 * kinds of failure land in the same segsync error class on every cloud, retryable or terminal as
 * STYLE G9 says, and network failures are transient everywhere.
 */
import { describe, expect, it } from 'vitest';
import { AWS_ERRORS } from '../../adapters/aws/errors.ts';
import { AZURE_ERRORS } from '../../adapters/azure/errors.ts';
import { CloudApiError, classifyCloudError, cloudErrorKind, type CloudErrorTable } from '../../adapters/errors.ts';
import { GCP_ERRORS } from '../../adapters/gcp/errors.ts';
import {
  ConflictError,
  PolicyValidationError,
  QuotaExceededError,
  SegsyncError,
  StepFailedError,
  ThrottledError,
  TransientCloudError,
} from '../../core/errors.ts';

const TABLES: Record<'aws' | 'azure' | 'gcp', CloudErrorTable> = {
  aws: AWS_ERRORS,
  azure: AZURE_ERRORS,
  gcp: GCP_ERRORS,
};
type Cls = new (...args: never[]) => Error;

/** [cloud, code, HTTP status, class]: codes from CLOUD-FACTS §1.5/§1.6, §2.4/§2.7, §3.4/§3.6. */
const CASES: [keyof typeof TABLES, string, number, Cls][] = [
  ['aws', 'RequestLimitExceeded', 503, ThrottledError],
  ['aws', 'InternalError', 500, TransientCloudError],
  ['aws', 'IncorrectState', 400, TransientCloudError],
  ['aws', 'PrefixListVersionMismatch', 400, ConflictError],
  ['aws', 'DependencyViolation', 400, ConflictError],
  ['aws', 'RulesPerSecurityGroupLimitExceeded', 400, QuotaExceededError],
  ['aws', 'SecurityGroupsPerInterfaceLimitExceeded', 400, QuotaExceededError],
  ['aws', 'UnauthorizedOperation', 403, StepFailedError],
  ['aws', 'InvalidParameterValue', 400, StepFailedError],
  ['azure', 'TooManyRequests', 429, ThrottledError],
  ['azure', 'RetryableErrorDueToAnotherOperation', 429, ThrottledError],
  ['azure', 'AnotherOperationInProgress', 409, ThrottledError],
  ['azure', 'InternalServerError', 500, TransientCloudError],
  ['azure', 'PreconditionFailed', 412, ConflictError],
  ['azure', 'canceledAndSupersededDueToAnotherOperation', 409, ConflictError],
  ['azure', 'CanceledAndSupersededDueToAnotherOperation', 409, ConflictError], // ARM codes are compared without case
  ['azure', 'SecurityRuleConflict', 400, ConflictError],
  ['azure', 'SecurityRuleCountLimitReached', 400, QuotaExceededError],
  ['azure', 'NumberOfApplicationSecurityGroupsReferencedInIpConfigurationLimitReached', 400, QuotaExceededError],
  ['azure', 'AuthorizationFailed', 403, StepFailedError],
  ['azure', 'InUseNetworkSecurityGroupCannotBeDeleted', 400, StepFailedError],
  ['gcp', 'rateLimitExceeded', 403, ThrottledError],
  ['gcp', 'RESOURCE_EXHAUSTED', 429, ThrottledError],
  ['gcp', 'backendError', 500, TransientCloudError],
  ['gcp', 'resourceNotReady', 400, TransientCloudError],
  ['gcp', 'conditionNotMet', 412, ConflictError],
  ['gcp', 'QUOTA_EXCEEDED', 403, QuotaExceededError],
  ['gcp', 'quotaExceeded', 403, QuotaExceededError],
  ['gcp', 'forbidden', 403, StepFailedError],
  ['gcp', 'invalid', 400, StepFailedError],
];

const RETRYABLE = new Set<Cls>([ThrottledError, TransientCloudError, ConflictError]);
const step = (cloud: string) => ({ cloud, kind: 'put', target: 'x' });

describe('classifyCloudError over the three code tables', () => {
  it.each(CASES)('GIVEN %s %s (HTTP %i) WHEN classified THEN it is a %O', (cloud, code, status, cls) => {
    const e = classifyCloudError(new CloudApiError(cloud, code, 'm', status), TABLES[cloud], step(cloud));
    expect(e).toBeInstanceOf(cls);
    expect(e instanceof SegsyncError && e.retryable).toBe(RETRYABLE.has(cls));
    expect(e.cause ?? (e as StepFailedError).cause).toBeInstanceOf(CloudApiError);
  });

  it.each(['aws', 'azure', 'gcp'] as const)(
    'GIVEN %s refuses a write for a quota WHEN classified THEN one QuotaExceededError carries the cloud, its code and its message',
    (cloud) => {
      const code = TABLES[cloud].quota[0]!;
      const e = classifyCloudError(new CloudApiError(cloud, code, 'limit hit', 400), TABLES[cloud], step(cloud));
      expect(e).toBeInstanceOf(QuotaExceededError);
      expect(e).toMatchObject({ cloud, code, retryable: false, detail: undefined });
      expect(e.message).toContain('limit hit');
    },
  );

  const network: [string, unknown][] = [
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['EAI_AGAIN', Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' })],
    ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['socket hang up', new Error('socket hang up')],
    ['AbortError', Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })],
    ['TimeoutError', Object.assign(new Error('Request timed out'), { name: 'TimeoutError' })],
    ['fetch failed (cause ECONNRESET)', new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })],
  ];
  for (const cloud of ['aws', 'azure', 'gcp'] as const) {
    it.each(network)(`GIVEN %s on ${cloud} WHEN classified THEN it is transient (retryable)`, (_label, raw) => {
      const e = classifyCloudError(raw, TABLES[cloud], step(cloud));
      expect(e).toBeInstanceOf(TransientCloudError);
      expect((e as TransientCloudError).retryable).toBe(true);
    });
  }

  it('GIVEN a plain programming error WHEN classified THEN it is terminal', () => {
    expect(classifyCloudError(new RangeError('bug'), AWS_ERRORS, step('aws'))).toBeInstanceOf(StepFailedError);
  });

  it('GIVEN an error already classified WHEN classified again THEN it passes through unchanged', () => {
    const already = new PolicyValidationError([]);
    expect(classifyCloudError(already, GCP_ERRORS)).toBe(already);
  });

  it("GIVEN another cloud's CloudApiError WHEN classified with this table THEN none of this cloud's codes apply", () => {
    const e = classifyCloudError(new CloudApiError('aws', 'conditionNotMet', 'm', 400), GCP_ERRORS, step('gcp'));
    expect(e).toBeInstanceOf(StepFailedError);
  });
});

describe('cloudErrorKind: the already-done / already-gone outcomes apply uses', () => {
  it.each([
    ['aws', 'InvalidPermission.Duplicate', 400, 'rule-exists'],
    ['aws', 'InvalidPermission.NotFound', 400, 'rule-missing'],
    ['aws', 'InvalidGroup.NotFound', 400, 'group-missing'],
    ['aws', 'InvalidInstanceID.NotFound', 400, 'instance-missing'],
    ['aws', 'InvalidPrefixListID.NotFound', 400, 'prefix-list-missing'],
    ['azure', 'ResourceNotFound', 404, 'gone'],
    ['azure', 'resourcegroupnotfound', 404, 'gone'],
    ['azure', 'SomethingElse', 404, 'gone'],
    ['gcp', 'alreadyExists', 409, 'already-exists'],
    ['gcp', 'notFound', 404, 'not-found'],
    ['aws', 'RequestLimitExceeded', 503, undefined],
    ['gcp', 'invalid', 400, undefined],
  ] as const)('GIVEN %s %s (HTTP %i) THEN the kind is %s', (cloud, code, status, kind) => {
    expect(cloudErrorKind(new CloudApiError(cloud, code, 'm', status), TABLES[cloud])).toBe(kind);
  });
});
