/**
 * The sandbox's adapters with wrappers around each location's API object (pacing, fault
 * injection, simulated latency): the same adapters Sandbox.clouds() builds, where each
 * Ec2Api / AzureNetworkApi / GcpComputeApi passes through `wrappers` (first = innermost).
 */
import { awsScope } from '../../core/model/ids.ts';
import type { Cloud } from '../../core/policy/labels.ts';
import { awsAdapter } from '../aws/index.ts';
import { azureAdapter } from '../azure/index.ts';
import { gcpAdapter } from '../gcp/index.ts';
import type { Clouds } from '../reconcile.ts';
import type { Sandbox } from '../sandbox/index.ts';

export type ApiWrapper = <T extends object>(cloud: Cloud, scope: string, api: T) => T;

/** @example sandboxClouds(sandbox, pacer.wrap.bind(pacer)) */
export function sandboxClouds(sandbox: Pick<Sandbox, 'aws' | 'azure' | 'gcp'>, ...wrappers: ApiWrapper[]): Clouds {
  const wrap = wrapWith(wrappers);
  return {
    aws: awsAdapter(sandbox.aws.scopes().map((s) => wrap('aws', awsScope(s), sandbox.aws.api(s)))),
    azure: azureAdapter(sandbox.azure.subscriptions().map((s) => wrap('azure', s, sandbox.azure.api(s)))),
    gcp: gcpAdapter(sandbox.gcp.projects().map((p) => wrap('gcp', p, sandbox.gcp.api(p)))),
  };
}

/** The wrappers as one, first = innermost. */
export function wrapWith(wrappers: readonly ApiWrapper[]): ApiWrapper {
  return <T extends object>(cloud: Cloud, scope: string, api: T): T =>
    wrappers.reduce<T>((inner, w) => w(cloud, scope, inner), api);
}

/** Wraps every method of `api` (a Proxy; non-function properties such as `scope` pass through). */
export function aroundMethods<T extends object>(
  api: T,
  around: (method: string, args: unknown[], call: () => Promise<unknown>) => Promise<unknown>,
): T {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const fn = value as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => around(prop, args, () => fn.apply(target, args));
    },
  });
}
