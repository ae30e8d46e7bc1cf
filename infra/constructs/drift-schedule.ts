/**
 * The scheduled drift run (DESIGN §4), fanned out per location by the platform:
 *
 *   EventBridge Scheduler (spec.drift.schedule) → Step Functions:
 *     Locations (drift-locations: the configuration's locations)
 *     → PerLocation (Distributed Map: one child execution per location) → Drift (drift: one location)
 *
 * Why a Distributed Map: an inline Map runs at most 40 iterations at once and a standard execution
 * keeps at most 25,000 history events (~7 per iteration, so a few thousand locations); a Distributed
 * Map runs each location as its own child execution (up to 10,000 in parallel) and its results are
 * discarded (each drift run reports through metrics), so the 256 KiB payload limit never binds.
 * Children are STANDARD because one location's drift may take the Lambda maximum of 15 minutes
 * (Express workflows end at 5). A failed location does not stop the others (toleratedFailurePercentage
 * 100); the function's Errors alarm reports it.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import {
  DefinitionBody,
  DistributedMap,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

export interface DriftScheduleProps {
  deploymentId: string;
  /** `rate(…)` or `cron(…)` as EventBridge Scheduler takes it (spec.drift.schedule). */
  schedule: string;
  locationsFunction: IFunction;
  driftFunction: IFunction;
  /**
   * How many locations drift at once. Each location has its own EC2/ARM/GCP request budget, so
   * this is bounded by Lambda concurrency, not by the clouds.
   * @default 40
   */
  maxConcurrency?: number;
}

export class DriftSchedule extends Construct {
  readonly stateMachine: StateMachine;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DriftScheduleProps) {
    super(scope, id);
    const prefix = `segsync-${props.deploymentId}`;
    const locations = new LambdaInvoke(this, 'Locations', {
      lambdaFunction: props.locationsFunction,
      payloadResponseOnly: true,
    });
    const drift = new LambdaInvoke(this, 'Drift', {
      lambdaFunction: props.driftFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const perLocation = new DistributedMap(this, 'PerLocation', {
      itemsPath: JsonPath.stringAt('$.locations'),
      maxConcurrency: props.maxConcurrency ?? 40,
      mapExecutionType: StateMachineType.STANDARD,
      toleratedFailurePercentage: 100,
      resultPath: JsonPath.DISCARD,
    });
    perLocation.itemProcessor(drift);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${prefix}-drift`,
      definitionBody: DefinitionBody.fromChainable(locations.next(perLocation)),
      stateMachineType: StateMachineType.STANDARD,
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${prefix}-schedule-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.schedule = new Schedule(this, 'Schedule', {
      scheduleName: `${prefix}-drift`,
      description: `segsync ${props.deploymentId}: drift run over every managed location`,
      schedule: ScheduleExpression.expression(props.schedule),
      target: new StepFunctionsStartExecution(this.stateMachine, {
        input: ScheduleTargetInput.fromObject({}),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
      }),
    });
  }
}
