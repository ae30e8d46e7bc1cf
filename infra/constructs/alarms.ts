/**
 * CloudWatch alarms: a handler that fails, a message that could not be handled or delivered, a
 * drift run that failed, and drift itself (the contract's metrics, namespace segsync, dimension
 * service=segsync as Powertools Metrics writes it). Alarms carry no action: wire them to your
 * on-call topic (docs/deploy.md).
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export const METRICS_NAMESPACE = 'segsync';
export const METRICS_DIMENSIONS = { service: 'segsync' };

export interface AlarmsProps {
  functions: Record<string, IFunction>;
  deadLetterQueues: Record<string, IQueue>;
  stateMachine: IStateMachine;
  driftMode: 'apply' | 'report';
}

const driftMetric = (metricName: string) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: METRICS_DIMENSIONS,
    statistic: 'Sum',
    period: Duration.minutes(5),
  });

export class Alarms extends Construct {
  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const above0 = (alarmId: string, metric: IMetric, description: string) =>
      new Alarm(this, alarmId, {
        metric,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    for (const [name, fn] of Object.entries(props.functions))
      above0(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), `segsync ${name} handler failed`);
    for (const [name, queue] of Object.entries(props.deadLetterQueues))
      above0(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        `messages in ${name}: inspect them, fix the cause, then redrive them to their source`,
      );
    above0(
      'DriftRunFailed',
      props.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      'a segsync drift run failed',
    );
    // Report mode: any drift is news. Apply mode: only drift the run could not put back is.
    const drift =
      props.driftMode === 'report'
        ? driftMetric('DriftFound')
        : new MathExpression({
            expression: 'found - corrected',
            usingMetrics: { found: driftMetric('DriftFound'), corrected: driftMetric('DriftCorrected') },
            period: Duration.minutes(5),
            label: 'drift not corrected',
          });
    above0(
      'Drift',
      drift,
      props.driftMode === 'report'
        ? 'segsync found native state that differs from the policy (report mode: nothing was changed)'
        : 'segsync found drift it could not correct',
    );
  }
}
