/**
 * Reads one AWS scope (account + Region) into core models (STYLE G3, G14): instances become
 * Workloads (the ID FORMATS of core/model/inventory.ts), and the native state is returned in the
 * EC2 shapes the planner and verify read.
 *
 * - Terminated instances are skipped; every other state is inventory (a stopped instance keeps
 *   its ENIs, and its segment must already be in place when it starts).
 * - Attachments are ENIs in device order; groups hang there, not on the instance, and only the
 *   ENI reflects group changes (CLOUD-FACTS §1.1, §7). Addresses: every private IPv4 of every ENI,
 *   primary first, then every IPv6.
 * - State holds ALL security groups (foreign ones too: findings and verify need them), all ENIs
 *   and all customer-managed prefix lists of the scope.
 */
import { awsNetworkId, awsScope, workloadId } from '../../core/model/ids.ts';
import type { Attachment, Workload } from '../../core/model/inventory.ts';
import type { AwsInstance, AwsNetworkInterface, AwsState } from '../../core/model/native/aws.ts';
import { normalizeLabels } from '../../core/policy/labels.ts';
import type { Ec2Api } from './api.ts';
import { classifyAwsError } from './errors.ts';

export async function readAwsInventory(api: Ec2Api): Promise<Workload[]> {
  try {
    const [instances, enis] = await Promise.all([api.describeInstances(), api.describeNetworkInterfaces()]);
    const byId = new Map(enis.map((e) => [e.NetworkInterfaceId, e]));
    return instances
      .filter((i) => i.State.Name !== 'terminated')
      .map((i) => toWorkload(api, i, interfacesOf(i, byId, enis)))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  } catch (e) {
    throw classifyAwsError(e, {
      cloud: 'aws',
      kind: 'read-inventory',
      target: awsScope(api.scope),
    });
  }
}

export async function readAwsState(api: Ec2Api): Promise<AwsState> {
  try {
    const [SecurityGroups, NetworkInterfaces, PrefixLists] = await Promise.all([
      api.describeSecurityGroups(),
      api.describeNetworkInterfaces(),
      api.describeManagedPrefixLists(),
    ]);
    return { SecurityGroups, NetworkInterfaces, PrefixLists };
  } catch (e) {
    throw classifyAwsError(e, { cloud: 'aws', kind: 'read-state', target: awsScope(api.scope) });
  }
}

/** The instance's ENIs in device order (primary first); falls back to ENIs whose attachment names it. */
function interfacesOf(
  i: AwsInstance,
  byId: ReadonlyMap<string, AwsNetworkInterface>,
  all: readonly AwsNetworkInterface[],
): AwsNetworkInterface[] {
  const listed = [...i.NetworkInterfaces]
    .sort((a, b) => a.Attachment.DeviceIndex - b.Attachment.DeviceIndex)
    .map((n) => byId.get(n.NetworkInterfaceId))
    .filter((e): e is AwsNetworkInterface => e !== undefined);
  if (listed.length > 0) return listed;
  return all
    .filter((e) => e.Attachment?.InstanceId === i.InstanceId)
    .sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0));
}

function ipv4Of(e: AwsNetworkInterface): string[] {
  const rest = e.PrivateIpAddresses.filter((a) => !a.Primary && a.PrivateIpAddress !== e.PrivateIpAddress).map(
    (a) => a.PrivateIpAddress,
  );
  return [e.PrivateIpAddress, ...rest].filter((a) => a !== '');
}

function ipv6Of(e: AwsNetworkInterface): string[] {
  return e.Ipv6Addresses.map((a) => a.Ipv6Address);
}

function toWorkload(api: Ec2Api, i: AwsInstance, enis: AwsNetworkInterface[]): Workload {
  const { account, region } = api.scope;
  const normalized = normalizeLabels('aws', i.Tags);
  const attachments: Attachment[] = enis.map((e) => ({
    id: e.NetworkInterfaceId,
    network: awsNetworkId(account, region, e.VpcId),
    addresses: [...ipv4Of(e), ...ipv6Of(e)],
  }));
  const ipv4 = enis.flatMap(ipv4Of);
  const primaryFirst =
    i.PrivateIpAddress && ipv4.includes(i.PrivateIpAddress)
      ? [i.PrivateIpAddress, ...ipv4.filter((a) => a !== i.PrivateIpAddress)]
      : ipv4;
  return {
    id: workloadId({ cloud: 'aws', account, region, instance: i.InstanceId }),
    nativeId: i.InstanceId,
    cloud: 'aws',
    location: { cloud: 'aws', account, region },
    network: awsNetworkId(account, region, i.VpcId),
    labels: normalized.labels,
    addresses: [...primaryFirst, ...enis.flatMap(ipv6Of)],
    publicAddresses: [],
    attachments,
    managed: true,
    labelProblems: normalized.problems,
  };
}
