/**
 * The Azure adapter (STYLE G3): one AzureNetworkApi per managed subscription (real SDK in
 * client.ts, or the sandbox), read.ts and apply.ts written once over it. Steps are routed by
 * `step.scope` (the subscription id, compared without case like every ARM id).
 *
 * What it supports: VMs/NICs as workloads, NIC-level NSGs and ASGs on NIC IP configurations;
 * subnet NSGs are read (reported as findings), never written.
 */
import type { AzureStep } from '../../core/plan/azure-steps.ts';
import { StepFailedError } from '../../core/errors.ts';
import { locationsOf, type CloudAdapter, type ReadRequest, type ReadResult } from '../adapter.ts';
import type { AzureNetworkApi } from './api.ts';
import { applyAzureStep, type EtagMemo } from './apply.ts';
import { mergeAzureStates, readAzure } from './read.ts';

export { applyAzureStep } from './apply.ts';
export { AZURE_ERRORS, type AzureErrorKind } from './errors.ts';
export { readAzure, toNetworkInterface, toNetworkSecurityGroup, toVirtualMachine } from './read.ts';

/**
 * @example
 * const azure = azureAdapter(sandbox.azure.subscriptions().map((s) => sandbox.azure.api(s)));
 * const { workloads, state } = await azure.read();
 */
export function azureAdapter(apis: readonly AzureNetworkApi[]): CloudAdapter<'azure'> {
  const bySubscription = new Map(apis.map((a) => [a.scope.subscription.toLowerCase(), a]));
  const subscriptions = apis
    .map((a) => a.scope.subscription)
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  const etags: EtagMemo = new Map();
  return {
    cloud: 'azure',
    locations: () => [...subscriptions],
    async read(request?: ReadRequest): Promise<ReadResult<'azure'>> {
      const chosen = locationsOf(subscriptions, request, (a, b) => a.toLowerCase() === b.toLowerCase());
      const parts = await Promise.all(chosen.map((s) => readAzure(bySubscription.get(s.toLowerCase())!, request)));
      return {
        workloads: parts.flatMap((p) => p.workloads).sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1)),
        state: mergeAzureStates(parts.map((p) => p.state)),
      };
    },
    async apply(step: AzureStep): Promise<void> {
      const api = bySubscription.get(step.scope.toLowerCase());
      if (!api) throw new StepFailedError(step, new Error(`no Azure API for subscription ${step.scope}`));
      await applyAzureStep(api, step, etags);
    },
  };
}
