/**
 * AWS change handler (docs/events.md): an SQS FIFO batch (message group `<account>/<region>`) of
 * EventBridge events. Each record is parsed, turned into hints, and handled; a malformed record is
 * logged and acknowledged; a retryable failure becomes a batch item failure, and Powertools' FIFO
 * processor fails the rest of that message group only, so other locations go on.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AwsEventSchema, toRefs } from './events/aws.ts';
import { handleParsed } from './shared/handle.ts';
import { metrics, reportRejected, zodReason } from './shared/observe.ts';
import type { HandleResult } from '../adapters/events/handle.ts';

export const processor = new SqsFifoPartialProcessorAsync();

/** One EventBridge event (an SQS body, or a file given to `segsync handle-event`). */
export async function handleAwsEvent(body: unknown, messageId: string): Promise<HandleResult | undefined> {
  const parsed = AwsEventSchema.safeParse(body);
  if (!parsed.success) {
    reportRejected('aws', `malformed EventBridge event: ${zodReason(parsed.error)}`, messageId);
    return undefined;
  }
  return handleParsed('aws', toRefs(parsed.data), parsed.data.id);
}

export async function recordHandler(record: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    reportRejected('aws', 'SQS message body is not JSON', record.messageId);
    return;
  }
  await handleAwsEvent(body, record.messageId);
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    return await processPartialResponse(event, recordHandler, processor, { context, skipGroupOnError: true });
  } finally {
    metrics.publishStoredMetrics();
  }
};
