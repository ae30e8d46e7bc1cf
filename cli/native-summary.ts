/** Counts of what segsync owns in each cloud, for the demo and the notes. */
import type { NativeState } from '../core/model/native/index.ts';
import { gcpPrefix, isOwnedAws, isOwnedAzure, isOwnedGcpFirewall } from '../core/ownership.ts';

export interface NativeCounts {
  aws: { securityGroups: number; rules: number; prefixLists: number; prefixListEntries: number; interfaces: number };
  azure: { networkSecurityGroups: number; rules: number; applicationSecurityGroups: number; nics: number };
  gcp: { firewalls: number; taggedInstances: number };
}

export function countOwned(state: NativeState, deploymentId: string): NativeCounts {
  const sgs = state.aws.SecurityGroups.filter((g) => isOwnedAws(g.Tags, deploymentId));
  const ownedIds = new Set(sgs.map((g) => g.GroupId));
  const units = (p: {
    IpRanges: unknown[];
    Ipv6Ranges: unknown[];
    PrefixListIds: unknown[];
    UserIdGroupPairs: unknown[];
  }) => p.IpRanges.length + p.Ipv6Ranges.length + p.PrefixListIds.length + p.UserIdGroupPairs.length;
  const pls = state.aws.PrefixLists.filter((p) => isOwnedAws(p.Tags, deploymentId));
  const nsgs = state.azure.networkSecurityGroups.filter((n) => isOwnedAzure(n.tags, deploymentId));
  const nsgIds = new Set(nsgs.map((n) => n.id.toLowerCase()));
  const firewalls = state.gcp.firewalls.filter((f) => isOwnedGcpFirewall(f, deploymentId));
  return {
    aws: {
      securityGroups: sgs.length,
      rules: sgs.reduce(
        (n, g) => n + [...g.IpPermissions, ...g.IpPermissionsEgress].reduce((m, p) => m + units(p), 0),
        0,
      ),
      prefixLists: pls.length,
      prefixListEntries: pls.reduce((n, p) => n + p.Entries.length, 0),
      interfaces: state.aws.NetworkInterfaces.filter((e) => e.Groups.some((g) => ownedIds.has(g.GroupId))).length,
    },
    azure: {
      networkSecurityGroups: nsgs.length,
      rules: nsgs.reduce((n, g) => n + g.properties.securityRules.length, 0),
      applicationSecurityGroups: state.azure.applicationSecurityGroups.filter((a) => isOwnedAzure(a.tags, deploymentId))
        .length,
      nics: state.azure.networkInterfaces.filter((n) =>
        nsgIds.has(n.properties.networkSecurityGroup?.id.toLowerCase() ?? ''),
      ).length,
    },
    gcp: {
      firewalls: firewalls.length,
      taggedInstances: state.gcp.instances.filter((i) =>
        (i.tags.items ?? []).some((t) => t.startsWith(gcpPrefix(deploymentId))),
      ).length,
    },
  };
}

export function renderCounts(c: NativeCounts): string {
  return [
    `aws    ${c.aws.securityGroups} security groups (${c.aws.rules} rules), ${c.aws.prefixLists} prefix lists (${c.aws.prefixListEntries} entries), ${c.aws.interfaces} ENIs attached`,
    `azure  ${c.azure.networkSecurityGroups} NSGs (${c.azure.rules} rules), ${c.azure.applicationSecurityGroups} ASGs, ${c.azure.nics} NICs attached`,
    `gcp    ${c.gcp.firewalls} firewall rules, ${c.gcp.taggedInstances} instances tagged`,
  ].join('\n');
}
