/**
 * Azure native state in ARM JSON shapes (Microsoft.Network networkSecurityGroups,
 * applicationSecurityGroups, networkInterfaces; see ../shared/specs/azure). Pure data.
 */

export interface AzureSubResource {
  id: string;
}

export interface AzureSecurityRule {
  id?: string;
  name: string;
  etag?: string;
  properties: {
    description?: string;
    /** 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*' */
    protocol: string;
    sourcePortRange?: string;
    sourcePortRanges?: string[];
    destinationPortRange?: string;
    destinationPortRanges?: string[];
    sourceAddressPrefix?: string;
    sourceAddressPrefixes?: string[];
    destinationAddressPrefix?: string;
    destinationAddressPrefixes?: string[];
    sourceApplicationSecurityGroups?: AzureSubResource[];
    destinationApplicationSecurityGroups?: AzureSubResource[];
    access: 'Allow' | 'Deny';
    /** 100-4096 for custom rules; default rules use 65000-65500. */
    priority: number;
    direction: 'Inbound' | 'Outbound';
    provisioningState?: string;
  };
}

/** What every resource segsync writes carries at its top level: the ARM envelope, with the etag writes are conditional on. */
export interface AzureWritableResource {
  id: string;
  name: string;
  location: string;
  etag?: string;
  tags?: Record<string, string>;
}

export interface AzureNetworkSecurityGroup extends AzureWritableResource {
  properties: {
    securityRules: AzureSecurityRule[];
    defaultSecurityRules?: AzureSecurityRule[];
    networkInterfaces?: AzureSubResource[];
    subnets?: AzureSubResource[];
    provisioningState?: string;
  };
}

export interface AzureApplicationSecurityGroup extends AzureWritableResource {
  properties: { provisioningState?: string };
}

export interface AzureIpConfiguration {
  id: string;
  name: string;
  properties: {
    privateIPAddress: string;
    privateIPAddressVersion?: 'IPv4' | 'IPv6';
    /** `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>` */
    subnet: AzureSubResource;
    primary?: boolean;
    applicationSecurityGroups?: AzureSubResource[];
  };
}

export interface AzureNetworkInterface extends AzureWritableResource {
  properties: {
    networkSecurityGroup?: AzureSubResource;
    ipConfigurations: AzureIpConfiguration[];
    virtualMachine?: AzureSubResource;
  };
}

export interface AzureVirtualMachine {
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  properties: { networkProfile: { networkInterfaces: AzureSubResource[] } };
}

/** Everything segsync reads or writes in Azure, across every subscription it manages. */
export interface AzureState {
  networkSecurityGroups: AzureNetworkSecurityGroup[];
  applicationSecurityGroups: AzureApplicationSecurityGroup[];
  networkInterfaces: AzureNetworkInterface[];
  /** Subnet-level NSG associations (subnet id → NSG id); both NIC and subnet NSGs must allow. */
  subnetNetworkSecurityGroups?: Record<string, string>;
}

/** `/subscriptions/s/.../virtualNetworks/vnet-a/subnets/default` → the VNet's id. */
export function vnetOfSubnet(subnetId: string): string {
  const i = subnetId.toLowerCase().indexOf('/subnets/');
  return i < 0 ? subnetId : subnetId.slice(0, i);
}
