/**
 * GCP native evaluator: do the VPC firewall rules of an instance's network allow one side of a
 * flow, and by which rule? Pure: data in, verdict out; the state is indexed once by `prepareGcp`.
 * The GCP attachment id format and its helpers live in core/model/ids.ts.
 *
 * Semantics (CLOUD-FACTS.md §3.1-3.2, sources there: cloud.google.com/firewall/docs/firewalls,
 * cloud.google.com/vpc/docs/firewalls, Compute API `Firewall` field docs in specs/gcp):
 * - The rules of the NIC's VPC network apply; networks compare by their trailing
 *   `projects/<p>/global/networks/<n>` path, so full URLs and partial paths are equal.
 * - A rule applies to the instance if it is not disabled and has no targetTags or shares a tag
 *   with the instance. Target service accounts are not in the model.
 * - INGRESS source: sourceRanges contain the source address, OR sourceTags share a tag with the
 *   source instance AND that instance's primary NIC (nic0) is in the same network with the source
 *   address as its networkIP (sourceTags "match the primary network interfaces of VM instances
 *   that have the tag and are in the same VPC network"). A rule with neither defaults to
 *   0.0.0.0/0, as the API does. Optional ingress destinationRanges must contain the destination.
 * - EGRESS destination: destinationRanges contain the destination address (absent = 0.0.0.0/0);
 *   optional egress sourceRanges must contain the source address. Egress has no tag peers.
 * - Protocols 'all', 'tcp' (6), 'udp' (17) with ports '443' / '80-90' (absent = every port),
 *   'icmp' (1) = ICMP to IPv4 only, '58' / 'ipv6-icmp' = ICMP to IPv6. Others never match.
 * - The highest-priority (lowest number) matching rule decides; at equal priority deny beats
 *   allow. Nothing matches → implied rules: deny ingress, allow egress. Stateful: only the
 *   initiating direction is judged. Firewall policies (§3.2) are not in the model.
 * An unknown judged instance or NIC is a programming error and throws.
 */
import { compareStrings } from '../model/compare.ts';
import type { Family } from '../model/address.ts';
import { gcpAttachmentOf, gcpNetworkPath } from '../model/ids.ts';
import type { GcpFirewall, GcpInstance, GcpNetworkInterface, GcpState } from '../model/native/gcp.ts';
import {
  IpCache,
  MAX_PORT,
  PairMemo,
  addrRanges,
  inRanges,
  parsePortRange,
  portText,
  type AddrRange,
  type NativeEndpoint,
  type NativeEvaluator,
  type NativeFlow,
  type Side,
  type Verdict,
  protoMatches,
  type ProtoMatch,
} from './flow.ts';

type Proto = ProtoMatch;

interface Fw {
  rule: GcpFirewall;
  allow: boolean;
  targetTags: string[];
  protos: Proto[];
  /** INGRESS: the source set; EGRESS: the destination set. */
  peerRanges: AddrRange[];
  sourceTags: string[];
  /** INGRESS destinationRanges / EGRESS sourceRanges, when given. */
  localRanges: AddrRange[] | undefined;
}

interface Nic {
  instance: GcpInstance;
  nic: GcpNetworkInterface;
  network: string;
  tags: string[];
}

/** The API's default source (ingress) or destination (egress) when a rule names none. */
const IPV4_ANY = addrRanges(['0.0.0.0/0']);

/** The rules that apply to one judged NIC and whose addresses match one pair, in decision order. */
interface PairMatch {
  network: string;
  family: Family;
  rules: Fw[];
}

/**
 * Index GCP state once: instances by attachment id, firewall rules by network, in decision order.
 * @example
 * const gcp = prepareGcp(state);
 * gcp.ingress({ src: { address: '10.2.0.9' }, dst: { address: '10.2.0.5', attachment: 'gcp:p/us-east1-b/web-1/nic0' }, protocol: 'tcp', port: 443 });
 */
