/**
 * Forwards one location's hints (EC2 instance tag and state changes) from its default event bus to
 * the segsync bus of the home stack. Deploy it in every managed account and Region except the home
 * stack's own (its default bus is read directly): one environment-agnostic template, so StackSets
 * can roll it out to accounts × Regions with the two parameters. The events keep their `account`
 * and `region`, which the home bus's per-location rules match on.
 */
import { Aws, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { HINT_DETAIL_TYPES, HINT_SOURCES } from './constructs/change-events.ts';
import { Match } from 'aws-cdk-lib/aws-events';

export interface EventForwarderStackProps extends StackProps {
  deploymentId: string;
  homeAccount?: string;
  homeRegion?: string;
}

export class EventForwarderStack extends Stack {
  constructor(scope: Construct, id: string, props: EventForwarderStackProps) {
    super(scope, id, props);
    const param = (name: string, description: string, pattern: string, value?: string) =>
      new CfnParameter(this, name, {
        type: 'String',
        allowedPattern: pattern,
        description,
        ...(value ? { default: value } : {}),
      }).valueAsString;
    const account = param('HomeAccountId', 'The account of the segsync home stack', '^\\d{12}$', props.homeAccount);
    const region = param(
      'HomeRegion',
      'The Region of the segsync home stack',
      '^[a-z]{2}(-[a-z]+)+-\\d$',
      props.homeRegion,
    );
    const bus = EventBus.fromEventBusArn(
      this,
      'HomeBus',
      `arn:${Aws.PARTITION}:events:${region}:${account}:event-bus/segsync-${props.deploymentId}-events`,
    );
    new Rule(this, 'ForwardHints', {
      ruleName: `segsync-${props.deploymentId}-forward`,
      description: `segsync ${props.deploymentId}: EC2 instance tag and state changes to the home account's segsync bus`,
      eventPattern: {
        source: HINT_SOURCES,
        detailType: HINT_DETAIL_TYPES,
        resources: Match.wildcard('arn:*:ec2:*:*:instance/*'),
      },
      targets: [new EventBusTarget(bus)],
    });
  }
}
