/**
 * Azure Resource Manager events as Event Grid pushes them (Event Grid schema, an array per
 * request; CLOUD-FACTS.md §2.6), and `toRefs`. Events carry no resource payload and no tags: the
 * VM is re-read. Who made the change is in `data.claims` (and `data.authorization.evidence`).
 *
 *   ResourceWriteSuccess / ResourceDeleteSuccess on …/virtualMachines/<vm>      → that VM
 *   … on …/networkInterfaces/<nic>                                              → the NIC's VM (via the snapshot)
 *   Microsoft.Resources/tags/write on <resource>/providers/Microsoft.Resources/tags/default → that resource
 *   anything else (storage accounts, deployments, …)                            → nothing (acknowledged)
 */
import { z } from 'zod';
import type { Hint } from '../../adapters/events/hint.ts';
import { workloadRefOfVm } from './azure-ids.ts';

export const VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';
const RESOURCE_EVENTS = [
  'Microsoft.Resources.ResourceWriteSuccess',
  'Microsoft.Resources.ResourceDeleteSuccess',
] as const;

const EventGridBase = z.object({
  id: z.string().min(1),
  topic: z.string().optional(),
  subject: z.string(),
  eventType: z.string(),
  eventTime: z.string(),
  dataVersion: z.string().optional(),
  metadataVersion: z.string().optional(),
  data: z.unknown(),
});

export const ValidationEventSchema = EventGridBase.extend({
  eventType: z.literal(VALIDATION_EVENT),
  data: z.looseObject({ validationCode: z.string().min(1), validationUrl: z.string().optional() }),
});

export const ResourceEventSchema = EventGridBase.extend({
  eventType: z.enum(RESOURCE_EVENTS),
  data: z.looseObject({
    authorization: z.looseObject({ evidence: z.unknown().optional() }).optional(),
    claims: z.record(z.string(), z.string()).optional(),
    resourceUri: z.string().startsWith('/subscriptions/', 'an ARM resource id'),
    operationName: z.string(),
    status: z.string().optional(),
    subscriptionId: z.string(),
  }),
});

/** Other Event Grid events (other types) are valid and ignored. */
export const EventGridEventSchema = z.union([ValidationEventSchema, ResourceEventSchema, EventGridBase]);
export const EventGridBatchSchema = z.array(EventGridEventSchema).min(1);
export type EventGridEvent = z.infer<typeof EventGridEventSchema>;
export type ResourceEvent = z.infer<typeof ResourceEventSchema>;

const NIC =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/networkInterfaces\/[^/]+)$/i;
const TAGS_SUFFIX = /\/providers\/Microsoft\.Resources\/tags\/default$/i;

export function isResourceEvent(e: EventGridEvent): e is ResourceEvent {
  return (RESOURCE_EVENTS as readonly string[]).includes(e.eventType) && ResourceEventSchema.safeParse(e).success;
}

export function toRefs(event: ResourceEvent): Hint[] {
  const uri = event.data.resourceUri.replace(TAGS_SUFFIX, '');
  const claims = event.data.claims ?? {};
  const principalId = (event.data.authorization?.evidence as { principalId?: string } | undefined)?.principalId;
  const id =
    claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] ?? claims.appid ?? principalId ?? claims.name;
  const actor = id ? { actor: { id, claims } } : {};
  const vm = workloadRefOfVm(uri);
  if (vm) return [{ eventId: event.id, workload: vm, ...actor }];
  const nic = NIC.exec(uri)?.[1];
  if (nic) return [{ eventId: event.id, azureNic: nic, ...actor }];
  return [];
}
