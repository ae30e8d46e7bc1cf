/**
 * Every id format segsync builds or reads, with ONE build and ONE parse each (STYLE G6). Pure.
 *
 * Why one module: ids are how stages and clouds meet (inventory → compile → plan → adapters), so a
 * format written in one place and split by hand in another drifts. Parsers never throw, except
 * `awsVpcId`, whose callers treat a malformed network id as a programming error.
 *
 * ID FORMATS (see also core/model/inventory.ts):
 *   workload       aws:<account>:<region>:<instance-id> | azure:<VM ARM id> | gcp:<project>:<zone>:<name>
 *   network        aws:<account>:<region>:<vpc-id> | azure:<VNet ARM id> | gcp:projects/<p>/global/networks/<n>
 *   AWS scope      <account>/<region>   (step scope and the segsync:location tag)
 *   Azure resource /subscriptions/<s>/resourceGroups/<rg>/providers/<provider>/<type>/<name>
 *   GCP attachment gcp:<project>/<zone>/<instance>/<nic>
 */
import type { Cloud } from './cloud.ts';
import type { GcpInstance, GcpNetworkInterface } from './native/gcp.ts';

// ---- Workloads ------------------------------------------------------------------------------

export type WorkloadRef =
  | { cloud: 'aws'; account: string; region: string; instance: string }
  | { cloud: 'azure'; vmId: string }
  | { cloud: 'gcp'; project: string; zone: string; instance: string };

/** @example workloadId({ cloud: 'aws', account: '1', region: 'eu-west-1', instance: 'i-1' }); // 'aws:1:eu-west-1:i-1' */
export function workloadId(ref: WorkloadRef): string {
  if (ref.cloud === 'azure') return `azure:${ref.vmId}`;
  if (ref.cloud === 'aws') return `aws:${ref.account}:${ref.region}:${ref.instance}`;
  return `gcp:${ref.project}:${ref.zone}:${ref.instance}`;
}

/** @example parseWorkloadId('gcp:p:europe-west1-b:web-1'); // { cloud: 'gcp', project: 'p', zone: 'europe-west1-b', instance: 'web-1' } */
export function parseWorkloadId(id: string): WorkloadRef | undefined {
  const cloud = id.slice(0, id.indexOf(':')) as Cloud;
  const rest = id.slice(cloud.length + 1);
  if (cloud === 'azure') return rest.startsWith('/') ? { cloud, vmId: rest } : undefined;
  if (cloud !== 'aws' && cloud !== 'gcp') return undefined;
  const parts = rest.split(':');
  const [a, b, c] = parts;
  if (parts.length !== 3 || !a || !b || !c) return undefined;
  return cloud === 'aws' ? { cloud, account: a, region: b, instance: c } : { cloud, project: a, zone: b, instance: c };
}

// ---- AWS --------------------------------------------------------------------------------------

export interface AwsScopeRef {
  account: string;
  region: string;
}

/** `<account>/<region>`: the step scope and the segsync:location tag. */
export function awsScope(location: AwsScopeRef): string {
  return `${location.account}/${location.region}`;
}

/** @example parseAwsScope('111/eu-west-1'); // { account: '111', region: 'eu-west-1' } */
export function parseAwsScope(scope: string): AwsScopeRef | undefined {
  const parts = scope.split('/');
  const [account, region] = parts;
  if (parts.length !== 2 || !account || !region) return undefined;
  return { account, region };
}

export interface AwsNetworkRef extends AwsScopeRef {
  vpcId: string;
}

export function awsNetworkId(account: string, region: string, vpcId: string): string {
  return `aws:${account}:${region}:${vpcId}`;
}

/** @example parseAwsNetworkId('aws:111:eu-west-1:vpc-a'); // { account: '111', region: 'eu-west-1', vpcId: 'vpc-a' } */
export function parseAwsNetworkId(network: string): AwsNetworkRef | undefined {
  const parts = network.split(':');
  const [cloud, account, region, vpcId] = parts;
  if (parts.length !== 4 || cloud !== 'aws' || !account || !region || !vpcId) return undefined;
  return { account, region, vpcId };
}

/** The VPC id of a network id `aws:<account>:<region>:<vpc-id>`; anything else is a bug and throws. */
export function awsVpcId(network: string): string {
  const parts = network.split(':');
  if (parts.length !== 4 || parts[0] !== 'aws' || !parts[3]) throw new Error(`not an AWS network id: ${network}`);
  return parts[3];
}

