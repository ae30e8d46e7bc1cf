/**
 * The change pipeline of the home stack: each rule's pattern against real event samples, one rule
 * and one FIFO message group per location, the queues, their dead-letter queues and the handler's
 * partial-batch responses.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVE_COUNT } from '../../infra/constructs/change-pipeline.ts';
import { matchesPattern } from './helpers/event-pattern.ts';
import { eventSample, synthFixture, type Synthesized } from './helpers/synth.ts';

interface RuleResource {
  Properties: {
    EventPattern: Record<string, never>;
    EventBusName?: unknown;
    Targets: { Arn: unknown; SqsParameters?: { MessageGroupId: unknown }; DeadLetterConfig?: unknown }[];
  };
}

let synth: Synthesized;
let rules: RuleResource[];
beforeAll(() => {
  synth = synthFixture();
  rules = Object.values(synth.homeTemplate.findResources('AWS::Events::Rule')) as RuleResource[];
});

const busRules = () => rules.filter((r) => r.Properties.EventBusName !== undefined);
const homeRule = () => rules.find((r) => r.Properties.EventBusName === undefined)!;
const matching = (sample: string) =>
  busRules().filter((r) => matchesPattern(r.Properties.EventPattern, eventSample(sample)));

describe('rules on the segsync bus (forwarded hints)', () => {
  it('one rule per configured location, each with its own message group <account>/<region>', () => {
    // GIVEN the fixture's locations 111111111111/eu-west-1, 111111111111/eu-central-1, 222222222222/eu-west-1
    const groups = busRules().map((r) => r.Properties.Targets[0]!.SqsParameters!.MessageGroupId);
    expect(groups.sort()).toEqual(['111111111111/eu-central-1', '111111111111/eu-west-1', '222222222222/eu-west-1']);
  });

  it("a tag change on an instance matches exactly its location's rule", () => {
    const hit = matching('tag-change-instance');
    expect(hit.map((r) => r.Properties.Targets[0]!.SqsParameters!.MessageGroupId)).toEqual(['222222222222/eu-west-1']);
  });

  it("an instance state change matches exactly its location's rule", () => {
    const hit = matching('state-change-instance');
    expect(hit.map((r) => r.Properties.Targets[0]!.SqsParameters!.MessageGroupId)).toEqual([
      '111111111111/eu-central-1',
    ]);
  });

  it('a tag change on anything but an EC2 instance matches no rule', () => {
    expect(matching('tag-change-bucket')).toEqual([]);
    expect(matchesPattern(homeRule().Properties.EventPattern, eventSample('tag-change-bucket'))).toBe(false);
  });

  it('an event from an unmanaged account or Region matches no rule', () => {
    const elsewhere = { ...eventSample('tag-change-instance'), account: '333333333333' };
    expect(busRules().filter((r) => matchesPattern(r.Properties.EventPattern, elsewhere))).toEqual([]);
  });

  it('the bus accepts only aws.tag and aws.ec2 events, only from the configured accounts', () => {
    synth.homeTemplate.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': ['aws.tag', 'aws.ec2'] } },
      }),
    });
  });
});

describe('the rule on the default bus (the home location)', () => {
  it("matches the home account's own instance events and groups them by the stack's account and Region", () => {
    const event = eventSample('state-change-instance');
    expect(matchesPattern(homeRule().Properties.EventPattern, event)).toBe(true);
    expect(homeRule().Properties.Targets[0]!.SqsParameters!.MessageGroupId).toEqual({
      'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '/', { Ref: 'AWS::Region' }]],
    });
  });

  it("ignores a member account's events (they arrive forwarded, on the segsync bus)", () => {
    expect(matchesPattern(homeRule().Properties.EventPattern, eventSample('tag-change-instance'))).toBe(false);
  });
});

describe('queues', () => {
  it('hints go to an encrypted FIFO queue with content-based deduplication and a FIFO dead-letter queue', () => {
    synth.homeTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'segsync-shop-changes.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    synth.homeTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'segsync-shop-changes-dlq.fifo',
      FifoQueue: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('every rule target has a dead-letter queue for deliveries EventBridge gave up on', () => {
    for (const r of rules) expect(r.Properties.Targets[0]!.DeadLetterConfig).toBeDefined();
  });

  it('only this deployment’s rules may send, and only over TLS', () => {
    const policies = Object.values(synth.homeTemplate.findResources('AWS::SQS::QueuePolicy'));
    const statements = policies.flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': expect.any(Array) } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('the aws-events handler reads the queue in batches and reports partial failures', () => {
    synth.homeTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('alarms fire on a message in any dead-letter queue', () => {
    const alarms = Object.values(synth.homeTemplate.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) =>
        (a as { Properties: { MetricName?: string } }).Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(alarms).toHaveLength(3);
  });
});
