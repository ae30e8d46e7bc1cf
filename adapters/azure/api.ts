/**
 * The subset of Azure Resource Manager segsync calls (Microsoft.Network + VM reads), in ARM JSON
 * shapes, for one subscription. Implemented by the real SDK (client.ts) and by the sandbox
 * (adapters/sandbox/azure.ts). Errors are CloudApiError with ARM's error code
 * (e.g. 'SecurityRuleConflict', 'PreconditionFailed') and HTTP status.
 */
import type {
  AzureApplicationSecurityGroup,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';

export interface AzureScope {
  subscription: string;
}

export interface AzureNetworkApi {
  readonly scope: AzureScope;
  listVirtualMachines(): Promise<AzureVirtualMachine[]>;
  listNetworkInterfaces(): Promise<AzureNetworkInterface[]>;
  listNetworkSecurityGroups(): Promise<AzureNetworkSecurityGroup[]>;
  listApplicationSecurityGroups(): Promise<AzureApplicationSecurityGroup[]>;
  /** Subnet id → NSG id for subnets that have one. */
  listSubnetNetworkSecurityGroups(): Promise<Record<string, string>>;
  /** PUT; `ifMatch` is the etag the caller read (412 PreconditionFailed when stale). */
  createOrUpdateNetworkSecurityGroup(
    resourceGroup: string,
    name: string,
    nsg: { location: string; tags?: Record<string, string>; properties: { securityRules: AzureSecurityRule[] } },
    options?: { ifMatch?: string },
  ): Promise<AzureNetworkSecurityGroup>;
  deleteNetworkSecurityGroup(resourceGroup: string, name: string): Promise<void>;
  createOrUpdateSecurityRule(
    resourceGroup: string,
    nsgName: string,
    ruleName: string,
    rule: AzureSecurityRule,
  ): Promise<AzureSecurityRule>;
  deleteSecurityRule(resourceGroup: string, nsgName: string, ruleName: string): Promise<void>;
  createOrUpdateApplicationSecurityGroup(
    resourceGroup: string,
    name: string,
    asg: { location: string; tags?: Record<string, string> },
  ): Promise<AzureApplicationSecurityGroup>;
  deleteApplicationSecurityGroup(resourceGroup: string, name: string): Promise<void>;
  /** PUT of the whole NIC (ASG memberships live on its IP configurations, the NSG on the NIC). */
  createOrUpdateNetworkInterface(
    resourceGroup: string,
    name: string,
    nic: AzureNetworkInterface,
    options?: { ifMatch?: string },
  ): Promise<AzureNetworkInterface>;
}
