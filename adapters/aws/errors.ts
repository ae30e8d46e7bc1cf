/**
 * EC2 error codes → segsync's error classes (STYLE G9), and the few "already done" codes that
 * apply.ts treats as success. The only place in segsync that compares AWS error-code strings.
 *
 * Sources: CLOUD-FACTS §1.5 (codes and meanings), §1.6 (throttling: retry with backoff and
 * jitter, never retry a 4xx unchanged), §1.4 (prefix-list CurrentVersion = optimistic
 * concurrency). `PrefixListVersionMismatch` and `IncorrectState` (a prefix list still in
 * create/modify-in-progress: AWS applies them asynchronously) are the codes terraform-provider-aws
 * retries on; `InvalidPrefixListModification` (adding a present / removing an absent entry) is
 * the sandbox's code for that case [?].
 */
import {
  ConflictError,
  SegsyncError,
  StepFailedError,
  ThrottledError,
  TransientCloudError,
} from '../../core/errors.ts';
import { CloudApiError } from '../errors.ts';

/** Outcomes apply.ts handles itself (idempotency), named in segsync's terms. */
export type AwsErrorKind =
  | 'group-exists'
  | 'group-missing'
  | 'rule-exists'
  | 'rule-missing'
  | 'interface-missing'
  | 'prefix-list-missing'
  | 'prefix-list-entries-conflict'
  | 'version-mismatch';

const KINDS: Readonly<Record<string, AwsErrorKind>> = {
  'InvalidGroup.Duplicate': 'group-exists',
  'InvalidGroup.NotFound': 'group-missing',
  'InvalidGroupId.NotFound': 'group-missing',
  'InvalidPermission.Duplicate': 'rule-exists',
  'InvalidPermission.NotFound': 'rule-missing',
  'InvalidNetworkInterfaceID.NotFound': 'interface-missing',
  'InvalidPrefixListID.NotFound': 'prefix-list-missing',
  'InvalidPrefixListId.NotFound': 'prefix-list-missing',
  InvalidPrefixListModification: 'prefix-list-entries-conflict',
  PrefixListVersionMismatch: 'version-mismatch',
};

const THROTTLED = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequestsException',
  'ConcurrentMutationLimitExceeded',
]);
const TRANSIENT = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable', 'IncorrectState']);
/** Quotas: terminal until someone raises the quota or changes the policy. */
const QUOTA = new Set([
  'RulesPerSecurityGroupLimitExceeded',
  'SecurityGroupsPerInterfaceLimitExceeded',
  'SecurityGroupsPerInstanceLimitExceeded',
  'SecurityGroupLimitExceeded',
  'PrefixListMaxEntriesExceeded',
  'ResourceLimitExceeded',
  'TagLimitExceeded',
]);

/** A cloud quota hit at apply time (the compiler's budgets were lower than reality thinks, or were raised). Terminal. */
export class AwsQuotaError extends SegsyncError {
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
    options: { cause: unknown },
  ) {
    super(`aws quota ${code}: ${message}`, options);
  }
}

/** What apply may treat as "already done" (or "already gone"), or undefined. */
export function awsErrorKind(e: unknown): AwsErrorKind | undefined {
  return e instanceof CloudApiError && e.cloud === 'aws' ? KINDS[e.code] : undefined;
}

/**
 * Classify anything an EC2 call threw. `step` names the failing step for StepFailedError.
 * @example classifyAwsError(new CloudApiError('aws', 'RequestLimitExceeded', 'slow down')) instanceof ThrottledError; // true
 */
export function classifyAwsError(
  e: unknown,
  step: { cloud: string; kind: string; target: string } = { cloud: 'aws', kind: 'call', target: 'ec2' },
): Error {
  if (e instanceof SegsyncError) return e;
  if (!(e instanceof CloudApiError)) return new StepFailedError(step, e);
  const options = { cause: e };
  if (THROTTLED.has(e.code) || e.status === 429) return new ThrottledError(e.message, options);
  if (TRANSIENT.has(e.code) || e.status >= 500) return new TransientCloudError(e.message, options);
  if (e.code === 'PrefixListVersionMismatch')
    return new ConflictError(`prefix list changed under us: ${e.message}`, options);
  // AWS: the group is still attached or referenced; after a re-read the plan detaches or unreferences it first.
  if (e.code === 'DependencyViolation')
    return new ConflictError(`${step.target} is still in use: ${e.message}`, options);
  if (QUOTA.has(e.code)) return new AwsQuotaError(e.code, e.message, options);
  return new StepFailedError(step, e);
}
