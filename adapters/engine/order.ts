/**
 * What may run at the same time inside one location and one phase. The planner emits a
 * sequential order that is make-before-break step by step; the engine keeps exactly the parts of
 * that order that matter and parallelises the rest:
 * - `rank`: every step of a lower rank finishes before any step of a higher rank starts (objects
 *   before what references them; all Azure 'join-asgs' before any 'set-nic'; NSGs deleted before
 *   the ASGs they name, security groups before the prefix lists they reference);
 * - `key`: steps with the same key run one after another in plan order (one object's writes:
 *   a prefix list's version chain, one NSG's rules, one NIC's two writes, AWS group deletions,
 *   one security group's authorizations and early revokes, interleaved as the planner made room;
 *   a class's transition across its groups, which shares one `sequence`).
 */
import type { AwsStep } from '../../core/plan/aws-steps.ts';
import type { AzureStep } from '../../core/plan/azure-steps.ts';
import type { Step } from '../../core/plan/step.ts';

export interface StepOrder {
  rank: number;
  key: string;
}

export function stepOrder(step: Step): StepOrder {
  if (step.cloud === 'aws') return awsOrder(step);
  if (step.cloud === 'azure') return azureOrder(step);
  return { rank: 0, key: step.target };
}

function awsOrder(step: AwsStep): StepOrder {
  switch (step.kind) {
    case 'create-group':
    case 'create-prefix-list':
      return { rank: 0, key: step.target };
    case 'authorize':
      return { rank: 1, key: step.sequence ?? `group ${step.group.vpcId}/${step.group.name}` };
    case 'revoke':
      // An early revoke (authorize phase) makes room in its group for the authorizations after it,
      // and is covered by those before it (aws-transition.ts): plan order within the group's key.
      return { rank: 1, key: step.sequence ?? `group ${step.group.vpcId}/${step.group.name}` };
    case 'add-prefix-list-entries':
    case 'remove-prefix-list-entries':
    case 'resize-prefix-list':
      // A list whose growth a rule transition waits for (aws-transition.ts ListGrowth) runs its
      // version chain in that transition's sequence.
      return { rank: 1, key: step.sequence ?? `prefix-list ${step.prefixList.name}` };
    case 'set-membership':
      return { rank: 1, key: `eni ${step.interfaceId}` };
    case 'delete-group':
      return { rank: 0, key: 'delete-groups' };
    case 'delete-prefix-list':
      return { rank: 1, key: step.target };
  }
}

function azureOrder(step: AzureStep): StepOrder {
  switch (step.kind) {
    case 'create-asg':
    case 'delete-nsg':
    case 'join-asgs':
      return { rank: 0, key: step.target.toLowerCase() };
    case 'create-nsg':
    case 'set-nic':
    case 'delete-asg':
      return { rank: 1, key: step.target.toLowerCase() };
    case 'put-rule':
    case 'delete-rule':
      return { rank: 2, key: `nsg ${step.resourceGroup}/${step.nsgName}`.toLowerCase() };
  }
}
