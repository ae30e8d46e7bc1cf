/**
 * The published samples parse, and `toRefs` names exactly the instance each one is about (and who
 * changed it, when the event says); the invalid samples beside them are refused with a reason.
 */
import { describe, expect, it } from 'vitest';
import { AwsEventSchema, toRefs as awsRefs, messageGroup } from '../../functions/events/aws.ts';
import { EventGridBatchSchema, isResourceEvent, toRefs as azureRefs } from '../../functions/events/azure.ts';
import { AuditLogEntrySchema, PushedAuditLogSchema, toRefs as gcpRefs } from '../../functions/events/gcp.ts';
import { fixture, pushBody } from '../helpers/events.ts';

const aws = (name: string) => awsRefs(AwsEventSchema.parse(fixture(`aws/${name}`)));
const azure = (name: string) =>
  EventGridBatchSchema.parse(fixture(`azure/${name}`))
    .filter(isResourceEvent)
    .flatMap(azureRefs);
const gcp = (name: string) => gcpRefs(AuditLogEntrySchema.parse(fixture(`gcp/${name}`)));

describe('AWS samples', () => {
  it('GIVEN Tag Change on Resource THEN the instance of its ARN, no principal', () => {
    expect(aws('tag-change')).toEqual([
      {
        eventId: 'bddcf1d6-0251-35a1-aab0-adc1fb47c11c',
        workload: { cloud: 'aws', account: '123456789012', region: 'us-east-1', instance: 'i-0000000aaaaaaaaaa' },
      },
    ]);
  });

  it('GIVEN an EC2 state change THEN detail["instance-id"] (hyphenated) in the event\'s account and Region', () => {
    expect(aws('ec2-state-change')).toEqual([
      {
        eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
        workload: { cloud: 'aws', account: '123456789012', region: 'us-east-1', instance: 'i-1234567890abcdef0' },
      },
    ]);
    expect(messageGroup(fixture('aws/ec2-state-change') as { account: string; region: string })).toBe(
      '123456789012/us-east-1',
    );
  });

  it('GIVEN CloudTrail CreateTags on an instance and a volume THEN only the instance, with the caller ARN', () => {
    expect(aws('cloudtrail-create-tags')).toEqual([
      {
        eventId: '6f8f5a3c-2b0e-4c33-9d5e-2f6c1f0e9a11',
        workload: { cloud: 'aws', account: '123456789012', region: 'us-east-1', instance: 'i-1234567890abcdef0' },
        actor: { id: 'arn:aws:sts::123456789012:assumed-role/Provisioner/provisioner' },
      },
    ]);
  });

  it.each([
    ['invalid-state-change-instance_id', /instance-id/],
    ['invalid-tag-change-bucket', /instance ARN|ec2|instance/],
  ])('GIVEN %s THEN refused, saying why', (name, why) => {
    const r = AwsEventSchema.safeParse(fixture(`aws/${name}`));
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(why);
  });
});

describe('Azure samples', () => {
  const VM =
    '/subscriptions/{subscription-id}/resourcegroups/{resource-group}/providers/Microsoft.Compute/virtualMachines/{vm-name}';

  it('GIVEN the documentation sample (a storage account) THEN valid and names nothing', () => {
    expect(azure('resource-write-success')).toEqual([]);
  });

  it.each(['vm-write-success', 'vm-tags-write', 'vm-delete-success'])(
    'GIVEN %s THEN the VM, with the claims of who did it',
    (name) => {
      const [hint, ...rest] = azure(name);
      expect(rest).toEqual([]);
      expect(hint).toMatchObject({ workload: { cloud: 'azure', vmId: VM }, actor: { id: '{user-name}' } });
      expect((hint as { actor: { claims: Record<string, string> } }).actor.claims.appid).toBe('{ID}');
    },
  );

  it('GIVEN a NIC write THEN the NIC (its VM is found through the snapshot)', () => {
    expect(azure('nic-write-success')).toMatchObject([
      {
        azureNic:
          '/subscriptions/{subscription-id}/resourceGroups/{resource-group}/providers/Microsoft.Network/networkInterfaces/{nic-name}',
      },
    ]);
  });

  it('GIVEN the validation sample THEN it parses as the handshake, not a change', () => {
    const [e] = EventGridBatchSchema.parse(fixture('azure/subscription-validation'));
    expect(e!.eventType).toBe('Microsoft.EventGrid.SubscriptionValidationEvent');
    expect(isResourceEvent(e!)).toBe(false);
  });

  it('GIVEN invalid samples THEN a resource event without resourceUri names nothing, and a bare object is refused', () => {
    const [bad] = EventGridBatchSchema.parse(fixture('azure/invalid-no-resource-uri'));
    expect(isResourceEvent(bad!)).toBe(false);
    expect(EventGridBatchSchema.safeParse(fixture('azure/invalid-not-an-array')).success).toBe(false);
  });
});

describe('GCP samples', () => {
  it('GIVEN setLabels and insert THEN the instance of resourceName, with principalEmail', () => {
    for (const name of ['audit-set-labels', 'audit-insert'])
      expect(gcp(name)).toMatchObject([
        {
          workload: { cloud: 'gcp', project: 'my-project', zone: 'us-central1-a', instance: 'instance-1' },
          actor: { id: 'deployer@my-project.iam.gserviceaccount.com' },
        },
      ]);
  });

  it('GIVEN a Pub/Sub CreateTopic entry (the published sample) THEN valid and names nothing', () => {
    expect(gcp('audit-pubsub-create-topic')).toEqual([]);
  });

  it('GIVEN a push body THEN the LogEntry inside message.data; GIVEN an entry without resourceName THEN refused', () => {
    const ok = PushedAuditLogSchema.parse(JSON.parse(pushBody(fixture('gcp/audit-set-labels'))));
    expect(ok.entry.insertId).toBe('-5kx9ahe1ra2a');
    const bad = PushedAuditLogSchema.safeParse(JSON.parse(pushBody(fixture('gcp/invalid-no-resource-name'))));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path.join('.')).toBe('message.data.protoPayload.resourceName');
    expect(
      PushedAuditLogSchema.safeParse({ message: { data: 'not json!', messageId: '1' }, subscription: 's' }).success,
    ).toBe(false);
  });
});
