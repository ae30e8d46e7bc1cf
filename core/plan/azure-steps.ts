/**
 * The closed vocabulary of Azure plan steps (STYLE G5): what each kind writes, in which phase.
 * Pure data; adapters/azure/apply.ts executes one function per kind.
 *
 *   create-asg   create  PUT an owned ASG (idempotent).
 *   create-nsg   create  PUT an owned NSG with ALL its rules (allows + catch-all denies), before
 *                        any NIC uses it (make-before-break, DESIGN.md §3).
 *   put-rule     authorize (or revoke, for a deny whose slot frees up only then) PUT one child
 *                        rule of an owned NSG (CLOUD-FACTS §2.4: child writes).
 *   join-asgs    membership  first half of a NIC move: add the NIC's new ASG, keep everything
 *                        else, so peers' rules see it before its own NSG changes.
 *   set-nic      membership  the NIC's final ASGs (owned ones replaced, foreign kept) and NSG.
 *   delete-rule  revoke  DELETE one child rule of an owned NSG.
 *   delete-nsg   delete  DELETE an owned NSG no NIC uses any more.
 *   delete-asg   delete  DELETE an owned ASG no NIC or rule uses any more (after the NSGs).
 *
 * NIC writes are read-modify-write guarded twice: `expect` (the membership the plan saw) and
 * If-Match with the NIC's etag (CLOUD-FACTS §2.4). `ifMatch` is the plan-time etag for the
 * first write of a NIC in a plan, absent for the second (its etag is only known after the first).
 */
import type { AzureNetworkInterface, AzureSecurityRule } from '../model/native/azure.ts';
import type { NicMembership } from '../model/native/azure-membership.ts';
import type { StepBase } from './step-base.ts';

export type { NicMembership };

interface AzureStepBase extends StepBase {
  cloud: 'azure';
  resourceGroup: string;
}

export interface CreateAsgStep extends AzureStepBase {
  kind: 'create-asg';
  phase: 'create';
  name: string;
  location: string;
  tags: Record<string, string>;
}

export interface CreateNsgStep extends AzureStepBase {
  kind: 'create-nsg';
  phase: 'create';
  name: string;
  location: string;
  tags: Record<string, string>;
  securityRules: AzureSecurityRule[];
}

export interface PutRuleStep extends AzureStepBase {
  kind: 'put-rule';
  phase: 'authorize' | 'revoke';
  nsgName: string;
  rule: AzureSecurityRule;
}

export interface DeleteRuleStep extends AzureStepBase {
  kind: 'delete-rule';
  phase: 'revoke';
  nsgName: string;
  ruleName: string;
}

export interface NicStep extends AzureStepBase {
  kind: 'join-asgs' | 'set-nic';
  phase: 'membership';
  nicName: string;
  /** The NIC's etag as planned; absent when an earlier step of this plan writes the NIC first. */
  ifMatch?: string;
  expect: NicMembership;
  set: NicMembership;
  /** join-asgs only: the final membership; a NIC already there is past this step (re-runs succeed). */
  then?: NicMembership;
  /** The PUT body: the NIC as read at plan time with `set` applied. */
  body: AzureNetworkInterface;
}

export interface DeleteNsgStep extends AzureStepBase {
  kind: 'delete-nsg';
  phase: 'delete';
  name: string;
}

export interface DeleteAsgStep extends AzureStepBase {
  kind: 'delete-asg';
  phase: 'delete';
  name: string;
}

export type AzureStep =
  CreateAsgStep | CreateNsgStep | PutRuleStep | DeleteRuleStep | NicStep | DeleteNsgStep | DeleteAsgStep;
