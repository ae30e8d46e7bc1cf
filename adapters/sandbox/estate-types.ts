/**
 * The estate file (YAML) that seeds the sandbox clouds: instances with their tags in all three
 * clouds, plus optional pre-existing (foreign) firewall objects. Types only; estate.ts parses
 * and validates the file with zod and positions.
 */

export interface EstateNic {
  id?: string;
  ip: string;
  ipv6?: string;
  subnet?: string;
}

export interface EstateAwsInstance {
  id: string;
  account: string;
  region: string;
  vpc: string;
  subnet?: string;
  ip: string;
  ipv6?: string;
  tags: Record<string, string>;
  state?: 'running' | 'stopped' | 'terminated';
  /** Extra ENIs (device index 1..n), same VPC. */
  nics?: EstateNic[];
  /** Foreign security groups (ids from `awsSecurityGroups`); default: the VPC's default group. */
  securityGroups?: string[];
}

export interface EstateAzureVm {
  id: string;
  subscription: string;
  resourceGroup?: string;
  region: string;
  vnet: string;
  subnet?: string;
  ip: string;
  ipv6?: string;
  tags: Record<string, string>;
  nics?: EstateNic[];
  /** A foreign NSG (name from `azureNetworkSecurityGroups`) already on the primary NIC. */
  nsg?: string;
}

export interface EstateGcpInstance {
  id: string;
  project: string;
  zone: string;
  network: string;
  ip: string;
  ipv6?: string;
  labels: Record<string, string>;
  /** Network tags already on the instance (foreign). */
  tags?: string[];
}

/** A foreign security group: exists before segsync, never owned by it. */
export interface EstateAwsSecurityGroup {
  id: string;
  account: string;
  region: string;
  vpc: string;
  name?: string;
  /** e.g. { protocol: tcp, ports: '22', cidr: 0.0.0.0/0 } */
  ingress?: { protocol: string; ports?: string; cidr: string }[];
  egress?: { protocol: string; ports?: string; cidr: string }[];
}

export interface EstateGcpFirewall {
  name: string;
  project: string;
  network: string;
  direction?: 'INGRESS' | 'EGRESS';
  priority?: number;
  action?: 'allow' | 'deny';
  protocol: string;
  ports?: string[];
  ranges: string[];
  targetTags?: string[];
}

export interface Estate {
  aws: EstateAwsInstance[];
  azure: EstateAzureVm[];
  gcp: EstateGcpInstance[];
  awsSecurityGroups: EstateAwsSecurityGroup[];
  gcpFirewalls: EstateGcpFirewall[];
}
