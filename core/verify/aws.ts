/**
 * AWS native evaluator: does the security-group state on an ENI allow one side of a flow, and by
 * which rule? Pure: data in, verdict out; the state is indexed once by `prepareAws`.
 *
 * Semantics (CLOUD-FACTS.md §1.1, sources there: awsdocs/amazon-vpc-user-guide
 * `security-group-rules.md`, `VPC_SecurityGroups.md`):
 * - Security groups attach to ENIs; the rules of every group on the ENI are aggregated into one
 *   set: a flow is allowed iff SOME allow rule of SOME group matches. There are no deny rules and
 *   order is irrelevant. No matching rule = denied ("implied deny").
 * - Stateful: only the initiating direction is judged (ingress at the destination ENI, egress at
 *   the source ENI).
 * - Rules filter on the destination port only. `IpProtocol` '-1' = every protocol and port;
 *   tcp/udp (or 6/17) match FromPort..ToPort; 'icmp' (1) matches ICMP to IPv4 addresses and
 *   'icmpv6' (58) ICMP to IPv6 addresses. A rule restricted to one ICMP type still counts as
 *   allowing "icmp": some ICMP passes, so verify must not call the flow denied (never under-report
 *   an opening). Other protocol numbers never match tcp/udp/icmp flows.
 * - Peers: `IpRanges`/`Ipv6Ranges` contain the peer address; `PrefixListIds` = some entry of that
 *   managed prefix list contains it; `UserIdGroupPairs` (security-group reference) = the peer is an
 *   ENI in the SAME VPC as the judged ENI, member of that group, and the peer address is one of
 *   that ENI's private addresses (IPv4 or IPv6). Peered-VPC references are not modelled (segsync
 *   compiles cross-VPC peers to prefix lists, DESIGN.md §3), so they never match here. VPC ids are
 *   unique across accounts and Regions, so comparing them is enough.
 * - A group id on an ENI that the state does not hold contributes no rules; an unknown prefix list
 *   matches nothing. An unknown judged ENI is a programming error and throws.
 */
import type { Family } from '../model/address.ts';
import type { AwsIpPermission, AwsNetworkInterface, AwsSecurityGroup, AwsState } from '../model/native/aws.ts';
import {
  IpCache,
  MAX_PORT,
  PairMemo,
  addrRanges,
  inRanges,
  portText,
  type AddrRange,
  type Ip,
  type NativeEndpoint,
  type NativeEvaluator,
  type NativeFlow,
  type NativeObject,
  type Side,
  type Verdict,
  protoMatches,
  type ProtoMatch,
} from './flow.ts';

type Peer = { kind: 'cidrs'; ranges: AddrRange[]; text: string } | { kind: 'group'; groupId: string; text: string };

/** The permissions whose peer matches one pair of endpoints, each with the first matching peer. */
interface PairMatch {
  family: Family;
  hits: Array<{ perm: Permission; peer: Peer }>;
}

interface Permission {
  proto: ProtoMatch;
  peers: Peer[];
  /** `sg-0a1 (web) ingress tcp 443` */
  label: string;
  object: NativeObject;
}

/**
 * Index AWS state once (ENIs, groups, prefix lists); permissions per ENI are compiled on first use.
 * @example
 * const aws = prepareAws(state);
 * aws.ingress({ src: { address: '10.0.2.5', attachment: 'eni-b' }, dst: { address: '10.0.1.5', attachment: 'eni-a' }, protocol: 'tcp', port: 443 });
 */
export function prepareAws(state: AwsState): NativeEvaluator {
  return new AwsEvaluator(state);
}

class AwsEvaluator implements NativeEvaluator {
  private readonly ips = new IpCache();
  private readonly enis: Map<string, AwsNetworkInterface>;
  private readonly groups: Map<string, AwsSecurityGroup>;
  private readonly prefixLists: Map<string, AddrRange[]>;
  private readonly compiled = new Map<AwsNetworkInterface, { ingress?: Permission[]; egress?: Permission[] }>();
  /** Per group: ENIs share groups, so each group's permissions are compiled once. */
  private readonly groupPermissions = new Map<AwsSecurityGroup, { ingress?: Permission[]; egress?: Permission[] }>();
  private readonly memo = new PairMemo<PairMatch>();

  constructor(state: AwsState) {
    this.enis = new Map(state.NetworkInterfaces.map((e) => [e.NetworkInterfaceId, e]));
    this.groups = new Map(state.SecurityGroups.map((g) => [g.GroupId, g]));
    this.prefixLists = new Map(
      state.PrefixLists.map((p) => [p.PrefixListId, addrRanges(p.Entries.map((e) => e.Cidr))]),
    );
  }

  ingress(flow: NativeFlow): Verdict {
    return this.judge('ingress', flow);
  }

  egress(flow: NativeFlow): Verdict {
    return this.judge('egress', flow);
  }

  /** The union of every group's rules on the ENI: the first matching rule (in group, rule, peer order) is named. */
  private judge(side: Side, flow: NativeFlow): Verdict {
    const here = side === 'ingress' ? flow.dst : flow.src;
    const there = side === 'ingress' ? flow.src : flow.dst;
    const eni = here.attachment === undefined ? undefined : this.enis.get(here.attachment);
    if (eni === undefined)
      throw new Error(
        `AWS ${side} check needs a known ENI, got ${here.attachment ?? 'no attachment'} for ${here.address}`,
      );
    const { family, hits } = this.memo.get(side, here, there, () => this.pairMatch(side, eni, here, there));
    for (const { perm, peer } of hits) {
      if (protoMatches(perm.proto, flow, family))
        return {
          allowed: true,
          by: `${perm.label} ${side === 'ingress' ? 'from' : 'to'} ${peer.text}`,
          object: perm.object,
        };
    }
    const ids = eni.Groups.map((g) => g.GroupId).join(', ') || 'no groups';
    return { allowed: false, by: `implied deny ${side} at ${eni.NetworkInterfaceId} (no rule of ${ids} allows it)` };
  }

