import type { WorkloadRef } from '../../core/model/ids.ts';

const VM = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachines\/[^/]+$/i;

/**
 * The workload a VM's ARM id names. Event Grid writes the `resourcegroups` segment in lower case
 * (its own samples do); ARM ids compare without case, and the adapter reads them so.
 */
export function workloadRefOfVm(uri: string): WorkloadRef | undefined {
  return VM.test(uri) ? { cloud: 'azure', vmId: uri } : undefined;
}
