/**
 * The events each cloud sends when a tag changes, built in that cloud's own format (the shapes of
 * test/fixtures/events, SOURCES.md): what `segsync sandbox tag` and the demo deliver to the
 * handlers, so the local path runs the same parsing as the deployed one.
 */
import { randomUUID } from 'node:crypto';
import type { WorkloadRef } from '../../core/model/ids.ts';
import { armParts } from '../../core/model/ids.ts';

type Tags = Record<string, string | null>;

/** EventBridge `Tag Change on Resource` for an EC2 instance: the full tag set after the change. */
export function awsTagChange(
  ref: Extract<WorkloadRef, { cloud: 'aws' }>,
  tagsAfter: Record<string, string>,
  changed: Tags,
  now = new Date(),
) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Tag Change on Resource',
    source: 'aws.tag',
    account: ref.account,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ref.region,
    resources: [`arn:aws:ec2:${ref.region}:${ref.account}:instance/${ref.instance}`],
    detail: {
      'changed-tag-keys': Object.keys(changed),
      service: 'ec2',
      'resource-type': 'instance',
      version: 1,
      tags: tagsAfter,
    },
  };
}

/** EventBridge `AWS API Call via CloudTrail` for CreateTags/DeleteTags: the delta and who called. */
export function awsCloudTrailTags(
  ref: Extract<WorkloadRef, { cloud: 'aws' }>,
  changed: Tags,
  principalArn: string,
  now = new Date(),
) {
  const set = Object.entries(changed).filter(([, v]) => v !== null);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: ref.account,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ref.region,
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { type: 'AssumedRole', arn: principalArn, accountId: ref.account },
      eventSource: 'ec2.amazonaws.com',
      eventName: set.length > 0 ? 'CreateTags' : 'DeleteTags',
      awsRegion: ref.region,
      requestParameters: {
        resourcesSet: { items: [{ resourceId: ref.instance }] },
        tagSet: {
          items: Object.entries(changed).map(([key, value]) => ({ key, ...(value === null ? {} : { value }) })),
        },
      },
      eventType: 'AwsApiCall',
      recipientAccountId: ref.account,
    },
  };
}

/** An SQS batch (as Lambda receives it) carrying EventBridge events, one message group per location. */
export function sqsBatch(events: readonly { id: string; account: string; region: string }[]) {
  return {
    Records: events.map((e, i) => ({
      messageId: e.id,
      receiptHandle: `local-${i}`,
      body: JSON.stringify(e),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        MessageGroupId: `${e.account}/${e.region}`,
        MessageDeduplicationId: e.id,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${e.region}:${e.account}:segsync-events.fifo`,
      awsRegion: e.region,
    })),
  };
}

/** Event Grid (Event Grid schema): `Microsoft.Resources/tags/write` on a VM, as the Tags API raises it. */
export function azureTagsWrite(vmId: string, upn: string, now = new Date()) {
  const { subscription } = armParts(vmId);
  const uri = `${vmId}/providers/Microsoft.Resources/tags/default`;
  return [
    {
      subject: uri,
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
      eventTime: now.toISOString(),
      id: randomUUID(),
      data: {
        authorization: { scope: uri, action: 'Microsoft.Resources/tags/write', evidence: { role: 'Tag Contributor' } },
        claims: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': upn, name: upn },
        correlationId: randomUUID(),
        resourceProvider: 'Microsoft.Resources',
        resourceUri: uri,
        operationName: 'Microsoft.Resources/tags/write',
        status: 'Succeeded',
        subscriptionId: subscription,
        tenantId: '00000000-0000-0000-0000-000000000000',
      },
      dataVersion: '2',
      metadataVersion: '1',
      topic: `/subscriptions/${subscription}`,
    },
  ];
}

/** A Compute Admin Activity audit log entry for instances.setLabels, inside a Pub/Sub push body. */
export function gcpSetLabelsPush(
  ref: Extract<WorkloadRef, { cloud: 'gcp' }>,
  labels: Record<string, string>,
  principalEmail: string,
  now = new Date(),
) {
  const resourceName = `projects/${ref.project}/zones/${ref.zone}/instances/${ref.instance}`;
  const entry = {
    insertId: randomUUID().slice(0, 13),
    logName: `projects/${ref.project}/logs/cloudaudit.googleapis.com%2Factivity`,
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail },
      serviceName: 'compute.googleapis.com',
      methodName: 'v1.compute.instances.setLabels',
      resourceName,
      request: { labels: Object.entries(labels).map(([key, value]) => ({ key, value })) },
    },
    resource: { type: 'gce_instance', labels: { project_id: ref.project, zone: ref.zone } },
    severity: 'NOTICE',
    timestamp: now.toISOString(),
  };
  return {
    message: {
      data: Buffer.from(JSON.stringify(entry)).toString('base64'),
      messageId: String(now.getTime()),
      publishTime: now.toISOString(),
    },
    subscription: `projects/${ref.project}/subscriptions/segsync-push`,
  };
}
