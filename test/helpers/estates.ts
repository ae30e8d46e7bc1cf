/** Builders for sandbox estates (adapters/sandbox/estate-types.ts) that several test folders share. */
import type { EstateAzureVm } from '../../adapters/sandbox/estate-types.ts';

/** A VM builder for `subscription`: each VM is in vnet-a (rg-a, westeurope) unless `over` says otherwise. */
export const azureVmIn =
  (subscription: string) =>
  (id: string, ip: string, tags: Record<string, string>, over: Partial<EstateAzureVm> = {}): EstateAzureVm => ({
    id,
    subscription,
    region: 'westeurope',
    vnet: 'vnet-a',
    resourceGroup: 'rg-a',
    ip,
    tags,
    ...over,
  });

/** The `over` that puts an Azure VM in vnet-b (rg-b). */
export const VNET_B = { vnet: 'vnet-b', resourceGroup: 'rg-b' };
