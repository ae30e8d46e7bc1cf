/**
 * The role segsync assumes in a member account (spec.aws.accounts[].role): the same EC2 statements
 * as the home account (infra/permissions/ec2-statements.ts) scoped to this account's Regions and
 * VPCs, trusted only by the home account's three reconciling handler roles (and only with the
 * external id, when the configuration names one). One stack per member account; the home account
 * id is a parameter so the template also deploys through StackSets.
 */
import { Aws, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import { AccountPrincipal, ManagedPolicy, Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { AwsAccountTarget } from '../core/config/types.ts';
import { roleNameFor } from './constructs/handlers.ts';
import { roleNameOf } from './locations.ts';
import { acknowledgeEc2Wildcards } from './nag-suppressions.ts';
import { ec2Statements } from './permissions/ec2-statements.ts';

/** The handlers that reconcile (and so call EC2 in member accounts); drift-locations never does. */
export const RECONCILING_HANDLERS = ['aws-events', 'ingress', 'drift'];

export interface MemberRoleStackProps extends StackProps {
  deploymentId: string;
  target: AwsAccountTarget & { role: string };
  /** The home account (where `cdk deploy` put the functions); absent: a stack parameter. */
  homeAccount?: string;
}

export class MemberRoleStack extends Stack {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: MemberRoleStackProps) {
    super(scope, id, props);
    const home = new CfnParameter(this, 'HomeAccountId', {
      type: 'String',
      allowedPattern: '^\\d{12}$',
      description: 'The account where the segsync functions run (the home stack)',
      ...(props.homeAccount ? { default: props.homeAccount } : {}),
    }).valueAsString;
    const trusted = RECONCILING_HANDLERS.map(
      (h) => `arn:${Aws.PARTITION}:iam::${home}:role/${roleNameFor(props.deploymentId, h)}`,
    );
    const { name, path } = roleNameOf(props.target.role);
    // Trust the account with a PrincipalArn condition rather than the role ARNs as principals:
    // IAM rejects a principal ARN whose role does not exist yet, and member stacks may deploy first.
    this.role = new Role(this, 'Role', {
      roleName: name,
      path,
      description: `segsync ${props.deploymentId}: security groups and prefix lists segsync owns in this account`,
      assumedBy: new AccountPrincipal(home).withConditions({
        ArnEquals: { 'aws:PrincipalArn': trusted },
        ...(props.target.externalId ? { StringEquals: { 'sts:ExternalId': props.target.externalId } } : {}),
      }),
    });
    const policy = new ManagedPolicy(this, 'Policy', {
      description: `segsync ${props.deploymentId}: EC2 calls of the adapter, scoped to segsync-owned objects`,
      roles: [this.role],
      statements: ec2Statements({
        deploymentId: props.deploymentId,
        account: Aws.ACCOUNT_ID,
        regions: props.target.regions,
        ...(props.target.vpcs ? { vpcs: props.target.vpcs } : {}),
      }),
    });
    acknowledgeEc2Wildcards(policy, {
      regions: props.target.regions,
      ...(props.target.vpcs ? { vpcs: props.target.vpcs } : {}),
    });
  }
}
