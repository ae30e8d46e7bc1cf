/**
 * The subset of Azure Resource Manager segsync calls (Microsoft.Network + VM reads), in ARM JSON
 * shapes, for one subscription. Implemented by the real SDK (client.ts) and by the sandbox
 * (adapters/sandbox/azure.ts). Errors are CloudApiError with ARM's error code
 * (e.g. 'SecurityRuleConflict', 'PreconditionFailed') and HTTP status.
 */
import type {
  AzureApplicationSecurityGroup,
  AzureIpConfiguration,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureSubResource,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';

export interface AzureScope {
  subscription: string;
}

/*
 * Response shapes as ARM documents them (the real SDK clients map SDK → these at the edge): a
 * field ARM may omit is optional here (a VM still being created has no networkProfile, an IP
 * configuration with a pending dynamic address no privateIPAddress, an NSG PUT without rules may
 * come back without securityRules, a NIC without an NSG has no networkSecurityGroup). read.ts
 * completes them into core's Azure types, the one place that does.
 */

export interface ArmVirtualMachine extends Omit<AzureVirtualMachine, 'properties'> {
  properties?: { networkProfile?: { networkInterfaces?: AzureSubResource[] } };
}

export interface ArmIpConfiguration extends Omit<AzureIpConfiguration, 'properties'> {
  properties: Omit<AzureIpConfiguration['properties'], 'privateIPAddress'> & { privateIPAddress?: string };
}

export interface ArmNetworkInterface extends Omit<AzureNetworkInterface, 'properties'> {
  properties: Omit<AzureNetworkInterface['properties'], 'ipConfigurations'> & {
    ipConfigurations?: ArmIpConfiguration[];
  };
}

export interface ArmNetworkSecurityGroup extends Omit<AzureNetworkSecurityGroup, 'properties'> {
  properties: Omit<AzureNetworkSecurityGroup['properties'], 'securityRules'> & { securityRules?: AzureSecurityRule[] };
}

export interface AzureNetworkApi {
  readonly scope: AzureScope;
  listVirtualMachines(): Promise<ArmVirtualMachine[]>;
  listNetworkInterfaces(): Promise<ArmNetworkInterface[]>;
  listNetworkSecurityGroups(): Promise<ArmNetworkSecurityGroup[]>;
  listApplicationSecurityGroups(): Promise<AzureApplicationSecurityGroup[]>;
  /** Virtual Machines - Get; 404 ResourceNotFound (ResourceGroupNotFound for a missing group). */
  getVirtualMachine(resourceGroup: string, name: string): Promise<ArmVirtualMachine>;
  /** Network Interfaces - Get; 404 ResourceNotFound. */
  getNetworkInterface(resourceGroup: string, name: string): Promise<ArmNetworkInterface>;
  /** Network Security Groups - Get; 404 ResourceNotFound. */
  getNetworkSecurityGroup(resourceGroup: string, name: string): Promise<ArmNetworkSecurityGroup>;
  /** Application Security Groups - Get; 404 ResourceNotFound. */
  getApplicationSecurityGroup(resourceGroup: string, name: string): Promise<AzureApplicationSecurityGroup>;
  /** Subnet id → NSG id for subnets that have one. */
  listSubnetNetworkSecurityGroups(): Promise<Record<string, string>>;
  /** PUT; `ifMatch` is the etag the caller read (412 PreconditionFailed when stale). */
  createOrUpdateNetworkSecurityGroup(
    resourceGroup: string,
    name: string,
    nsg: { location: string; tags?: Record<string, string>; properties: { securityRules: AzureSecurityRule[] } },
    options?: { ifMatch?: string },
  ): Promise<ArmNetworkSecurityGroup>;
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
  ): Promise<ArmNetworkInterface>;
}
