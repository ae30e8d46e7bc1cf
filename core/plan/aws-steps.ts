/**
 * The closed vocabulary of AWS plan steps (STYLE G5). Pure data: each step names its scope
 * (`<account>/<region>`), its phase and everything apply needs, so adapters/aws/apply.ts runs it
 * without re-planning. Owned objects are referred to by name (they may be created earlier in the
 * same plan) and by id when the plan already knows it; `owner` is the deployment id, which apply
 * checks before it resolves a name, so a name can never lead it to someone else's object.
 *
 * Prefix-list writes carry `currentVersion`: the version the planner expects the list to have
 * just before the step (its read version, plus one per earlier write of this plan), so a
 * concurrent writer makes the step fail with a conflict instead of being overwritten
 * (CLOUD-FACTS §1.4, §6.9).
 */
import type { AwsDirection, AwsRuleUnit } from '../model/native/aws-rules.ts';
import type { AwsTag } from '../model/native/aws.ts';
import type { StepBase } from './step-base.ts';

export interface AwsGroupRef {
  vpcId: string;
  name: string;
  id?: string;
}
export interface AwsPrefixListRef {
  name: string;
  id?: string;
}

/** Optimistic concurrency of one prefix-list write. */
export interface VersionGuard {
  /** The version the plan read (0: the list is created by this plan). */
  readVersion: number;
  /** The version expected just before this step: readVersion + earlier writes of this plan. */
  currentVersion: number;
}

interface Common extends StepBase {
  cloud: 'aws';
  /** Deployment id: apply only resolves names to objects carrying this owner tag. */
  owner: string;
}

/** CreateSecurityGroup, then revoke the default allow-all egress (the group is attached to nothing yet). */
export interface AwsCreateGroupStep extends Common {
  kind: 'create-group';
  phase: 'create';
  group: AwsGroupRef;
  description: string;
  tags: AwsTag[];
}
/** Authorize units on an owned group ('create' phase for a group created by this plan). */
export interface AwsAuthorizeStep extends Common {
  kind: 'authorize';
  phase: 'create' | 'authorize';
  group: AwsGroupRef;
  direction: AwsDirection;
  units: AwsRuleUnit[];
  /** Steps with the same sequence run in plan order, across groups (a class's transition, aws-transition.ts). */
  sequence?: string;
}
/** 'authorize' phase only for units whose flows the new rules keep allowed anyway (core/plan/aws-transition.ts). */
export interface AwsRevokeStep extends Common {
  kind: 'revoke';
  phase: 'authorize' | 'revoke';
  group: AwsGroupRef;
  direction: AwsDirection;
  units: AwsRuleUnit[];
  sequence?: string;
}
/** ModifyNetworkInterfaceAttribute: replaces the ENI's whole group set (foreign groups by id); 'revoke' phase when it only takes foreign groups off. */
export interface AwsSetMembershipStep extends Common {
  kind: 'set-membership';
  phase: 'membership' | 'revoke';
  interfaceId: string;
  vpcId: string;
  groups: AwsGroupRef[];
}
export interface AwsDeleteGroupStep extends Common {
  kind: 'delete-group';
  phase: 'delete';
  group: AwsGroupRef;
}
export interface AwsCreatePrefixListStep extends Common {
  kind: 'create-prefix-list';
  phase: 'create';
  prefixList: AwsPrefixListRef;
  family: 'IPv4' | 'IPv6';
  maxEntries: number;
  /** At most 100 (CreateManagedPrefixList Entry.N); the rest follow as add steps. */
  entries: string[];
  tags: AwsTag[];
}
/** At most 100 CIDRs per step (ModifyManagedPrefixList AddEntry.N). */
export interface AwsAddEntriesStep extends Common, VersionGuard {
  kind: 'add-prefix-list-entries';
  /** 'revoke' when a full group lets its list grow only after its late revokes (aws-transition.ts). */
  phase: 'create' | 'authorize' | 'revoke';
  prefixList: AwsPrefixListRef;
  cidrs: string[];
  /**
   * CIDRs removed in the same call (atomic: RemoveEntry.N beside AddEntry.N, at most 100): each
   * lies within the list's new entries (a re-aggregated range), so no address loses the list's
   * flows for a moment, and the list needs no room for both.
   */
  replaces?: string[];
  /** Set when the list grows inside a rule transition: its grow and adds run in that sequence. */
  sequence?: string;
}
export interface AwsRemoveEntriesStep extends Common, VersionGuard {
  kind: 'remove-prefix-list-entries';
  phase: 'revoke';
  prefixList: AwsPrefixListRef;
  cidrs: string[];
  /** As on AwsAddEntriesStep, when the growth waits for the revoke phase. */
  sequence?: string;
}
/** MaxEntries changes alone (it cannot share a call with entry changes): grow before adds, shrink after removes. */
export interface AwsResizePrefixListStep extends Common, VersionGuard {
  kind: 'resize-prefix-list';
  phase: 'authorize' | 'revoke';
  prefixList: AwsPrefixListRef;
  maxEntries: number;
  /** As on AwsAddEntriesStep. */
  sequence?: string;
}
export interface AwsDeletePrefixListStep extends Common {
  kind: 'delete-prefix-list';
  phase: 'delete';
  prefixList: AwsPrefixListRef;
}

export type AwsStep =
  | AwsCreateGroupStep
  | AwsAuthorizeStep
  | AwsRevokeStep
  | AwsSetMembershipStep
  | AwsDeleteGroupStep
  | AwsCreatePrefixListStep
  | AwsAddEntriesStep
  | AwsRemoveEntriesStep
  | AwsResizePrefixListStep
  | AwsDeletePrefixListStep;

export type AwsStepKind = AwsStep['kind'];

/** ModifyManagedPrefixList / CreateManagedPrefixList take at most 100 entries per call (CLOUD-FACTS §1.4). */
export const PREFIX_LIST_ENTRIES_PER_CALL = 100;
