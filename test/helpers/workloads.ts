/**
 * Workloads as each adapter's read.ts builds them, for compile and plan tests that need no
 * sandbox: ids, networks and attachment ids follow the adapters' formats.
 */
import type { Workload } from '../../core/model/inventory.ts';
import { normalizeLabels } from '../../core/policy/labels.ts';

export const AWS_ACCOUNT = '111111111111';
export const AWS_REGION = 'eu-west-1';

/** An AWS workload as adapters/aws/read.ts builds it: one ENI `eni-<name>` unless told otherwise. */
export function awsWorkload(
  name: string,
  vpc: string,
  ip: string,
  tags: Record<string, string>,
  o: { ipv6?: string; enis?: number; region?: string } = {},
): Workload {
  const region = o.region ?? AWS_REGION;
  const network = `aws:${AWS_ACCOUNT}:${region}:${vpc}`;
  const addresses = [ip, ...(o.ipv6 ? [o.ipv6] : [])];
  const attachments = Array.from({ length: o.enis ?? 1 }, (_, i) => ({
    id: i === 0 ? `eni-${name}` : `eni-${name}-${i}`,
    network,
    addresses: i === 0 ? addresses : [],
  }));
  return {
    id: `aws:${AWS_ACCOUNT}:${region}:i-${name}`,
    nativeId: `i-${name}`,
    cloud: 'aws',
    location: { cloud: 'aws', account: AWS_ACCOUNT, region },
    network,
    labels: normalizeLabels('aws', tags).labels,
    addresses,
    publicAddresses: [],
    attachments,
    managed: true,
    labelProblems: [],
  };
}

export const AZURE_SUB = 's1';
export const AZURE_NET = `/subscriptions/${AZURE_SUB}/resourceGroups/rg-net/providers/Microsoft.Network`;
export const azureVnetId = (vnet: string): string => `${AZURE_NET}/virtualNetworks/${vnet}`;

/** An Azure workload as adapters/azure/read.ts builds it: one NIC, IPv4 (+ IPv6) configurations. */
export function azureWorkload(
  name: string,
  ip: string,
  labels: Record<string, string>,
  o: { ipv6?: string; vnet?: string } = {},
): Workload {
  const network = `azure:${azureVnetId(o.vnet ?? 'vnet-a')}`;
  const nic = `/subscriptions/${AZURE_SUB}/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/${name}-nic0`;
  const attachments = [{ id: `${nic}/ipConfigurations/ipconfig1`, network, addresses: [ip] }];
  if (o.ipv6) attachments.push({ id: `${nic}/ipConfigurations/ipconfig-v6`, network, addresses: [o.ipv6] });
  return {
    id: `azure:/subscriptions/${AZURE_SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${name}`,
    nativeId: name,
    cloud: 'azure',
    location: { cloud: 'azure', account: AZURE_SUB, region: 'westeurope' },
    network,
    labels,
    addresses: [ip, ...(o.ipv6 ? [o.ipv6] : [])],
    publicAddresses: [],
    attachments,
    managed: true,
    labelProblems: [],
  };
}

export const GCP_PROJECT = 'shop';
/** The network path as GCP names it; workloads carry it as `gcp:<path>`. */
export const GCP_NET = `projects/${GCP_PROJECT}/global/networks/vpc`;

/** A GCP workload as adapters/gcp/read.ts builds it (nic0 first). */
export function gcpWorkload(
  name: string,
  ip: string,
  labels: Record<string, string>,
  o: { ipv6?: string; network?: string; zone?: string } = {},
): Workload {
  const zone = o.zone ?? 'europe-west1-b';
  const network = o.network ?? `gcp:${GCP_NET}`;
  const addresses = [ip, ...(o.ipv6 ? [o.ipv6] : [])];
  return {
    id: `gcp:${GCP_PROJECT}:${zone}:${name}`,
    nativeId: name,
    cloud: 'gcp',
    location: { cloud: 'gcp', account: GCP_PROJECT, region: 'europe-west1' },
    network,
    labels,
    addresses,
    publicAddresses: [],
    attachments: [{ id: `gcp:${GCP_PROJECT}/${zone}/${name}/nic0`, network, addresses }],
    managed: true,
    labelProblems: [],
  };
}
