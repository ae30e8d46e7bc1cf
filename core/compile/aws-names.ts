/**
 * Names, tags and scopes of the AWS objects segsync owns. Pure and deterministic (STYLE G6):
 * every name is a function of the deployment id, the class (readable name + hash id) and, for
 * prefix lists, the VPC, so re-running compile always finds the same objects.
 *
 * - Security groups: `segsync-<dep>-<class name>-<class id>` is the class's identity group;
 *   overflow rule holders add `-2`, `-3`, … Group names are unique per VPC (CLOUD-FACTS §1.3),
 *   and a group lives in exactly one VPC, so the VPC is not part of the name.
 * - Prefix lists are Regional, not per VPC, so their name carries the VPC. One list holds every
 *   peer address a class's ENIs in that VPC accept (or reach) on one rule unit, whatever class
 *   the peers come from: `segsync-<dep>-<class name>-<class id>-<in|eg>-<v4|v6>-<unit>-<vpc id>`,
 *   `<unit>` being e.g. `tcp53`, `udp1000-2000`, `icmp`, `all` (stable while the port set is).
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

/** `unit` is a rule unit's protocol and ports in name form, see awsUnitLabel. */
export function awsPrefixListName(
  deploymentId: string,
  cls: ClassRef,
  direction: 'ingress' | 'egress',
  family: Family,
  unit: string,
  vpcId: string,
): string {
  const suffix = `${cls.id}-${direction === 'ingress' ? 'in' : 'eg'}-${family === 'ipv4' ? 'v4' : 'v6'}-${unit}-${vpcId}`;
  return boundedName(prefix(deploymentId), cls.name, suffix, AWS_NAME);
}

/** `tcp53`, `udp1000-2000`, `icmp`, `icmpv6`, `all`, `p47` (a protocol number). */
export function awsUnitLabel(u: { protocol: string; fromPort?: number; toPort?: number }): string {
  if (u.protocol === '-1') return 'all';
  if (u.protocol === 'icmp' || u.protocol === 'icmpv6') return u.protocol;
  if (u.protocol !== 'tcp' && u.protocol !== 'udp') return `p${u.protocol}`;
  return u.fromPort === u.toPort ? `${u.protocol}${u.fromPort}` : `${u.protocol}${u.fromPort}-${u.toPort}`;
}

/** `index` 0 describes a monitor-mode class's inert identity group (named like index 1). */
export function awsGroupDescription(deploymentId: string, cls: ClassRef, index: number): string {
  const role =
    index === 0 ? 'identity only (monitor mode)' : index === 1 ? 'identity and rules' : `rules, part ${index}`;
  return AWS_NAME.sanitize(`segsync ${deploymentId}: class ${cls.name} (${cls.id}), ${role}`).slice(0, AWS_NAME.max);
}

export function awsOwnedTags(deploymentId: string, classId: string, scope: string): AwsTag[] {
  return [
    { Key: AWS_OWNER_TAG, Value: deploymentId },
    { Key: AWS_CLASS_TAG, Value: classId },
    { Key: AWS_LOCATION_TAG, Value: scope },
  ];
}
