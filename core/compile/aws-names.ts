/**
 * Names, tags and scopes of the AWS objects segsync owns. Pure and deterministic (STYLE G6):
 * every name is a function of the deployment id, the class (readable name + hash id) and, for
 * prefix lists, the VPC, so re-running compile always finds the same objects.
 *
 * - Security groups: `segsync-<dep>-<class name>-<class id>` is the class's identity group;
 *   overflow rule holders add `-2`, `-3`, … Group names are unique per VPC (CLOUD-FACTS §1.3),
 *   and a group lives in exactly one VPC, so the VPC is not part of the name.
 * - Prefix lists are Regional, not per VPC, so their name carries the VPC:
 *   `segsync-<dep>-<class name>-<class id>-<v4|v6>-<vpc id>[-local]`; `-local` is the set of the
 *   class's members inside that VPC (used where a port set cannot go by group reference).
 * - Tags (core/ownership.ts): segsync:owner, segsync:class, segsync:location = `<account>/<region>`.
 * Scope and network ids are built and parsed in core/model/ids.ts.
 */
import type { Family } from '../model/address.ts';
import type { AwsTag } from '../model/native/aws.ts';
import { AWS_CLASS_TAG, AWS_LOCATION_TAG, AWS_OWNER_TAG } from '../ownership.ts';
import { AWS_NAME, boundedName } from './names.ts';

export interface ClassRef {
  id: string;
  name: string;
}

const prefix = (deploymentId: string): string => `segsync-${deploymentId}-`;

/** `index` 1 is the identity group; 2, 3, … are rule holders attached beside it. */
export function awsGroupName(deploymentId: string, cls: ClassRef, index: number): string {
  return boundedName(prefix(deploymentId), cls.name, index === 1 ? cls.id : `${cls.id}-${index}`, AWS_NAME);
}

export function awsPrefixListName(
  deploymentId: string,
  cls: ClassRef,
  family: Family,
  vpcId: string,
  local: boolean,
): string {
  const suffix = `${cls.id}-${family === 'ipv4' ? 'v4' : 'v6'}-${vpcId}${local ? '-local' : ''}`;
  return boundedName(prefix(deploymentId), cls.name, suffix, AWS_NAME);
}

export function awsGroupDescription(deploymentId: string, cls: ClassRef, index: number): string {
  const role = index === 1 ? 'identity and rules' : `rules, part ${index}`;
  return AWS_NAME.sanitize(`segsync ${deploymentId}: class ${cls.name} (${cls.id}), ${role}`).slice(0, AWS_NAME.max);
}

export function awsOwnedTags(deploymentId: string, classId: string, scope: string): AwsTag[] {
  return [
    { Key: AWS_OWNER_TAG, Value: deploymentId },
    { Key: AWS_CLASS_TAG, Value: classId },
    { Key: AWS_LOCATION_TAG, Value: scope },
  ];
}