export function prepareGcp(state: GcpState): NativeEvaluator {
  return new GcpEvaluator(state);
}

class GcpEvaluator implements NativeEvaluator {
  private readonly ips = new IpCache();
  private readonly memo = new PairMemo<PairMatch>();
  private readonly nics = new Map<string, Nic>();
  /** `network path` + direction → rules sorted by priority, deny first on ties, then name. */
  private readonly rules = new Map<string, Fw[]>();
  private readonly applyingMemo = new Map<string, Fw[]>();

  constructor(state: GcpState) {
    for (const instance of state.instances) {
      for (const nic of instance.networkInterfaces) {
        this.nics.set(gcpAttachmentOf(instance, nic), {
          instance,
          nic,
          network: gcpNetworkPath(nic.network),
          tags: instance.tags.items ?? [],
        });
      }
    }
    for (const rule of state.firewalls) {
      if (rule.disabled === true) continue;
      const key = `${gcpNetworkPath(rule.network)}\u0000${rule.direction}`;
      this.rules.set(key, [...(this.rules.get(key) ?? []), compileFirewall(rule)]);
    }
    for (const list of this.rules.values()) list.sort(decisionOrder);
  }

  ingress(flow: NativeFlow): Verdict {
    return this.judge('ingress', flow);
  }

  egress(flow: NativeFlow): Verdict {
    return this.judge('egress', flow);
  }

  private judge(side: Side, flow: NativeFlow): Verdict {
    const [here, there] = side === 'ingress' ? [flow.dst, flow.src] : [flow.src, flow.dst];
    const nic = this.nicOf(here);
    if (nic === undefined)
      throw new Error(
        `GCP ${side} check needs a known instance NIC, got ${here.attachment ?? 'no attachment'} for ${here.address}`,
      );
    const { network, family, rules } = this.memo.get(side, here, there, () => this.pairMatch(side, nic, here, there));
    for (const fw of rules) {
      const proto = fw.protos.find((p) => protoMatches(p, flow, family));
      if (proto === undefined) continue;
      const action = fw.allow ? 'allow' : 'deny';
      return {
        allowed: fw.allow,
        by: `firewall ${fw.rule.name} (priority ${fw.rule.priority}, ${action} ${side} ${protoLabel(proto)})`,
        object: { kind: 'gcp-firewall', id: fw.rule.id ?? fw.rule.name, name: fw.rule.name },
      };
    }
    return side === 'ingress'
      ? { allowed: false, by: `implied deny ingress (no firewall rule of ${network} matched)` }
      : { allowed: true, by: `implied allow egress (no firewall rule of ${network} matched)` };
  }

  /** Target tags, the judged end's own ranges and the peer (ranges or source tags): all port-independent. */
  private pairMatch(side: Side, nic: Nic, here: NativeEndpoint, there: NativeEndpoint): PairMatch {
    const peerIp = this.ips.parse(there.address);
    const localIp = this.ips.parse(here.address);
    const rules = this.applying(side, nic, here).filter(
      (fw) => inRanges(fw.peerRanges, peerIp) || (side === 'ingress' && this.sourceTagMatches(fw, there, nic.network)),
    );
    return { network: nic.network, family: peerIp?.family ?? localIp?.family ?? 'ipv4', rules };
  }

  /**
   * The rules of the network that apply to the judged end (target tags, its own ranges), in
   * decision order: a function of that end alone, so computed once per end, not once per pair.
   */
  private applying(side: Side, nic: Nic, here: NativeEndpoint): Fw[] {
    const key = `${side}\u0000${here.attachment ?? ''}\u0000${here.address}`;
    let rules = this.applyingMemo.get(key);
    if (rules === undefined) {
      const localIp = this.ips.parse(here.address);
      const candidates = this.rules.get(`${nic.network}\u0000${side === 'ingress' ? 'INGRESS' : 'EGRESS'}`) ?? [];
      rules = candidates.filter(
        (fw) =>
          (fw.targetTags.length === 0 || fw.targetTags.some((t) => nic.tags.includes(t))) &&
          (fw.localRanges === undefined || inRanges(fw.localRanges, localIp)),
      );
      this.applyingMemo.set(key, rules);
    }
    return rules;
  }

