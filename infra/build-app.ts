/**
 * Builds every stack of one deployment into an App (used by app.ts and the tests):
 *   Segsync-<id>                       the home stack (segsync-stack.ts)
 *   Segsync-<id>-member-<account>      one per account reached through a role (member-role-stack.ts)
 *   Segsync-<id>-forwarder             one template for every other account and Region (event-forwarder-stack.ts)
 * Context: config, homeAccount, homeRegion, azureCredentialsSecret, gcpCredentialsSecret, driftConcurrency.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadDeployment, type Deployment } from './deployment.ts';
import { EventForwarderStack } from './event-forwarder-stack.ts';
import { memberAccounts } from './locations.ts';
import { MemberRoleStack } from './member-role-stack.ts';
import { SegsyncStack } from './segsync-stack.ts';

export interface BuildAppOptions {
  configFile: string;
  projectRoot: string;
}

export interface BuiltApp {
  deployment: Deployment;
  home: SegsyncStack;
  members: MemberRoleStack[];
  forwarder: EventForwarderStack;
}

export function buildApp(app: App, options: BuildAppOptions): BuiltApp {
  const deployment = loadDeployment(options.configFile);
  for (const w of deployment.warnings) process.stderr.write(`segsync: ${w}\n`);
  const ctx = (key: string) => app.node.tryGetContext(key) as string | undefined;
  const id = deployment.config.deploymentId;
  const homeAccount = ctx('homeAccount');
  const homeRegion = ctx('homeRegion');
  const home = new SegsyncStack(app, `Segsync-${id}`, {
    deployment,
    projectRoot: options.projectRoot,
    description: `segsync ${id}: event handlers, drift schedule and ingress (one stack per account)`,
    ...(homeAccount || homeRegion ? { env: { account: homeAccount, region: homeRegion } } : {}),
    ...(ctx('azureCredentialsSecret') ? { azureCredentialsSecret: ctx('azureCredentialsSecret') } : {}),
    ...(ctx('gcpCredentialsSecret') ? { gcpCredentialsSecret: ctx('gcpCredentialsSecret') } : {}),
    ...(ctx('driftConcurrency') ? { driftConcurrency: Number(ctx('driftConcurrency')) } : {}),
  });
  const members = memberAccounts(deployment.config).map(
    (target) =>
      new MemberRoleStack(app, `Segsync-${id}-member-${target.id}`, {
        deploymentId: id,
        target,
        ...(homeAccount ? { homeAccount } : {}),
        env: { account: target.id },
        description: `segsync ${id}: the role segsync assumes in account ${target.id}`,
      }),
  );
  const forwarder = new EventForwarderStack(app, `Segsync-${id}-forwarder`, {
    deploymentId: id,
    ...(homeAccount ? { homeAccount } : {}),
    ...(homeRegion ? { homeRegion } : {}),
    description: `segsync ${id}: forwards EC2 instance tag and state changes to the home account`,
  });
  // cdk-nag 3 is a CDK policy-validation plugin: an unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { deployment, home, members, forwarder };
}
