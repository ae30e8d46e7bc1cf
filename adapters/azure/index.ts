/**
 * The Azure adapter (STYLE G3): one AzureNetworkApi per managed subscription (real SDK in
 * client.ts, or the sandbox), read.ts and apply.ts written once over it. Steps are routed by
 * `step.scope` (the subscription id, compared without case like every ARM id).
 *
 * What it supports: VMs/NICs as workloads, NIC-level NSGs and ASGs on NIC IP configurations;
 * subnet NSGs are read (reported as findings), never written.
 */
import type { Workload } from '../../core/model/inventory.ts';
import type { AzureState } from '../../core/model/native/azure.ts';
import type { AzureStep } from '../../core/plan/azure-steps.ts';
import { StepFailedError } from '../../core/errors.ts';
import type { CloudAdapter } from '../adapter.ts';
import type { AzureNetworkApi } from './api.ts';
import { applyAzureStep, type EtagMemo } from './apply.ts';
import { classifyAzureError } from './errors.ts';
import { mergeAzureStates, readAzureInventory, readAzureState } from './read.ts';

export { applyAzureStep } from './apply.ts';
export { classifyAzureError, AzureQuotaError } from './errors.ts';
export { readAzureInventory, readAzureState } from './read.ts';

export function azureAdapter(apis: readonly AzureNetworkApi[]): CloudAdapter<'azure'> {
  const bySubscription = new Map(apis.map((a) => [a.scope.subscription.toLowerCase(), a]));
  const etags: EtagMemo = new Map();
  const reading = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (e) {
      throw classifyAzureError(e, { cloud: 'azure', kind: 'read', target: '' });
    }
  };
  return {
    cloud: 'azure',
    async readInventory(): Promise<Workload[]> {
      const parts = await Promise.all(apis.map((api) => reading(() => readAzureInventory(api))));
      return parts.flat().sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
    },
    async readState(): Promise<AzureState> {
      return mergeAzureStates(await Promise.all(apis.map((api) => reading(() => readAzureState(api)))));
    },
    async apply(step: AzureStep): Promise<void> {
      const api = bySubscription.get(step.scope.toLowerCase());
      if (!api) throw new StepFailedError(step, new Error(`no Azure API for subscription ${step.scope}`));
      await applyAzureStep(api, step, etags);
    },
  };
}
