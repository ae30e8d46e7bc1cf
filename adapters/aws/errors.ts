/**
 * EC2 error codes, by what they mean to segsync (STYLE G3, G9): data only; adapters/errors.ts
 * classifies with it, and apply.ts asks it for the "already done / already gone" kinds.
 *
 * Sources: CLOUD-FACTS §1.5 (codes and meanings), §1.6 (throttling: retry with backoff and
 * jitter, never retry a 4xx unchanged), §1.4 (prefix-list CurrentVersion = optimistic
 * concurrency). `PrefixListVersionMismatch` and `IncorrectState` (a prefix list still in
 * create/modify-in-progress: AWS applies them asynchronously) are the codes terraform-provider-aws
 * retries on; `InvalidPrefixListModification` (adding a present / removing an absent entry) is
 * the sandbox's code for that case [?]. `DependencyViolation`: the group is still attached or
 * referenced; after a re-read the plan detaches or unreferences it first (a conflict).
 */
import type { CloudErrorTable } from '../errors.ts';

/** Outcomes apply.ts handles itself (idempotency), named in segsync's terms. */
export type AwsErrorKind =
  | 'group-exists'
  | 'group-missing'
  | 'rule-exists'
  | 'rule-missing'
  | 'interface-missing'
  | 'instance-missing'
  | 'prefix-list-missing'
  | 'prefix-list-entries-conflict'
  | 'version-mismatch';

export const AWS_ERRORS: CloudErrorTable<AwsErrorKind> = {
  cloud: 'aws',
  throttled: [
    'RequestLimitExceeded',
    'Throttling',
    'ThrottlingException',
    'RequestThrottled',
    'TooManyRequestsException',
    'ConcurrentMutationLimitExceeded',
  ],
  transient: ['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable', 'IncorrectState'],
  conflict: ['PrefixListVersionMismatch', 'DependencyViolation'],
  quota: [
    'RulesPerSecurityGroupLimitExceeded',
    'SecurityGroupsPerInterfaceLimitExceeded',
    'SecurityGroupsPerInstanceLimitExceeded',
    'SecurityGroupLimitExceeded',
    'PrefixListMaxEntriesExceeded',
    'ResourceLimitExceeded',
    'TagLimitExceeded',
  ],
  kinds: {
    'InvalidGroup.Duplicate': 'group-exists',
    'InvalidGroup.NotFound': 'group-missing',
    'InvalidGroupId.NotFound': 'group-missing',
    'InvalidPermission.Duplicate': 'rule-exists',
    'InvalidPermission.NotFound': 'rule-missing',
    'InvalidNetworkInterfaceID.NotFound': 'interface-missing',
    'InvalidInstanceID.NotFound': 'instance-missing',
    'InvalidPrefixListID.NotFound': 'prefix-list-missing',
    'InvalidPrefixListId.NotFound': 'prefix-list-missing',
    InvalidPrefixListModification: 'prefix-list-entries-conflict',
    PrefixListVersionMismatch: 'version-mismatch',
  },
};
