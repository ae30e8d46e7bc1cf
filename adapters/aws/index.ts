/**
 * The AWS adapter (STYLE G3): one CloudAdapter over the Ec2Api of every managed scope
 * (account + Region). A read reads each scope once and concatenates them in scope order; each
 * step goes to the API of its `step.scope` (`<account>/<region>`), with one apply cache per
 * scope (names → ids, prefix-list versions) kept for the adapter's life. The same code runs over
 * the sandbox and the real SDK (client.ts); only the Ec2Api differs.
 */
import { awsScope } from '../../core/model/ids.ts';
import { StepFailedError } from '../../core/errors.ts';
import type { AwsStep } from '../../core/plan/aws-steps.ts';
import { locationsOf, type CloudAdapter, type ReadRequest, type ReadResult } from '../adapter.ts';
import type { Ec2Api } from './api.ts';
import { applyAwsStep, newAwsApplyCache, type AwsApplyCache } from './apply.ts';
import { readAws } from './read.ts';

export { applyAwsStep, newAwsApplyCache, type AwsApplyCache } from './apply.ts';
export { AWS_ERRORS, type AwsErrorKind } from './errors.ts';
export { readAws, toNetworkInterface, toPrefixList, toSecurityGroup } from './read.ts';

/**
 * @example
 * const aws = awsAdapter(sandbox.aws.scopes().map((s) => sandbox.aws.api(s)));
 * const { workloads, state } = await aws.read();
 */
export function awsAdapter(apis: Ec2Api[]): CloudAdapter<'aws'> {
  const scopes = new Map<string, { api: Ec2Api; cache: AwsApplyCache }>();
  for (const api of apis) {
    const scope = awsScope(api.scope);
    if (scopes.has(scope)) throw new Error(`two EC2 APIs for scope ${scope}`);
    scopes.set(scope, { api, cache: newAwsApplyCache() });
  }
  const locations = [...scopes.keys()].sort();
  return {
    cloud: 'aws',
    locations: () => [...locations],
    async read(request?: ReadRequest): Promise<ReadResult<'aws'>> {
      const parts = await Promise.all(locationsOf(locations, request).map((l) => readAws(scopes.get(l)!.api, request)));
      return {
        workloads: parts.flatMap((p) => p.workloads),
        state: {
          SecurityGroups: parts.flatMap((p) => p.state.SecurityGroups),
          NetworkInterfaces: parts.flatMap((p) => p.state.NetworkInterfaces),
          PrefixLists: parts.flatMap((p) => p.state.PrefixLists),
        },
      };
    },
    async apply(step: AwsStep) {
      const target = scopes.get(step.scope);
      if (!target) throw new StepFailedError(step, new Error(`no EC2 API configured for scope ${step.scope}`));
      await applyAwsStep(target.api, step, target.cache);
    },
  };
}
