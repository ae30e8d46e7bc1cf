/** Shared builders for the sandbox Azure tests: small inline estates and error capture. */
import type { AzureSecurityRule } from '../../../core/model/native/azure.ts';
import { CloudApiError } from '../../../adapters/errors.ts';
import type { Estate, EstateAzureVm } from '../../../adapters/sandbox/estate-types.ts';

export const SUB = 'sub-1';
export const RG = 'rg-vnet-a';

export function vm(id: string, over: Partial<EstateAzureVm> = {}): EstateAzureVm {
  return {
    id,
    subscription: SUB,
    region: 'westeurope',
    vnet: 'vnet-a',
    ip: '10.0.0.4',
    tags: { tier: 'web' },
    ...over,
  };
}

export function estate(azure: EstateAzureVm[]): Estate {
  return { aws: [], azure, gcp: [], awsSecurityGroups: [], gcpFirewalls: [] };
}

/** web-1 (vnet-a, with IPv6), web-2 (vnet-a), db-1 (vnet-b, resource group rg-b). */
export function twoVnets(): Estate {
  return estate([
    vm('web-1', { ipv6: 'fd00::4' }),
    vm('web-2', { ip: '10.0.0.5' }),
    vm('db-1', { vnet: 'vnet-b', ip: '10.1.0.4', resourceGroup: 'rg-b', tags: { tier: 'db' } }),
  ]);
}

export function rule(name: string, over: Partial<AzureSecurityRule['properties']> = {}): AzureSecurityRule {
  return {
    name,
    properties: {
      protocol: 'Tcp',
      sourcePortRange: '*',
      destinationPortRange: '443',
      sourceAddressPrefix: '10.0.0.0/24',
      destinationAddressPrefix: '*',
      access: 'Allow',
      priority: 100,
      direction: 'Inbound',
      ...over,
    },
  };
}

export const asgRef = (name: string, rg = RG): { id: string } => ({
  id: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/applicationSecurityGroups/${name}`,
});
export const nsgRef = (name: string, rg = RG): { id: string } => ({
  id: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/networkSecurityGroups/${name}`,
});

/** The CloudApiError a call rejects with (fails the test if it resolves or throws something else). */
export async function failure(call: Promise<unknown> | (() => unknown)): Promise<CloudApiError> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (e) {
    if (e instanceof CloudApiError) return e;
    throw e;
  }
  throw new Error('expected a CloudApiError, but the call succeeded');
}
