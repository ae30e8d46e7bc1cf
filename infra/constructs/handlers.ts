/**
 * The four handlers of the functions contract (docs: briefs/functions-contract.md), each with its own
 * role and log group. Every role starts empty: no AWS managed policy, only what is granted here or
 * by the construct that wires the trigger.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { Deployment } from '../deployment.ts';
import { bundlingFor, CONFIG_IN_BUNDLE, LAMBDA_TASK_ROOT } from './bundling.ts';

/** The contract's entry files, relative to the repository root, and the sizes each one needs. */
export const HANDLERS = {
  awsEvents: { entry: 'functions/aws-events.ts', timeout: Duration.minutes(2), memorySize: 1024 },
  ingress: { entry: 'functions/ingress.ts', timeout: Duration.seconds(30), memorySize: 1024 },
  driftLocations: { entry: 'functions/drift-locations.ts', timeout: Duration.seconds(30), memorySize: 256 },
  // A full read of a large location takes minutes of paced API calls (DESIGN §4): the Lambda maximum.
  drift: { entry: 'functions/drift.ts', timeout: Duration.minutes(15), memorySize: 2048 },
} as const;

export type HandlerName = keyof typeof HANDLERS;

export interface HandlersProps {
  deployment: Deployment;
  /** The repository root: entry files, package-lock.json and tsconfig.json are found from it. */
  projectRoot: string;
  /** Environment shared by every handler (bucket, secrets); per-handler additions are in `extraEnvironment`. */
  environment: Record<string, string>;
  extraEnvironment?: Partial<Record<HandlerName, Record<string, string>>>;
}

export class Handlers extends Construct {
  readonly functions: Record<HandlerName, NodejsFunction>;
  readonly roles: Record<HandlerName, Role>;

  constructor(scope: Construct, id: string, props: HandlersProps) {
    super(scope, id);
    const deploymentId = props.deployment.config.deploymentId;
    const bundling = bundlingFor(props.deployment);
    const fns = {} as Record<HandlerName, NodejsFunction>;
    const roles = {} as Record<HandlerName, Role>;
    for (const [name, spec] of Object.entries(HANDLERS) as [HandlerName, (typeof HANDLERS)[HandlerName]][]) {
      const kebab = spec.entry.slice('functions/'.length, -'.ts'.length);
      // Named, so member accounts can trust these exact roles (aws:PrincipalArn) before they exist.
      const role = new Role(this, `${name}Role`, {
        roleName: roleNameFor(deploymentId, kebab),
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `segsync ${deploymentId}: ${kebab} handler`,
      });
      const logGroup = new LogGroup(this, `${name}Logs`, {
        retention: RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      fns[name] = new NodejsFunction(this, name, {
        entry: join(props.projectRoot, spec.entry),
        handler: 'handler',
        projectRoot: props.projectRoot,
        depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        timeout: spec.timeout,
        memorySize: spec.memorySize,
        role,
        logGroup,
        bundling,
        environment: {
          SEGSYNC_CONFIG: `${LAMBDA_TASK_ROOT}/${CONFIG_IN_BUNDLE}`,
          POWERTOOLS_SERVICE_NAME: 'segsync',
          POWERTOOLS_METRICS_NAMESPACE: 'segsync',
          ...props.environment,
          ...props.extraEnvironment?.[name],
        },
      });
      logGroup.grantWrite(role);
      roles[name] = role;
    }
    this.functions = fns;
    this.roles = roles;
  }
}

/** `segsync-<deployment id>-<handler>`: the role names member accounts trust (docs/deploy.md). */
export function roleNameFor(deploymentId: string, handler: string): string {
  return `segsync-${deploymentId}-${handler}`;
}
