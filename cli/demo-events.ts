/**
 * The demo's changes to the world: one re-tag per cloud (with the event that cloud sends), and an
 * owned rule deleted by hand. Instances are picked from the estate, so another estate still works.
 */
import type { WorkloadRef } from '../core/model/ids.ts';
import { parseAwsScope, parseWorkloadId } from '../core/model/ids.ts';
import type { Workload } from '../core/model/inventory.ts';
import { AWS_LOCATION_TAG, isOwnedAws } from '../core/ownership.ts';
import type { Sandbox } from '../adapters/sandbox/index.ts';
import { awsTagChange, azureTagsWrite, gcpSetLabelsPush, sqsBatch } from '../functions/events/emit.ts';

export interface DemoRetag {
  ref: WorkloadRef;
  what: string;
  via: string;
  apply: (sandbox: Sandbox) => void;
  event: () => unknown;
}

/** A prod web instance in AWS, a prod db VM in Azure, a prod db instance in GCP, each moved to tier=app. */
export function demoRetags(workloads: readonly Workload[]): DemoRetag[] {
  const pick = (cloud: string, tier: string) =>
    workloads.find(
      (w) => w.cloud === cloud && w.labels.env === 'prod' && w.labels.tier === tier && w.labels.name === undefined,
    );
  const out: DemoRetag[] = [];
  const aws = pick('aws', 'web');
  const awsRef = aws && parseWorkloadId(aws.id);
  if (aws && awsRef?.cloud === 'aws')
    out.push({
      ref: awsRef,
      what: `AWS ${aws.nativeId}: tier=web → tier=app`,
      via: 'EventBridge "Tag Change on Resource" → SQS FIFO → aws-events handler',
      apply: (s) => s.aws.tagInstance(awsRef, awsRef.instance, { tier: 'app' }),
      event: () => sqsBatch([awsTagChange(awsRef, { ...aws.labels, tier: 'app' }, { tier: 'app' })]),
    });
  const azure = pick('azure', 'db');
  const azureRef = azure && parseWorkloadId(azure.id);
  if (azure && azureRef?.cloud === 'azure')
    out.push({
      ref: azureRef,
      what: `Azure ${azure.nativeId}: tier=db → tier=app`,
      via: 'Event Grid Microsoft.Resources/tags/write → HTTPS ingress /azure',
      apply: (s) => s.azure.tagVm(azure.location.account, azure.nativeId, { tier: 'app' }),
      event: () => azureTagsWrite(azureRef.vmId, 'ops@shop.example'),
    });
  const gcp = pick('gcp', 'db');
  const gcpRef = gcp && parseWorkloadId(gcp.id);
  if (gcp && gcpRef?.cloud === 'gcp')
    out.push({
      ref: gcpRef,
      what: `GCP ${gcp.nativeId}: tier=db → tier=app`,
      via: 'audit log setLabels → Pub/Sub push → HTTPS ingress /gcp',
      apply: (s) => s.gcp.setLabels(gcpRef.project, gcpRef.zone, gcpRef.instance, { tier: 'app' }),
      event: () => gcpSetLabelsPush(gcpRef, { ...gcp.labels, tier: 'app' }, 'ops@shop.example'),
    });
  return out;
}

/** Revokes the first ingress rule of an owned AWS group that has one, through the EC2 API. */
export async function editOwnedRuleByHand(
  sandbox: Sandbox,
  deploymentId: string,
): Promise<{ group: string; location: { cloud: 'aws'; location: string } } | undefined> {
  const group = sandbox
    .snapshot()
    .aws.SecurityGroups.find((g) => isOwnedAws(g.Tags, deploymentId) && g.IpPermissions.length > 0);
  const scope = group?.Tags.find((t) => t.Key === AWS_LOCATION_TAG)?.Value;
  const where = scope ? parseAwsScope(scope) : undefined;
  if (!group || !scope || !where) return undefined;
  await sandbox.aws
    .api(where)
    .revokeSecurityGroupIngress({ GroupId: group.GroupId, IpPermissions: [group.IpPermissions[0]!] });
  return { group: group.GroupName, location: { cloud: 'aws', location: scope } };
}
