/**
 * Module-scope Powertools logger and metrics (STYLE G10), and the two reports every handler
 * makes: an event handled (structured: event ids, workloads, plan summary, outcome, duration) or
 * an event rejected (malformed, unauthenticated: the reason, then acknowledged).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { HandleResult } from '../../adapters/events/handle.ts';
import { summaryLine } from '../../core/plan/render.ts';
import type { Hint } from '../../adapters/events/hint.ts';

export const logger = new Logger({ serviceName: 'segsync' });
// Metrics' own warnings (e.g. nothing to publish) go through the logger, so they are JSON and share its level.
export const metrics = new Metrics({ namespace: 'segsync', serviceName: 'segsync', logger });

/** What the reports said, for a caller in the same process (the CLI prints it; Lambda has the logs). */
export type Report =
  | { kind: 'handled'; source: string; result: HandleResult }
  | { kind: 'rejected'; source: string; reason: string; eventId?: string };

const listeners = new Set<(r: Report) => void>();

/** Calls `listener` with every report until the returned function is called. */
export function onReport(listener: (r: Report) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportHandled(source: string, hints: readonly Hint[], result: HandleResult): void {
  for (const l of listeners) l({ kind: 'handled', source, result });
  logger.info('event handled', {
    source,
    eventIds: [...new Set(hints.map((h) => h.eventId))],
    workloads: result.workloads,
    outcome: result.outcome,
    plan: summaryLine(result.planned),
    steps: result.steps,
    applied: result.applied,
    attempts: result.attempts,
    durationMs: result.durationMs,
    ...(result.ignored.length ? { ignored: result.ignored } : {}),
    ...(result.trust.length ? { labelTrust: result.trust } : {}),
    ...(result.fullReads.length ? { fullReads: result.fullReads } : {}),
  });
  for (const note of result.trust)
    logger.warn(note.kind === 'refused' ? 'label change refused' : 'label change deferred', { ...note });
  metrics.addMetric('EventsHandled', MetricUnit.Count, 1);
  metrics.addMetric('StepsApplied', MetricUnit.Count, result.applied);
}

export function reportRejected(source: string, reason: string, eventId?: string): void {
  for (const l of listeners) l({ kind: 'rejected', source, reason, ...(eventId ? { eventId } : {}) });
  logger.warn('event rejected', { source, reason, ...(eventId ? { eventId } : {}) });
  metrics.addMetric('EventsRejected', MetricUnit.Count, 1);
}

/** A zod error as one line: `path: message; …`. */
export function zodReason(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