/**
 * The network an AWS step groups under when it has no VPC of its own (a Regional prefix list):
 * `aws:<account>:<region>`.
 */
export function awsScopeNetwork(scope: string): string {
  return `aws:${scope.replace('/', ':')}`;
}

// ---- Azure ------------------------------------------------------------------------------------

export const AZURE_NETWORK_PROVIDER = 'Microsoft.Network';

/** ARM ids compare without case. */
export function armKey(id: string): string {
  return id.toLowerCase();
}

export interface ArmRef {
  subscription: string;
  resourceGroup: string;
  name: string;
}

/** @example armId('s', 'rg', 'networkSecurityGroups', 'n'); // '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n' */
export function armId(
  subscription: string,
  resourceGroup: string,
  type: string,
  name: string,
  provider: string = AZURE_NETWORK_PROVIDER,
): string {
  return `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/${provider}/${type}/${name}`;
}

/**
 * `/subscriptions/<s>/resourceGroups/<rg>/providers/.../<type>/<name>` → its parts; a missing part
 * is ''. Segment names match without case (ARM treats them so); the name is the last segment.
 */
export function armParts(id: string): ArmRef {
  const sub = /\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '';
  const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
  return { subscription: sub, resourceGroup: rg, name: id.slice(id.lastIndexOf('/') + 1) };
}

/** The cloud-qualified network id of a VNet: `azure:<VNet ARM id>`. */
export function azureNetworkId(vnetId: string): string {
  return `azure:${vnetId}`;
}

// ---- GCP --------------------------------------------------------------------------------------

/** What a GCP attachment id names. */
export interface GcpAttachmentRef {
  project: string;
  zone: string;
  instance: string;
  nic: string;
}

/** @example gcpAttachmentId({ project: 'p', zone: 'europe-west1-b', instance: 'web-1', nic: 'nic0' }); // 'gcp:p/europe-west1-b/web-1/nic0' */
export function gcpAttachmentId(ref: GcpAttachmentRef): string {
  return `gcp:${ref.project}/${ref.zone}/${ref.instance}/${ref.nic}`;
}

/** @example parseGcpAttachmentId('gcp:p/europe-west1-b/web-1/nic0'); // { project: 'p', zone: 'europe-west1-b', instance: 'web-1', nic: 'nic0' } */
export function parseGcpAttachmentId(id: string): GcpAttachmentRef | undefined {
  if (!id.startsWith('gcp:')) return undefined;
  const parts = id.slice(4).split('/');
  const [project, zone, instance, nic] = parts;
  if (parts.length !== 4 || !project || !zone || !instance || !nic) return undefined;
  return { project, zone, instance, nic };
}

/** @example gcpNetworkPath('https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc'); // 'projects/p/global/networks/vpc' */
export function gcpNetworkPath(network: string): string {
  return /projects\/[^/]+\/global\/networks\/[^/]+$/.exec(network)?.[0] ?? network;
}

/**
 * The cloud-qualified network id of a GCP network path or URL: `gcp:projects/<p>/global/networks/<n>`.
 * A project-relative `global/networks/<n>` takes `project` when given (an instance's own project).
 */
export function gcpNetworkId(network: string, project?: string): string {
  const path = gcpNetworkPath(network);
  if (project === undefined || path.startsWith('projects/')) return `gcp:${path}`;
  return `gcp:projects/${project}/global/networks/${path.slice(path.lastIndexOf('/') + 1)}`;
}

/** The zone name from `projects/<p>/zones/<z>`, a zone URL, or a bare zone. */
export function gcpZoneName(zone: string): string {
  return zone.slice(zone.lastIndexOf('/') + 1);
}

/** The instance's project: from its selfLink, else its zone path, else its primary network path. */
export function gcpInstanceProject(instance: GcpInstance): string | undefined {
  const from = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : /(?:^|\/)projects\/([^/]+)\//.exec(text)?.[1];
  return from(instance.selfLink) ?? from(instance.zone) ?? from(instance.networkInterfaces[0]?.network);
}

/** The attachment id of one NIC of an instance (project unknown → ''). */
export function gcpAttachmentOf(instance: GcpInstance, nic: GcpNetworkInterface): string {
  return gcpAttachmentId({
    project: gcpInstanceProject(instance) ?? '',
    zone: gcpZoneName(instance.zone),
    instance: instance.name,
    nic: nic.name,
  });
}
