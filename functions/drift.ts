/**
 * The drift run of one location (a Step Functions Map iteration): full read, plan, apply or only
 * report (the configuration's `drift.mode`), snapshot written, metrics emitted.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { driftLocation, type DriftResult } from '../adapters/events/drift.ts';
import { summaryLine } from '../core/plan/render.ts';
import { logger, metrics } from './shared/observe.ts';
import { runtime } from './shared/runtime.ts';

export const DriftInputSchema = z.object({ cloud: z.enum(['aws', 'azure', 'gcp']), location: z.string().min(1) });

/** What the state machine carries on: the run's counts, without its steps and findings (those are logged). */
export type DriftOutput = Pick<
  DriftResult,
  'cloud' | 'location' | 'driftFound' | 'driftCorrected' | 'objectsChecked' | 'durationMs' | 'mode'
>;

export const handler = async (input: unknown): Promise<DriftOutput> => {
  try {
    const target = DriftInputSchema.parse(input);
    const { config, deps } = await runtime();
    const r = await driftLocation(target, config.drift.mode, deps);
    metrics.addMetadata('location', `${r.cloud}:${r.location}`); // metadata, not a dimension: the alarm watches one series
    metrics.addMetric('DriftFound', MetricUnit.Count, r.driftFound);
    metrics.addMetric('DriftCorrected', MetricUnit.Count, r.driftCorrected);
    metrics.addMetric('ObjectsChecked', MetricUnit.Count, r.objectsChecked);
    metrics.addMetric('DriftDurationMs', MetricUnit.Milliseconds, r.durationMs);
    const { planned, ...rest } = r;
    logger.info('drift run', {
      ...rest,
      plan: summaryLine(planned),
      findings: r.findings.map((f) => `${f.code} ${f.target}`),
    });
    for (const note of r.trust) logger.warn('label change not honoured', { ...note });
    const { cloud, location, driftFound, driftCorrected, objectsChecked, durationMs, mode } = r;
    return { cloud, location, driftFound, driftCorrected, objectsChecked, durationMs, mode };
  } finally {
    metrics.publishStoredMetrics();
  }
};
