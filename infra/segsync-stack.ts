/**
 * The per-account stack (DESIGN §5): the handlers, the change pipeline, the drift schedule, the
 * push ingress, the snapshot bucket, the alarms and the least-privilege permissions, all derived
 * from one validated deployment configuration. Environment-agnostic: the same template deploys
 * to any account and Region (`cdk deploy` with that account's credentials).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Deployment } from './deployment.ts';
import { Alarms } from './constructs/alarms.ts';
import { ChangePipeline } from './constructs/change-pipeline.ts';
import { DriftSchedule } from './constructs/drift-schedule.ts';
import { Handlers, HANDLERS } from './constructs/handlers.ts';
import { PushIngress } from './constructs/push-ingress.ts';
import { secretRef } from './constructs/secret-ref.ts';
import { SnapshotBucket } from './constructs/snapshot-bucket.ts';
import { awsLocations, homeAccounts } from './locations.ts';
import { acknowledgeSegsyncStackFindings } from './nag-suppressions.ts';
import { ReconcilePolicy } from './permissions/reconcile-policy.ts';

export interface SegsyncStackProps extends StackProps {
  deployment: Deployment;
  /** The repository root (entry files, lock file). */
  projectRoot: string;
  /** Secrets holding Azure / GCP credentials, for clouds not reached by workload identity federation. */
  azureCredentialsSecret?: string;
  gcpCredentialsSecret?: string;
  /** @default 40 */
  driftConcurrency?: number;
}

export class SegsyncStack extends Stack {
  readonly handlers: Handlers;
  readonly changes: ChangePipeline;
  readonly drift: DriftSchedule;
  readonly bucket: SnapshotBucket;

  constructor(scope: Construct, id: string, props: SegsyncStackProps) {
    super(scope, id, props);
    const { config } = props.deployment;
    this.bucket = new SnapshotBucket(this, 'Snapshots');

    const azureEvents = config.azure?.events
      ? secretRef(this, 'AzureEventGridSecret', config.azure.events.secret)
      : undefined;
    const credentials: Record<string, ISecret> = {};
    const credentialEnv: Record<string, string> = {};
    if (props.azureCredentialsSecret) {
      credentials.azure = secretRef(this, 'AzureCredentials', props.azureCredentialsSecret);
      credentialEnv.SEGSYNC_AZURE_CREDENTIALS_SECRET_ARN = props.azureCredentialsSecret;
    }
    if (props.gcpCredentialsSecret) {
      credentials.gcp = secretRef(this, 'GcpCredentials', props.gcpCredentialsSecret);
      credentialEnv.SEGSYNC_GCP_CREDENTIALS_SECRET_ARN = props.gcpCredentialsSecret;
    }

    this.handlers = new Handlers(this, 'Handlers', {
      deployment: props.deployment,
      projectRoot: props.projectRoot,
      environment: { SEGSYNC_SNAPSHOT_BUCKET: this.bucket.bucket.bucketName, ...credentialEnv },
      extraEnvironment: {
        ingress: {
          ...(config.azure?.events ? { SEGSYNC_AZURE_SECRET_ARN: config.azure.events.secret } : {}),
          ...(config.gcp?.events
            ? {
                SEGSYNC_GCP_AUDIENCE: config.gcp.events.audience,
                SEGSYNC_GCP_PUSH_SERVICE_ACCOUNT: config.gcp.events.serviceAccount,
              }
            : {}),
        },
      },
    });
    const { functions, roles } = this.handlers;

    const reconcile = new ReconcilePolicy(this, 'ReconcilePolicy', {
      config,
      bucket: this.bucket.bucket,
      roles: [roles.awsEvents, roles.ingress, roles.drift],
      credentialSecrets: Object.values(credentials),
    });

    const home = homeAccounts(config);
    this.changes = new ChangePipeline(this, 'Changes', {
      deploymentId: config.deploymentId,
      handler: functions.awsEvents,
      handlerTimeout: HANDLERS.awsEvents.timeout,
      locations: awsLocations(config),
      home: {
        accounts: home.map((a) => a.id),
        regions: [...new Set(home.flatMap((a) => a.regions))].sort(),
      },
      forwardingAccounts: [...new Set((config.aws?.accounts ?? []).map((a) => a.id))].sort(),
    });

    new PushIngress(this, 'Ingress', {
      handler: functions.ingress,
      ...(azureEvents ? { azureSecret: azureEvents } : {}),
    });

    this.drift = new DriftSchedule(this, 'Drift', {
      deploymentId: config.deploymentId,
      schedule: config.drift.schedule,
      locationsFunction: functions.driftLocations,
      driftFunction: functions.drift,
      ...(props.driftConcurrency ? { maxConcurrency: props.driftConcurrency } : {}),
    });

    new Alarms(this, 'Alarms', {
      functions,
      deadLetterQueues: {
        ChangesDeadLetterQueue: this.changes.deadLetterQueue,
        DeliveryDeadLetterQueue: this.changes.deliveryDeadLetterQueue,
        ScheduleDeadLetterQueue: this.drift.deadLetterQueue,
      },
      stateMachine: this.drift.stateMachine,
      driftMode: config.drift.mode,
    });

    const homeEc2 = reconcile.ec2Scope;
    acknowledgeSegsyncStackFindings({
      bucket: this.bucket.bucket,
      bucketResource: this.bucket.bucket.node.defaultChild!,
      deploymentId: config.deploymentId,
      functions: Object.values(functions),
      reconcilePolicy: reconcile,
      ...(homeEc2 ? { ec2: homeEc2 } : {}),
      stateMachine: this.drift.stateMachine,
      stateMachineResource: this.drift.stateMachine.node.defaultChild!,
      invokedFunctions: [functions.driftLocations.node.defaultChild!, functions.drift.node.defaultChild!],
      standardDeadLetterQueues: [this.changes.deliveryDeadLetterQueue, this.drift.deadLetterQueue],
    });
  }
}
