/**
 * The one call every change handler makes after parsing: hints → the use case → report. A
 * terminal failure (a plan refused by its own findings, a quota) is logged and acknowledged:
 * retrying the same hint cannot help, and the drift run reports it every schedule. Anything else
 * propagates, so the source retries (SQS batch item failure, HTTP 500).
 */
import { SegsyncError } from '../../core/errors.ts';
import { handleHints, type HandleResult } from '../../adapters/events/handle.ts';
import type { Hint } from '../../adapters/events/hint.ts';
import { logger, reportHandled, reportRejected } from './observe.ts';
import { runtime } from './runtime.ts';

export async function handleParsed(
  source: string,
  hints: readonly Hint[],
  eventId: string,
): Promise<HandleResult | undefined> {
  if (hints.length === 0) {
    logger.info('event ignored: it names no instance segsync segments', { source, eventId });
    return undefined;
  }
  const { deps } = await runtime();
  try {
    const result = await handleHints(hints, deps);
    reportHandled(source, hints, result);
    return result;
  } catch (e) {
    if (e instanceof SegsyncError && !e.retryable) {
      reportRejected(source, `not retried: ${e.message}`, eventId);
      return undefined;
    }
    throw e;
  }
}