  private pairMatch(side: Side, eni: AwsNetworkInterface, here: NativeEndpoint, there: NativeEndpoint): PairMatch {
    const ip = this.ips.parse(there.address);
    const hits: PairMatch['hits'] = [];
    for (const perm of this.permissions(side, eni)) {
      const peer = perm.peers.find((p) => this.peerMatches(p, there, ip, eni));
      if (peer !== undefined) hits.push({ perm, peer });
    }
    return { family: ip?.family ?? this.ips.parse(here.address)?.family ?? 'ipv4', hits };
  }

  private permissions(side: Side, eni: AwsNetworkInterface): Permission[] {
    const entry = this.compiled.get(eni) ?? {};
    this.compiled.set(eni, entry);
    return (entry[side] ??= eni.Groups.flatMap((ref) => {
      const sg = this.groups.get(ref.GroupId);
      return sg === undefined ? [] : this.groupPermissionsOf(sg, side);
    }));
  }

  private groupPermissionsOf(sg: AwsSecurityGroup, side: Side): Permission[] {
    const entry = this.groupPermissions.get(sg) ?? {};
    this.groupPermissions.set(sg, entry);
    return (entry[side] ??= (side === 'ingress' ? sg.IpPermissions : sg.IpPermissionsEgress).map((p) =>
      compilePermission(sg, side, p, this.prefixLists),
    ));
  }

  /** A group reference matches a same-VPC member ENI sending from (or to) one of its own private addresses. */
  private peerMatches(peer: Peer, ep: NativeEndpoint, ip: Ip | undefined, judged: AwsNetworkInterface): boolean {
    if (peer.kind === 'cidrs') return inRanges(peer.ranges, ip);
    const other = ep.attachment === undefined ? undefined : this.enis.get(ep.attachment);
    return (
      other !== undefined &&
      other.VpcId === judged.VpcId &&
      other.Groups.some((g) => g.GroupId === peer.groupId) &&
      eniAddresses(other).some((a) => this.ips.same(a, ep.address))
    );
  }
}

/** Ingress at `flow.dst.attachment` (an ENI id). Prepares the state on every call: use prepareAws in loops. */
export function awsIngress(state: AwsState, flow: NativeFlow): Verdict {
  return prepareAws(state).ingress(flow);
}

/** Egress at `flow.src.attachment` (an ENI id). Prepares the state on every call: use prepareAws in loops. */
export function awsEgress(state: AwsState, flow: NativeFlow): Verdict {
  return prepareAws(state).egress(flow);
}

function eniAddresses(eni: AwsNetworkInterface): string[] {
  return [
    eni.PrivateIpAddress,
    ...eni.PrivateIpAddresses.map((a) => a.PrivateIpAddress),
    ...eni.Ipv6Addresses.map((a) => a.Ipv6Address),
  ];
}

function compilePermission(
  sg: AwsSecurityGroup,
  side: Side,
  p: AwsIpPermission,
  prefixLists: Map<string, AddrRange[]>,
): Permission {
  const peers: Peer[] = [
    ...p.IpRanges.map((r): Peer => ({ kind: 'cidrs', ranges: addrRanges([r.CidrIp]), text: r.CidrIp })),
    ...p.Ipv6Ranges.map((r): Peer => ({ kind: 'cidrs', ranges: addrRanges([r.CidrIpv6]), text: r.CidrIpv6 })),
    ...p.PrefixListIds.map((r): Peer => ({
      kind: 'cidrs',
      ranges: prefixLists.get(r.PrefixListId) ?? [],
      text: r.PrefixListId,
    })),
    ...p.UserIdGroupPairs.map((r): Peer => ({ kind: 'group', groupId: r.GroupId, text: r.GroupId })),
  ];
  const proto = protoOf(p);
  return {
    proto,
    peers,
    label: `${sg.GroupId} (${sg.GroupName}) ${side} ${protoLabel(p, proto)}`,
    object: { kind: 'aws-security-group', id: sg.GroupId, name: sg.GroupName },
  };
}

function protoOf(p: AwsIpPermission): ProtoMatch {
  const name = p.IpProtocol.toLowerCase();
  if (name === '-1' || name === 'all') return { kind: 'all' };
  if (name === 'tcp' || name === '6' || name === 'udp' || name === '17') {
    const from = p.FromPort ?? 0;
    const to = p.ToPort ?? MAX_PORT;
    return { kind: name === 'tcp' || name === '6' ? 'tcp' : 'udp', ranges: [[from, to]] };
  }
  if (name === 'icmp' || name === '1') return { kind: 'icmp', family: 'ipv4' };
  if (name === 'icmpv6' || name === '58') return { kind: 'icmp', family: 'ipv6' };
  return { kind: 'none' };
}

function protoLabel(p: AwsIpPermission, proto: ProtoMatch): string {
  if (proto.kind === 'all') return 'all';
  if (proto.kind === 'tcp' || proto.kind === 'udp') return `${proto.kind}${portText(proto.ranges)}`;
  const name = proto.kind === 'icmp' ? (proto.family === 'ipv4' ? 'icmp' : 'icmpv6') : `protocol ${p.IpProtocol}`;
  const type = p.FromPort !== undefined && p.FromPort !== -1 ? ` type ${p.FromPort}` : '';
  return `${name}${type}`;
}
