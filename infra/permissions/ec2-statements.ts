/**
 * The EC2 permissions segsync needs in one account, as IAM statements: the same list for the home
 * account (attached to the functions' roles) and for each member account (the role they assume).
 *
 * The actions are exactly the calls of adapters/aws/api.ts (Ec2Api), nothing else, no wildcard
 * action. Each statement's Sid says why it exists; docs/deploy.md lists them with their conditions.
 * Ownership is the `segsync:owner` tag of core/ownership.ts: every mutating call on a
 * security group or prefix list is conditioned on it, and every create must carry it.
 */
import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AWS_CLASS_TAG, AWS_LOCATION_TAG, AWS_OWNER_TAG } from '../../core/ownership.ts';

export interface Ec2ScopeProps {
  deploymentId: string;
  /** The account the statements apply in; a token (Aws.ACCOUNT_ID) in an environment-agnostic stack. */
  account: string;
  regions: readonly string[];
  /** Only these VPCs (`vpc-…`); absent: every VPC of the account. */
  vpcs?: readonly string[];
}

/** The read calls of Ec2Api (read.ts and apply.ts): EC2 Describe* has no resource-level permissions. */
export const EC2_READ_ACTIONS = [
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeManagedPrefixLists',
  'ec2:GetManagedPrefixListEntries',
];

/** The calls that change a segsync-owned security group's rules or delete it. */
export const EC2_OWNED_GROUP_ACTIONS = [
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
  'ec2:DeleteSecurityGroup',
];

export const EC2_OWNED_PREFIX_LIST_ACTIONS = ['ec2:ModifyManagedPrefixList', 'ec2:DeleteManagedPrefixList'];

/** The create calls; CreateTags is allowed only as part of them (ec2:CreateAction). */
export const EC2_CREATE_ACTIONS = ['ec2:CreateSecurityGroup', 'ec2:CreateManagedPrefixList'];

/** The tag keys segsync writes on what it creates (core/ownership.ts); a create may carry no other. */
export const OWNED_TAG_KEYS = [AWS_OWNER_TAG, AWS_CLASS_TAG, AWS_LOCATION_TAG];

export function ec2Statements(props: Ec2ScopeProps): PolicyStatement[] {
  const arns = (type: string, ids: readonly string[] = ['*']) =>
    props.regions.flatMap((region) =>
      ids.map((id) => `arn:${Aws.PARTITION}:ec2:${region}:${props.account}:${type}/${id}`),
    );
  const owner = props.deploymentId;
  const requestTags = {
    StringEquals: { [`aws:RequestTag/${AWS_OWNER_TAG}`]: owner },
    'ForAllValues:StringEquals': { 'aws:TagKeys': OWNED_TAG_KEYS },
  };
  const vpcCondition = props.vpcs ? { StringEquals: { 'ec2:Vpc': arns('vpc', props.vpcs) } } : undefined;
  return [
    new PolicyStatement({
      sid: 'ReadInventoryAndOwnedState',
      actions: EC2_READ_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': [...props.regions] } },
    }),
    new PolicyStatement({
      sid: 'CreateOwnedSecurityGroups',
      actions: ['ec2:CreateSecurityGroup'],
      resources: arns('security-group'),
      conditions: requestTags,
    }),
    new PolicyStatement({
      sid: 'CreateSecurityGroupsInManagedVpcs',
      actions: ['ec2:CreateSecurityGroup'],
      resources: arns('vpc', props.vpcs),
    }),
    new PolicyStatement({
      sid: 'CreateOwnedPrefixLists',
      actions: ['ec2:CreateManagedPrefixList'],
      resources: arns('prefix-list'),
      conditions: requestTags,
    }),
    new PolicyStatement({
      sid: 'TagOnlyWhatSegsyncCreates',
      actions: ['ec2:CreateTags'],
      resources: [...arns('security-group'), ...arns('prefix-list')],
      conditions: {
        ...requestTags,
        StringEquals: { ...requestTags.StringEquals, 'ec2:CreateAction': EC2_CREATE_ACTIONS.map((a) => a.slice(4)) },
      },
    }),
    new PolicyStatement({
      sid: 'ChangeOwnedSecurityGroups',
      actions: EC2_OWNED_GROUP_ACTIONS,
      resources: arns('security-group'),
      conditions: { StringEquals: { [`aws:ResourceTag/${AWS_OWNER_TAG}`]: owner } },
    }),
    new PolicyStatement({
      sid: 'ChangeOwnedPrefixLists',
      actions: EC2_OWNED_PREFIX_LIST_ACTIONS,
      resources: arns('prefix-list'),
      conditions: { StringEquals: { [`aws:ResourceTag/${AWS_OWNER_TAG}`]: owner } },
    }),
    new PolicyStatement({
      sid: 'SetWorkloadGroupMembership',
      actions: ['ec2:ModifyNetworkInterfaceAttribute'],
      resources: [...arns('network-interface'), ...arns('security-group')],
      ...(vpcCondition ? { conditions: vpcCondition } : {}),
    }),
  ];
}
