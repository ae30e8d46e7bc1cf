/**
 * GCP Compute Engine Admin Activity audit log entries (CLOUD-FACTS.md §3.7), routed by a Log
 * Router sink to a Pub/Sub topic and pushed to the ingress: the push body wraps the LogEntry,
 * base64, in `message.data`. `toRefs` names the instance of `protoPayload.resourceName`; the
 * principal is `protoPayload.authenticationInfo.principalEmail`.
 */
import { z } from 'zod';
import type { Hint } from '../../adapters/events/hint.ts';

/** Methods that change an instance's labels, network tags or existence (v1., beta. prefixes alike). */
const METHODS = /^(?:v1|beta|alpha)\.compute\.instances\.(?:setLabels|setTags|insert|delete)$/;
const INSTANCE = /^projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+)$/;

export const PushBodySchema = z.object({
  message: z.looseObject({
    data: z.base64().min(1),
    messageId: z.string().min(1),
    attributes: z.record(z.string(), z.string()).optional(),
    publishTime: z.string().optional(),
  }),
  subscription: z.string(),
});

export const AuditLogEntrySchema = z.looseObject({
  insertId: z.string().min(1),
  logName: z.string(),
  protoPayload: z.looseObject({
    serviceName: z.string(),
    methodName: z.string(),
    resourceName: z.string(),
    authenticationInfo: z.looseObject({ principalEmail: z.string().optional() }).optional(),
  }),
  operation: z
    .looseObject({ id: z.string().optional(), first: z.boolean().optional(), last: z.boolean().optional() })
    .optional(),
});

export type AuditLogEntry = z.infer<typeof AuditLogEntrySchema>;

/** The LogEntry inside a push body; a zod error when the body or the entry is not what we expect. */
export const PushedAuditLogSchema = PushBodySchema.transform((body, ctx) => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.message.data, 'base64').toString('utf8'));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'message.data is not base64 JSON', path: ['message', 'data'] });
    return z.NEVER;
  }
  const entry = AuditLogEntrySchema.safeParse(json);
  if (!entry.success) {
    for (const i of entry.error.issues) ctx.addIssue({ ...i, path: ['message', 'data', ...i.path] } as never);
    return z.NEVER;
  }
  return { messageId: body.message.messageId, entry: entry.data };
});

export function toRefs(entry: AuditLogEntry): Hint[] {
  const p = entry.protoPayload;
  if (p.serviceName !== 'compute.googleapis.com' || !METHODS.test(p.methodName)) return [];
  const m = INSTANCE.exec(p.resourceName);
  if (!m) return [];
  const email = p.authenticationInfo?.principalEmail;
  return [
    {
      eventId: entry.insertId,
      workload: { cloud: 'gcp', project: m[1]!, zone: m[2]!, instance: m[3]! },
      ...(email ? { actor: { id: email } } : {}),
    },
  ];
}
