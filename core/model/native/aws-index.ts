/**
 * The actual AWS state, indexed for planning: which groups and prefix lists this deployment owns
 * (core/ownership.ts), where they live, and their rules as units with owned peers named, so
 * desired and actual units compare by meaning (CLOUD-FACTS §1.4: never by description). Pure.
 *
 * EC2 shapes vary in spelling (protocol '6' or 'tcp', an IPv6 CIDR in any notation); units are
 * normalised here so a rule written by hand in another spelling is not mistaken for drift.
 */
import { compareStrings } from '../compare.ts';
import { canonicalCidr, ICMP_ALL, type AwsDirection, type AwsPeer, type AwsRuleUnit } from './aws-rules.ts';
import type { AwsIpPermission, AwsNetworkInterface, AwsPrefixList, AwsSecurityGroup, AwsState, AwsTag } from './aws.ts';
import { AWS_LOCATION_TAG, assertOwned, isOwnedAws, type Owned } from '../../ownership.ts';

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6', all: '-1' };

/** The name EC2 gives the group every VPC starts with; an ENI left without our groups falls back to it. */
export const DEFAULT_GROUP_NAME = 'default';

export function scopeTag(tags: readonly AwsTag[]): string | undefined {
  return tags.find((t) => t.Key === AWS_LOCATION_TAG)?.Value;
}

export class AwsActualIndex {
  readonly groupsById = new Map<string, AwsSecurityGroup>();
  /** Owned groups by `<vpc>\0<name>`. */
  readonly ownedGroups = new Map<string, Owned<AwsSecurityGroup>>();
  /** Owned prefix lists by `<scope>\0<name>`. */
  readonly ownedPrefixLists = new Map<string, Owned<AwsPrefixList>>();
  readonly prefixListsById = new Map<string, AwsPrefixList>();
  readonly interfaces = new Map<string, AwsNetworkInterface>();

  constructor(
    readonly state: AwsState,
    readonly deploymentId: string,
  ) {
    const owned = (tags: AwsTag[]) => isOwnedAws(tags, deploymentId);
    for (const g of state.SecurityGroups) {
      this.groupsById.set(g.GroupId, g);
      if (owned(g.Tags))
        this.ownedGroups.set(
          groupKey(g.VpcId, g.GroupName),
          assertOwned(g, (x) => owned(x.Tags), `security group ${g.GroupId}`),
        );
    }
    for (const p of state.PrefixLists) {
      this.prefixListsById.set(p.PrefixListId, p);
      const scope = scopeTag(p.Tags);
      if (owned(p.Tags) && scope !== undefined) {
        this.ownedPrefixLists.set(
          plKey(scope, p.PrefixListName),
          assertOwned(p, (x) => owned(x.Tags), `prefix list ${p.PrefixListId}`),
        );
      }
    }
    for (const e of state.NetworkInterfaces) this.interfaces.set(e.NetworkInterfaceId, e);
  }

  isOwnedGroupId(id: string): boolean {
    const g = this.groupsById.get(id);
    return g !== undefined && isOwnedAws(g.Tags, this.deploymentId);
  }

  /** The group's rules in one direction as canonical units, owned peers named. */
  units(g: AwsSecurityGroup, direction: AwsDirection): AwsRuleUnit[] {
    return (direction === 'ingress' ? g.IpPermissions : g.IpPermissionsEgress).flatMap((p) =>
      this.permissionUnits(p, g.VpcId),
    );
  }

  private permissionUnits(p: AwsIpPermission, vpcId: string): AwsRuleUnit[] {
    const protocol = PROTOCOL_NAMES[p.IpProtocol.toLowerCase()] ?? p.IpProtocol.toLowerCase();
    const ports = portsOf(protocol, p);
    const unit = (peer: AwsPeer, description: string | undefined): AwsRuleUnit => ({
      protocol,
      ...ports,
      peer,
      ...(description !== undefined ? { description } : {}),
    });
    return [
      ...p.IpRanges.map((r) => unit({ kind: 'cidr', cidr: canonicalCidr(r.CidrIp) }, r.Description)),
      ...p.Ipv6Ranges.map((r) => unit({ kind: 'cidr', cidr: canonicalCidr(r.CidrIpv6) }, r.Description)),
      ...p.PrefixListIds.map((r) => unit(this.prefixListPeer(r.PrefixListId), r.Description)),
      ...p.UserIdGroupPairs.map((r) => unit(this.groupPeer(r.GroupId, vpcId), r.Description)),
    ];
  }

  private groupPeer(id: string, vpcId: string): AwsPeer {
    const g = this.groupsById.get(id);
    const named = g !== undefined && g.VpcId === vpcId && isOwnedAws(g.Tags, this.deploymentId);
    return named ? { kind: 'group', name: g.GroupName, id } : { kind: 'group', id };
  }

  private prefixListPeer(id: string): AwsPeer {
    const p = this.prefixListsById.get(id);
    return p !== undefined && isOwnedAws(p.Tags, this.deploymentId)
      ? { kind: 'prefix-list', name: p.PrefixListName, id }
      : { kind: 'prefix-list', id };
  }

  /** Owned groups sorted by VPC then name (deterministic iteration). */
  sortedOwnedGroups(): Array<Owned<AwsSecurityGroup>> {
    return [...this.ownedGroups.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, g]) => g);
  }

  sortedOwnedPrefixLists(): Array<Owned<AwsPrefixList>> {
    return [...this.ownedPrefixLists.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, p]) => p);
  }
}

export function groupKey(vpcId: string, name: string): string {
  return `${vpcId}\u0000${name}`;
}

export function plKey(scope: string, name: string): string {
  return `${scope}\u0000${name}`;
}

function portsOf(protocol: string, p: AwsIpPermission): { fromPort?: number; toPort?: number } {
  if (protocol === 'tcp' || protocol === 'udp') return { fromPort: p.FromPort ?? 0, toPort: p.ToPort ?? 65535 };
  if (protocol === 'icmp' || protocol === 'icmpv6')
    return { fromPort: p.FromPort ?? ICMP_ALL, toPort: p.ToPort ?? ICMP_ALL };
  return {};
}
