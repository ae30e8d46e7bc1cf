/** Builders for sandbox estates (adapters/sandbox/estate-types.ts) that several test folders share. */
import type {
  Estate,
  EstateAwsInstance,
  EstateAzureVm,
  EstateGcpFirewall,
} from '../../adapters/sandbox/estate-types.ts';
import { AWS_ACCOUNT, AWS_REGION } from './workloads.ts';

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

/** An AWS instance in vpc-a of AWS_ACCOUNT in AWS_REGION unless `over` says otherwise. */
export const awsInstance = (
  id: string,
  ip: string,
  tags: Record<string, string>,
  over: Partial<EstateAwsInstance> = {},
): EstateAwsInstance => ({ id, account: AWS_ACCOUNT, region: AWS_REGION, vpc: 'vpc-a', ip, tags, ...over });

/** A foreign GCP firewall in `project`'s vpc-a: SSH from anywhere to instances tagged `ssh`. */
export const gcpSshFromAnywhere = (project: string, over: Partial<EstateGcpFirewall> = {}): EstateGcpFirewall => ({
  name: 'allow-ssh',
  project,
  network: 'vpc-a',
  protocol: 'tcp',
  ports: ['22'],
  ranges: ['0.0.0.0/0'],
  targetTags: ['ssh'],
  ...over,
});

/** An estate holding `parts`, every list it does not name empty. */
export const estateOf = (parts: Partial<Estate>): Estate => ({
  aws: [],
  azure: [],
  gcp: [],
  awsSecurityGroups: [],
  gcpFirewalls: [],
  ...parts,
});
