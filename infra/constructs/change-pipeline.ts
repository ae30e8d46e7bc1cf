/**
 * AWS change hints → SQS FIFO (one message group per location) → the aws-events handler.
 *
 *   default bus (home account, home Region) ─ rule ─┐
 *   segsync bus (forwarded from every other location) ─ one rule per location ─┤→ changes.fifo → aws-events
 *                                                     delivery failures → delivery DLQ
 *                                        handler failures (5 receives) → changes-dlq.fifo
 *
 * Queue and rules are wired by hand (FifoQueueTarget) instead of CDK's SqsQueue target because that
 * target adds one queue-policy statement per rule, and SQS queue policies are limited to 8 KB: one
 * statement scoped to this deployment's rules (ArnLike on the rule-name prefix) scales to any
 * number of locations.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import { EventBus, Rule, type IRuleTarget, type RuleTargetConfig } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AwsLocation, locationId } from '../locations.ts';
import { HINT_SOURCES, hintPattern, homeHintPattern } from './change-events.ts';

export interface ChangePipelineProps {
  deploymentId: string;
  handler: IFunction;
  /** The handler's timeout; the queue's visibility timeout is six times it (the Lambda guidance for SQS). */
  handlerTimeout: Duration;
  locations: readonly AwsLocation[];
  /** Accounts whose default bus is this stack's own (targets without a role) and their Regions. */
  home: { accounts: readonly string[]; regions: readonly string[] };
  /** Accounts allowed to forward their events to the segsync bus. */
  forwardingAccounts: readonly string[];
}

/** How often the handler may fail a message before it goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
/** SQS FIFO event source batch: at most 10. */
export const BATCH_SIZE = 10;

export class ChangePipeline extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly deliveryDeadLetterQueue: Queue;
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: ChangePipelineProps) {
    super(scope, id);
    const prefix = `segsync-${props.deploymentId}`;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${prefix}-changes-dlq.fifo`,
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: `${prefix}-changes.fifo`,
      fifo: true,
      // EventBridge sets no deduplication id; the body (the event, with its unique id) is one, so a
      // retried delivery of the same event is dropped within the 5-minute window.
      contentBasedDeduplication: true,
      // High-throughput FIFO: the limits apply per message group (location), not per queue.
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.handlerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    // EventBridge target dead-letter queues must be standard queues (FIFO is not accepted there).
    this.deliveryDeadLetterQueue = new Queue(this, 'DeliveryDeadLetterQueue', {
      queueName: `${prefix}-delivery-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.bus = new EventBus(this, 'Bus', { eventBusName: `${prefix}-events` });
    if (props.forwardingAccounts.length > 0)
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'MemberAccountsForwardHints',
          principals: props.forwardingAccounts.map((a) => new AccountPrincipal(a)),
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': HINT_SOURCES } },
        }),
      );

    for (const location of props.locations)
      new Rule(this, `Hints-${location.account}-${location.region}`, {
        eventBus: this.bus,
        ruleName: `${prefix}-${location.account}-${location.region}`,
        description: `segsync ${props.deploymentId}: EC2 instance tag and state changes in ${locationId(location)}`,
        eventPattern: hintPattern(location),
        targets: [this.target(locationId(location))],
      });
    if (props.home.accounts.length > 0)
      new Rule(this, 'HomeHints', {
        ruleName: `${prefix}-home`,
        description: `segsync ${props.deploymentId}: EC2 instance tag and state changes in this account and Region`,
        eventPattern: homeHintPattern(props.home.accounts, props.home.regions),
        targets: [this.target(`${Aws.ACCOUNT_ID}/${Aws.REGION}`)],
      });

    // One statement for every rule of this deployment (see the header): the rule names start with the prefix.
    const ruleArns = [
      `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${prefix}-*`,
      `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${prefix}-events/${prefix}-*`,
    ];
    for (const queue of [this.queue, this.deliveryDeadLetterQueue])
      queue.addToResourcePolicy(
        new PolicyStatement({
          sid: 'SegsyncRulesSend',
          principals: [new ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnLike: { 'aws:SourceArn': ruleArns } },
        }),
      );

    props.handler.addEventSource(
      new SqsEventSource(this.queue, { batchSize: BATCH_SIZE, reportBatchItemFailures: true }),
    );
  }

  private target(messageGroupId: string): IRuleTarget {
    return new FifoQueueTarget(this.queue, messageGroupId, this.deliveryDeadLetterQueue);
  }
}

/** An SQS FIFO rule target that leaves the queue policy to its owner (see the header). */
class FifoQueueTarget implements IRuleTarget {
  constructor(
    private readonly queue: IQueue,
    private readonly messageGroupId: string,
    private readonly deadLetterQueue: IQueue,
  ) {}

  bind(): RuleTargetConfig {
    return {
      arn: this.queue.queueArn,
      sqsParameters: { messageGroupId: this.messageGroupId },
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      // EventBridge's own retries (24 h, 185 attempts by default) are kept: a hint late is still a hint.
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
    };
  }
}
