/**
 * The AWS adapter (STYLE G3): one CloudAdapter over the Ec2Api of every managed scope
 * (account + Region). Reads concatenate all scopes; each step goes to the API of its
 * `step.scope` (`<account>/<region>`), with one apply cache per scope (names → ids, prefix-list
 * versions) kept for the adapter's life. The same code runs over the sandbox and the real SDK
 * (client.ts); only the Ec2Api differs.
 */
import { awsScope } from '../../core/model/ids.ts';
import { StepFailedError } from '../../core/errors.ts';
import type { AwsState } from '../../core/model/native/aws.ts';
import type { AwsStep } from '../../core/plan/aws-steps.ts';
import type { CloudAdapter } from '../adapter.ts';
import type { Ec2Api } from './api.ts';
import { applyAwsStep, newAwsApplyCache, type AwsApplyCache } from './apply.ts';
import { readAwsInventory, readAwsState } from './read.ts';

export { applyAwsStep, newAwsApplyCache, type AwsApplyCache } from './apply.ts';
export { AwsQuotaError, awsErrorKind, classifyAwsError, type AwsErrorKind } from './errors.ts';
export { readAwsInventory, readAwsState } from './read.ts';

/**
 * @example
 * const aws = awsAdapter(sandbox.aws.scopes().map((s) => sandbox.aws.api(s)));
 * const workloads = await aws.readInventory();
 */
export function awsAdapter(apis: Ec2Api[]): CloudAdapter<'aws'> {
  const scopes = new Map<string, { api: Ec2Api; cache: AwsApplyCache }>();
  for (const api of apis) {
    const scope = awsScope(api.scope);
    if (scopes.has(scope)) throw new Error(`two EC2 APIs for scope ${scope}`);
    scopes.set(scope, { api, cache: newAwsApplyCache() });
  }
  const ordered = [...scopes.keys()].sort().map((k) => scopes.get(k)!.api);
  return {
    cloud: 'aws',
    async readInventory() {
      return (await Promise.all(ordered.map(readAwsInventory))).flat();
    },
    async readState(): Promise<AwsState> {
      const states = await Promise.all(ordered.map(readAwsState));
      return {
        SecurityGroups: states.flatMap((s) => s.SecurityGroups),
        NetworkInterfaces: states.flatMap((s) => s.NetworkInterfaces),
        PrefixLists: states.flatMap((s) => s.PrefixLists),
      };
    },
    async apply(step: AwsStep) {
      const target = scopes.get(step.scope);
      if (!target) throw new StepFailedError(step, new Error(`no EC2 API configured for scope ${step.scope}`));
      await applyAwsStep(target.api, step, target.cache);
    },
  };
}
