/**
 * AWS change events as EventBridge delivers them (CLOUD-FACTS.md §1.8), each a Powertools
 * EventBridge schema `.extend({ detail })` (STYLE G4), and `toRefs`: which instances may have
 * changed, and who changed them when the event says (CloudTrail events only).
 *
 *   Tag Change on Resource (aws.tag)        resources[] = instance ARNs; names no principal
 *   EC2 Instance State-change Notification   detail["instance-id"] (hyphenated, not instance_id)
 *   AWS API Call via CloudTrail (aws.ec2)    CreateTags / DeleteTags: requestParameters.resourcesSet,
 *                                            userIdentity.arn is the principal (label trust)
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import type { Hint } from '../../adapters/events/hint.ts';

/** The EC2 user guide's own state-change sample has no `version`; every event EventBridge delivers does. */
const Envelope = EventBridgeSchema.extend({ version: z.string().optional() });
// AWS ids are i- and 8 or 17 hex digits; the sandbox's readable ids (i-prod-web1) are accepted too.
const INSTANCE_ID = /^i-[0-9a-z-]+$/;
const INSTANCE_ARN = /^arn:aws[a-z-]*:ec2:([a-z0-9-]+):(\d{12}):instance\/(i-[0-9a-z-]+)$/;

export const TagChangeSchema = Envelope.extend({
  source: z.literal('aws.tag'),
  'detail-type': z.literal('Tag Change on Resource'),
  resources: z.array(z.string().regex(INSTANCE_ARN, 'an EC2 instance ARN')).min(1),
  detail: z.object({
    'changed-tag-keys': z.array(z.string()),
    service: z.literal('ec2'),
    'resource-type': z.literal('instance'),
    version: z.number().optional(),
    tags: z.record(z.string(), z.string()),
  }),
});

export const StateChangeSchema = Envelope.extend({
  source: z.literal('aws.ec2'),
  'detail-type': z.literal('EC2 Instance State-change Notification'),
  detail: z.object({
    'instance-id': z.string().regex(INSTANCE_ID, 'an instance id (i-…)'),
    state: z.enum(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']),
  }),
});

export const CloudTrailTagsSchema = Envelope.extend({
  source: z.literal('aws.ec2'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: z.looseObject({
    eventName: z.enum(['CreateTags', 'DeleteTags']),
    userIdentity: z.looseObject({ type: z.string(), arn: z.string().optional() }),
    requestParameters: z.looseObject({
      resourcesSet: z.object({ items: z.array(z.looseObject({ resourceId: z.string() })) }),
    }),
  }),
});

// Discriminated on detail-type, so a refusal names the field that is wrong in that kind of event.
export const AwsEventSchema = z.discriminatedUnion('detail-type', [
  TagChangeSchema,
  StateChangeSchema,
  CloudTrailTagsSchema,
]);
export type AwsEvent = z.infer<typeof AwsEventSchema>;

export function toRefs(event: AwsEvent): Hint[] {
  const at = (instance: string, account = event.account, region = event.region): Hint => ({
    eventId: event.id,
    workload: { cloud: 'aws', account, region, instance },
  });
  if (event['detail-type'] === 'Tag Change on Resource')
    return event.resources.map((arn) => {
      const [, region, account, instance] = INSTANCE_ARN.exec(arn)!;
      return at(instance!, account, region);
    });
  if (event['detail-type'] === 'EC2 Instance State-change Notification') return [at(event.detail['instance-id'])];
  // Tags may be written to many resource kinds at once; only instances carry labels.
  const arn = event.detail.userIdentity.arn;
  return event.detail.requestParameters.resourcesSet.items
    .map((i) => i.resourceId)
    .filter((id) => INSTANCE_ID.test(id))
    .map((id) => ({ ...at(id), ...(arn ? { actor: { id: arn } } : {}) }));
}

/** The SQS FIFO message group of an event: `<account>/<region>`, the location (DESIGN.md §5). */
export function messageGroup(event: { account: string; region: string }): string {
  return `${event.account}/${event.region}`;
}
