/**
 * The EventBridge side of the change pipeline (DESIGN §4): which events are hints, and which rule
 * sends each location's hints to its own SQS FIFO message group.
 *
 * Why one rule per location: EventBridge's SQS target takes one static MessageGroupId per target
 * (CfnRule.SqsParametersProperty; CDK's SqsQueue target exposes only that), and there is no input
 * path for it. Ordering per location (`<account>/<region>`, the AWS scope of core/model/ids.ts) is
 * therefore one rule per location whose pattern selects that account and Region and whose target
 * names that group. Rules are per event bus: 300 per bus by default (adjustable quota), so up to
 * ~290 locations per deployment before asking for more.
 */
import { Match, type EventPattern } from 'aws-cdk-lib/aws-events';

/** The two event types that are hints for an EC2 instance (CLOUD-FACTS §1.8). */
export const HINT_SOURCES = ['aws.tag', 'aws.ec2'];
export const HINT_DETAIL_TYPES = ['Tag Change on Resource', 'EC2 Instance State-change Notification'];

/**
 * The pattern for one location's hints. `resources` keeps tag changes to EC2 instances (aws.tag
 * fires for every taggable resource) and is also what every state-change event carries. The
 * partition is a wildcard so the same pattern serves aws, aws-cn and aws-us-gov.
 */
export function hintPattern(location: { account: string; region: string }): EventPattern {
  return {
    source: HINT_SOURCES,
    detailType: HINT_DETAIL_TYPES,
    account: [location.account],
    region: [location.region],
    resources: Match.wildcard(`arn:*:ec2:${location.region}:${location.account}:instance/*`),
  };
}

/**
 * The pattern on the home account's default bus: only this account's own events arrive there, so
 * it names the managed accounts and Regions (events of an unmanaged home are not hints) and leaves
 * the group to the rule's target (the stack's own account and Region).
 */
export function homeHintPattern(accounts: readonly string[], regions: readonly string[]): EventPattern {
  return {
    source: HINT_SOURCES,
    detailType: HINT_DETAIL_TYPES,
    account: [...accounts],
    region: [...regions],
    resources: Match.wildcard('arn:*:ec2:*:*:instance/*'),
  };
}
