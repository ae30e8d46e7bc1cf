/**
 * The HTTPS ingress (a Lambda function URL, auth NONE: this handler authenticates):
 *   POST /azure  Event Grid (Event Grid schema): shared secret in `x-segsync-secret` or `?secret=`,
 *                compared in constant time; the subscription validation handshake is answered.
 *   POST /gcp    Pub/Sub push of an audit log entry: the OIDC bearer token is verified.
 * Unauthenticated → 401 and nothing happens. Malformed → logged and acknowledged (Event Grid: 400,
 * which it does not retry; Pub/Sub: 200). Retryable failure → 500 (both push services retry).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  EventGridBatchSchema,
  EventGridEventSchema,
  isResourceEvent,
  toRefs as azureRefs,
  VALIDATION_EVENT,
} from './events/azure.ts';
import { PushedAuditLogSchema, toRefs as gcpRefs } from './events/gcp.ts';
import { bodyText, header, reply, secretMatches, verifyPushToken, type HttpReply } from './shared/http.ts';
import { handleParsed } from './shared/handle.ts';
import { ingressAuth } from './shared/ingress-auth.ts';
import { logger, metrics, reportRejected, zodReason } from './shared/observe.ts';

export const handler = async (event: APIGatewayProxyEventV2): Promise<HttpReply> => {
  try {
    if (event.requestContext?.http?.method !== 'POST') return reply(405, { error: 'POST only' });
    if (event.rawPath === '/azure') return await azure(event);
    if (event.rawPath === '/gcp') return await gcp(event);
    return reply(404, { error: 'POST /azure or /gcp' });
  } catch (e) {
    logger.error('event not handled; the sender retries', e as Error);
    return reply(500, { error: 'not handled, retry' });
  } finally {
    metrics.publishStoredMetrics();
  }
};

async function azure(event: APIGatewayProxyEventV2): Promise<HttpReply> {
  const auth = await ingressAuth();
  const given = header(event, 'x-segsync-secret') ?? event.queryStringParameters?.secret;
  if (!auth.azureSecret || !secretMatches(given, auth.azureSecret)) {
    reportRejected('azure', auth.azureSecret ? 'wrong or missing shared secret' : 'Azure events are not enabled');
    return reply(401);
  }
  return handleEventGrid(parseJson(bodyText(event)));
}

/** An authenticated Event Grid request body (also what `segsync handle-event --cloud azure` feeds). */
export async function handleEventGrid(body: unknown): Promise<HttpReply> {
  const parsed = EventGridBatchSchema.safeParse(body);
  if (!parsed.success) {
    reportRejected('azure', `malformed Event Grid request: ${zodReason(parsed.error)}`);
    return reply(400, { error: 'expected an array of Event Grid events' });
  }
  const validation = parsed.data.find((e) => e.eventType === VALIDATION_EVENT);
  if (validation) {
    logger.info('Event Grid subscription validated', { eventId: validation.id, topic: validation.topic });
    return reply(200, { validationResponse: (validation.data as { validationCode: string }).validationCode });
  }
  const hints = parsed.data.flatMap((e) => {
    if (isResourceEvent(e)) return azureRefs(e);
    const known = EventGridEventSchema.safeParse(e);
    if (e.eventType.startsWith('Microsoft.Resources.Resource') && known.success)
      reportRejected('azure', `malformed ${e.eventType}: no ARM resourceUri/operationName in data`, e.id);
    return [];
  });
  await handleParsed('azure', hints, parsed.data.map((e) => e.id).join(','));
  return reply(200, { handled: hints.length });
}

async function gcp(event: APIGatewayProxyEventV2): Promise<HttpReply> {
  const auth = await ingressAuth();
  if (!auth.gcp) {
    reportRejected('gcp', 'GCP pushes are not enabled (no audience / push service account configured)');
    return reply(401);
  }
  const verdict = await verifyPushToken(header(event, 'authorization'), auth.gcp, auth.oauth);
  if (!verdict.ok) {
    reportRejected('gcp', verdict.reason);
    return reply(401);
  }
  return handlePubSubPush(parseJson(bodyText(event)));
}

/** An authenticated Pub/Sub push body (also what `segsync handle-event --cloud gcp` feeds). */
export async function handlePubSubPush(body: unknown): Promise<HttpReply> {
  const parsed = PushedAuditLogSchema.safeParse(body);
  if (!parsed.success) {
    reportRejected('gcp', `malformed push: ${zodReason(parsed.error)}`);
    return reply(200, { acknowledged: 'malformed' });
  }
  const hints = gcpRefs(parsed.data.entry);
  await handleParsed('gcp', hints, parsed.data.entry.insertId);
  return reply(200, { handled: hints.length });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
