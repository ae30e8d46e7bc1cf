/**
 * The handlers run in this process, on an event body as its source delivers it (the CLI's
 * `handle-event` and `sandbox tag`, the demo): the same parsing, hints and use case as in Lambda,
 * minus the transport's authentication (a local file is trusted as its reader is).
 */
import type { Context, SQSEvent } from 'aws-lambda';
import type { Cloud } from '../core/model/cloud.ts';
import { handler as awsHandler, handleAwsEvent } from './aws-events.ts';
import { handleEventGrid, handlePubSubPush } from './ingress.ts';
import { AuditLogEntrySchema } from './events/gcp.ts';
import { logger, onReport, type Report } from './shared/observe.ts';
import { useRuntime, type Runtime } from './shared/runtime.ts';

export interface Delivered {
  reports: Report[];
  /** SQS: messages that would be retried; HTTP: the status the push service would get. */
  retried: string[];
  status?: number;
  /** The Event Grid validation answer, when the body was the handshake. */
  validationResponse?: string;
}

export async function deliverLocally(
  cloud: Cloud,
  body: unknown,
  runtime: Runtime,
  options: { logs?: boolean } = {},
): Promise<Delivered> {
  const reports: Report[] = [];
  const stop = onReport((r) => reports.push(r));
  const level = logger.getLevelName();
  if (!options.logs) logger.setLogLevel('SILENT');
  useRuntime(runtime);
  try {
    if (cloud === 'aws') {
      if (isSqsEvent(body)) {
        const out = await awsHandler(body, { functionName: 'segsync-local', awsRequestId: 'local' } as Context);
        return { reports, retried: out.batchItemFailures.map((f) => f.itemIdentifier) };
      }
      await handleAwsEvent(body, 'file');
      return { reports, retried: [] };
    }
    const reply = cloud === 'azure' ? await handleEventGrid(body) : await handlePubSubPush(asPushBody(body));
    const parsed = reply.body ? (JSON.parse(reply.body) as { validationResponse?: string }) : {};
    return {
      reports,
      retried: [],
      status: reply.statusCode ?? 200,
      ...(parsed.validationResponse ? { validationResponse: parsed.validationResponse } : {}),
    };
  } finally {
    stop();
    logger.setLogLevel(level);
    useRuntime(undefined);
  }
}

function isSqsEvent(body: unknown): body is SQSEvent {
  return typeof body === 'object' && body !== null && Array.isArray((body as { Records?: unknown }).Records);
}

/** A bare LogEntry is wrapped as Pub/Sub would push it. */
function asPushBody(body: unknown): unknown {
  if (!AuditLogEntrySchema.safeParse(body).success) return body;
  const data = Buffer.from(JSON.stringify(body)).toString('base64');
  return { message: { data, messageId: 'file' }, subscription: 'projects/local/subscriptions/file' };
}