  private nicOf(ep: NativeEndpoint): Nic | undefined {
    return ep.attachment === undefined ? undefined : this.nics.get(ep.attachment);
  }

  /** The source is an instance with a source tag, sending from its primary NIC's address in this network. */
  private sourceTagMatches(fw: Fw, src: NativeEndpoint, network: string): boolean {
    if (fw.sourceTags.length === 0) return false;
    const nic = this.nicOf(src);
    const primary = nic?.instance.networkInterfaces[0];
    return (
      nic !== undefined &&
      primary !== undefined &&
      gcpNetworkPath(primary.network) === network &&
      this.ips.same(primary.networkIP, src.address) &&
      fw.sourceTags.some((t) => nic.tags.includes(t))
    );
  }
}

/** Ingress at `flow.dst.attachment`. Prepares on every call: use prepareGcp in loops. */
export function gcpIngress(state: GcpState, flow: NativeFlow): Verdict {
  return prepareGcp(state).ingress(flow);
}

/** Egress at `flow.src.attachment`. Prepares on every call: use prepareGcp in loops. */
export function gcpEgress(state: GcpState, flow: NativeFlow): Verdict {
  return prepareGcp(state).egress(flow);
}

function decisionOrder(a: Fw, b: Fw): number {
  if (a.rule.priority !== b.rule.priority) return a.rule.priority - b.rule.priority;
  if (a.allow !== b.allow) return a.allow ? 1 : -1;
  return compareStrings(a.rule.name, b.rule.name);
}

function compileFirewall(rule: GcpFirewall): Fw {
  const ingress = rule.direction === 'INGRESS';
  const sourceTags = ingress ? (rule.sourceTags ?? []) : [];
  const peerTexts = ingress ? rule.sourceRanges : rule.destinationRanges;
  const localTexts = ingress ? rule.destinationRanges : rule.sourceRanges;
  const defaulted = (peerTexts === undefined || peerTexts.length === 0) && sourceTags.length === 0;
  return {
    rule,
    allow: rule.denied === undefined || rule.denied.length === 0,
    targetTags: rule.targetTags ?? [],
    protos: (rule.allowed?.length ? rule.allowed : (rule.denied ?? [])).map((p) => protoOf(p.IPProtocol, p.ports)),
    peerRanges: defaulted ? IPV4_ANY : addrRanges(peerTexts ?? []),
    sourceTags,
    localRanges: localTexts === undefined || localTexts.length === 0 ? undefined : addrRanges(localTexts),
  };
}

function protoOf(name: string, ports: string[] | undefined): Proto {
  const n = name.toLowerCase();
  if (n === 'all') return { kind: 'all' };
  if (n === 'tcp' || n === '6' || n === 'udp' || n === '17') {
    const ranges =
      ports === undefined || ports.length === 0
        ? [[0, MAX_PORT] as const]
        : ports.map(parsePortRange).filter((r) => r !== undefined);
    return { kind: n === 'tcp' || n === '6' ? 'tcp' : 'udp', ranges };
  }
  if (n === 'icmp' || n === '1') return { kind: 'icmp', family: 'ipv4' };
  if (n === '58' || n === 'ipv6-icmp') return { kind: 'icmp', family: 'ipv6' };
  return { kind: 'none' };
}

function protoLabel(p: Proto): string {
  switch (p.kind) {
    case 'all':
      return 'all';
    case 'icmp':
      return p.family === 'ipv4' ? 'icmp' : 'ipv6-icmp';
    case 'none':
      return 'other';
    default:
      return `${p.kind}${portText(p.ranges)}`;
  }
}
