/**
 * Azure native evaluator: do the NSGs on a NIC IP configuration and its subnet allow one side of
 * a flow, and by which rule? Pure: data in, verdict out; the state is indexed once by
 * `prepareAzure`.
 *
 * Semantics (CLOUD-FACTS.md §2.1-2.2, sources there: MicrosoftDocs/azure-docs
 * `network-security-groups-overview.md`, `network-security-group-how-it-works.md`,
 * `service-tags-overview.md`, `application-security-groups.md`):
 * - Up to one NSG on the subnet and one on the NIC. Inbound: subnet NSG, then NIC NSG; outbound:
 *   NIC NSG, then subnet NSG; BOTH must allow. A level without an NSG allows.
 * - Within an NSG: custom rules plus the default rules (`defaultSecurityRules` when the state has
 *   them, else the six documented defaults), lowest priority number first, FIRST match wins,
 *   Allow or Deny. Stateful: only the initiating direction is judged.
 * - Protocol 'Tcp' | 'Udp' | 'Icmp' | '*' (case-insensitive). 'Icmp' is taken to cover ICMPv6 too
 *   (NSGs have no separate ICMPv6 protocol) [?]; Esp/Ah never match a tcp/udp/icmp flow.
 * - Ports: '*', '443', '80-90' and lists; ignored for ICMP. Source ports are ephemeral and unknown,
 *   so a rule matches only if its source port range is '*'. An absent port or address field (no
 *   prefix and no ASG) means '*'; ARM always returns them, so this only affects hand-built state.
 * - Addresses: '*', a CIDR or bare IP, or a service tag. `VirtualNetwork` is modelled as every
 *   address of every NIC IP configuration in the same VNet as the judged NIC, plus every address
 *   inside the optional `virtualNetworkPrefixes` (VNet address spaces, peers, on-prem: the state
 *   does not hold them; see service-tags-overview). `Internet` = not VirtualNetwork.
 *   `AzureLoadBalancer` = 168.63.129.16 only. Other service tags match nothing. ASGs match when the
 *   endpoint's IP configuration (its attachment, with that very address) is a member.
 * - ARM ids are case-insensitive: ids are compared lowercased. An unknown judged IP configuration
 *   or NSG id is a programming error and throws.
 */
import { parseAddress } from '../model/address.ts';
import type {
  AzureIpConfiguration,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureState,
} from '../model/native/azure.ts';
import { vnetOfSubnet } from '../model/native/azure.ts';
import {
  IpCache,
  PairMemo,
  addrRanges,
  inRanges,
  parsePortRange,
  portsCover,
  type AddrRange,
  type Ip,
  type NativeEndpoint,
  type NativeEvaluator,
  type NativeFlow,
  type NativeObject,
  type Verdict,
} from './flow.ts';

/** The platform address behind the `AzureLoadBalancer` tag (CLOUD-FACTS.md §2.1). */
export const AZURE_LOAD_BALANCER_ADDRESS = '168.63.129.16';

type Direction = 'Inbound' | 'Outbound';
const rule = (
  name: string,
  priority: number,
  direction: Direction,
  access: 'Allow' | 'Deny',
  src: string,
  dst: string,
): AzureSecurityRule => ({
  name,
  properties: {
    protocol: '*',
    sourcePortRange: '*',
    destinationPortRange: '*',
    sourceAddressPrefix: src,
    destinationAddressPrefix: dst,
    access,
    priority,
    direction,
  },
});

/** The six default rules every NSG has (network-security-groups-overview.md "Default security rules"). */
export const AZURE_DEFAULT_RULES: readonly AzureSecurityRule[] = [
  rule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  rule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
  rule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
  rule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  rule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
  rule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
];

interface AddrMatch {
  any: boolean;
  ranges: AddrRange[];
  tags: string[];
  asgs: Set<string>;
}

interface Rule {
  allow: boolean;
  protocol: string;
  sourcePortsAny: boolean;
  ports: Array<readonly [number, number]>;
  src: AddrMatch;
  dst: AddrMatch;
  label: string;
}

interface IpConfig {
  ipc: AzureIpConfiguration;
  nic: AzureNetworkInterface;
  vnet: string;
  asgs: string[];
  /** The NSG levels in evaluation order per direction, resolved on first use. */
  levels?: Partial<Record<Direction, Level[]>>;
}

interface Level {
  nsg: AzureNetworkSecurityGroup;
  rules: Rule[];
}

/** One end of a judged flow, with its IP configuration if it is a known attachment. */
interface End {
  ep: NativeEndpoint;
  ip: Ip | undefined;
  config: IpConfig | undefined;
}

export interface AzureOptions {
  /** CIDRs that count as `VirtualNetwork` beyond NIC addresses (VNet spaces, peered VNets, on-prem). */
  virtualNetworkPrefixes?: readonly string[];
}

const lower = (s: string): string => s.toLowerCase();
const ipKey = (ip: Ip): string => `${ip.family}:${ip.value}`;
const LOAD_BALANCER_KEY = ((): string => {
  const parsed = parseAddress(AZURE_LOAD_BALANCER_ADDRESS);
  return parsed.ok ? ipKey(parsed.value) : '';
})();

/**
 * Index Azure state once; NSGs are compiled on first use.
 * @example
 * const azure = prepareAzure(state, { virtualNetworkPrefixes: ['10.1.0.0/16'] });
 * azure.ingress({ src: { address: '10.1.2.4' }, dst: { address: '10.1.1.4', attachment: ipConfigId }, protocol: 'tcp', port: 443 });
 */
export function prepareAzure(state: AzureState, options: AzureOptions = {}): NativeEvaluator {
  return new AzureEvaluator(state, options);
}

class AzureEvaluator implements NativeEvaluator {
  private readonly ips = new IpCache();
  /** IP configuration id, as given and lowercased → the configuration. */
  private readonly configs = new Map<string, IpConfig>();
  /** VNet id → `family:value` of every NIC IP configuration address in it. */
  private readonly vnetAddresses = new Map<string, Set<string>>();
  private readonly nsgs: Map<string, AzureNetworkSecurityGroup>;
  private readonly subnetNsg: Map<string, string>;
  private readonly prefixes: AddrRange[];
  private readonly compiled = new Map<AzureNetworkSecurityGroup, Partial<Record<Direction, Rule[]>>>();
  private readonly memo = new PairMemo<Level[]>();
  private readonly hereMemo = new Map<string, Level[]>();

  constructor(state: AzureState, options: AzureOptions) {
    for (const nic of state.networkInterfaces) {
      for (const ipc of nic.properties.ipConfigurations) {
        const vnet = lower(vnetOfSubnet(ipc.properties.subnet.id));
        const config = {
          ipc,
          nic,
          vnet,
          asgs: (ipc.properties.applicationSecurityGroups ?? []).map((a) => lower(a.id)),
        };
        this.configs.set(ipc.id, config).set(lower(ipc.id), config);
        const ip = this.ips.parse(ipc.properties.privateIPAddress);
        if (ip !== undefined) this.vnetAddresses.set(vnet, (this.vnetAddresses.get(vnet) ?? new Set()).add(ipKey(ip)));
      }
    }
    this.nsgs = new Map(state.networkSecurityGroups.map((n) => [lower(n.id), n]));
    this.subnetNsg = new Map(
      Object.entries(state.subnetNetworkSecurityGroups ?? {}).map(([s, n]) => [lower(s), lower(n)]),
    );
    this.prefixes = addrRanges(options.virtualNetworkPrefixes ?? []);
  }

  ingress(flow: NativeFlow): Verdict {
    return this.judge('Inbound', flow);
  }

  egress(flow: NativeFlow): Verdict {
    return this.judge('Outbound', flow);
  }

  /** Each level in evaluation order; the first that does not allow decides. */
  private judge(direction: Direction, flow: NativeFlow): Verdict {
    const [here, there] = direction === 'Inbound' ? [flow.dst, flow.src] : [flow.src, flow.dst];
    const config = this.configOf(here);
    if (config === undefined)
      throw new Error(
        `Azure ${direction} check needs a known NIC IP configuration, got ${here.attachment ?? 'no attachment'} for ${here.address}`,
      );
    const levels = this.memo.get(direction, here, there, () => this.addressMatched(direction, config, flow));
    const passed: string[] = [];
    let last: NativeObject | undefined;
    for (const { nsg, rules } of levels) {
      const hit = rules.find((r) => ruleMatchesPort(r, flow));
      const by = `${nsg.name} rule ${hit?.label ?? '(none matched)'}`;
      const object: NativeObject = { kind: 'azure-nsg', id: nsg.id, name: nsg.name };
      if (hit === undefined || !hit.allow) return { allowed: false, by, object };
      passed.push(by);
      last = object;
    }
    return {
      allowed: true,
      by: passed.join(' + ') || `no NSG on ${config.nic.name} or its subnet (allowed)`,
      ...(last ? { object: last } : {}),
    };
  }

  /** Per level, the rules (in priority order) whose source and destination match this pair. */
  private addressMatched(direction: Direction, config: IpConfig, flow: NativeFlow): Level[] {
    const inbound = direction === 'Inbound';
    const there = this.end(inbound ? flow.src : flow.dst);
    return this.hereMatched(direction, config, inbound ? flow.dst : flow.src).map(({ nsg, rules }) => ({
      nsg,
      rules: rules.filter((r) => this.addrMatches(inbound ? r.src : r.dst, there, config.vnet)),
    }));
  }

  /**
   * Per level, the rules whose judged-end side (destination inbound, source outbound) matches
   * that end: a function of the end alone, so computed once per end, not once per pair.
   */
  private hereMatched(direction: Direction, config: IpConfig, here: NativeEndpoint): Level[] {
    const key = `${direction}\u0000${here.attachment ?? ''}\u0000${here.address}`;
    let levels = this.hereMemo.get(key);
    if (levels === undefined) {
      const end = this.end(here);
      levels = this.levelsOf(config, direction).map(({ nsg, rules }) => ({
        nsg,
        rules: rules.filter((r) => this.addrMatches(direction === 'Inbound' ? r.dst : r.src, end, config.vnet)),
      }));
      this.hereMemo.set(key, levels);
    }
    return levels;
  }

  private levelsOf(config: IpConfig, direction: Direction): Level[] {
    config.levels ??= {};
    if (config.levels[direction] === undefined) {
      const nicNsg = config.nic.properties.networkSecurityGroup?.id;
      const ids = [
        this.subnetNsg.get(lower(config.ipc.properties.subnet.id)),
        nicNsg === undefined ? undefined : lower(nicNsg),
      ];
      if (direction === 'Outbound') ids.reverse();
      config.levels[direction] = ids.filter((id) => id !== undefined).map((id) => this.level(id, direction));
    }
    return config.levels[direction];
  }

  private level(id: string, direction: Direction): Level {
    const nsg = this.nsgs.get(id);
    if (nsg === undefined) throw new Error(`Azure NSG ${id} is referenced but not in the state`);
    const entry = this.compiled.get(nsg) ?? {};
    this.compiled.set(nsg, entry);
    return { nsg, rules: (entry[direction] ??= compileNsg(nsg, direction)) };
  }

  private configOf(ep: NativeEndpoint): IpConfig | undefined {
    return ep.attachment === undefined
      ? undefined
      : (this.configs.get(ep.attachment) ?? this.configs.get(lower(ep.attachment)));
  }

  private end(ep: NativeEndpoint): End {
    return { ep, ip: this.ips.parse(ep.address), config: this.configOf(ep) };
  }

  private addrMatches(m: AddrMatch, end: End, vnet: string): boolean {
    if (m.any || inRanges(m.ranges, end.ip) || m.tags.some((t) => this.tagMatches(t, end.ip, vnet))) return true;
    const config = end.config;
    return (
      config !== undefined &&
      m.asgs.size > 0 &&
      this.ips.same(config.ipc.properties.privateIPAddress, end.ep.address) &&
      config.asgs.some((a) => m.asgs.has(a))
    );
  }

  private tagMatches(tag: string, ip: Ip | undefined, vnet: string): boolean {
    switch (tag) {
      case 'virtualnetwork':
        return this.inVnet(ip, vnet);
      case 'internet':
        return ip !== undefined && !this.inVnet(ip, vnet);
      case 'azureloadbalancer':
        return ip !== undefined && ipKey(ip) === LOAD_BALANCER_KEY;
      default:
        return false;
    }
  }

  private inVnet(ip: Ip | undefined, vnet: string): boolean {
    return ip !== undefined && ((this.vnetAddresses.get(vnet)?.has(ipKey(ip)) ?? false) || inRanges(this.prefixes, ip));
  }
}

/** The port-dependent half of a rule match (addresses were matched once per pair). */
function ruleMatchesPort(r: Rule, flow: NativeFlow): boolean {
  if (r.protocol !== '*' && r.protocol !== flow.protocol) return false;
  return r.sourcePortsAny && (flow.protocol === 'icmp' || portsCover(r.ports, flow.port));
}

/** Inbound at `flow.dst.attachment` (a NIC IP configuration id). Prepares on every call: use prepareAzure in loops. */
export function azureInbound(state: AzureState, flow: NativeFlow, options?: AzureOptions): Verdict {
  return prepareAzure(state, options).ingress(flow);
}

/** Outbound at `flow.src.attachment` (a NIC IP configuration id). Prepares on every call: use prepareAzure in loops. */
export function azureOutbound(state: AzureState, flow: NativeFlow, options?: AzureOptions): Verdict {
  return prepareAzure(state, options).egress(flow);
}

/** Custom plus default rules of one direction, lowest priority number first (stable on ties). */
function compileNsg(nsg: AzureNetworkSecurityGroup, direction: Direction): Rule[] {
  const defaults = nsg.properties.defaultSecurityRules?.length
    ? nsg.properties.defaultSecurityRules
    : AZURE_DEFAULT_RULES;
  return [...nsg.properties.securityRules, ...defaults]
    .filter((r) => r.properties.direction === direction)
    .sort((a, b) => a.properties.priority - b.properties.priority)
    .map(compileRule);
}

function compileRule(r: AzureSecurityRule): Rule {
  const p = r.properties;
  const list = (one: string | undefined, many: string[] | undefined): string[] => {
    const all = [...(one !== undefined && one !== '' ? [one] : []), ...(many ?? [])];
    return all.length === 0 ? ['*'] : all;
  };
  const ports = list(p.destinationPortRange, p.destinationPortRanges)
    .map(parsePortRange)
    .filter((x) => x !== undefined);
  return {
    allow: p.access === 'Allow',
    protocol: lower(p.protocol),
    sourcePortsAny: list(p.sourcePortRange, p.sourcePortRanges).some((s) => s.trim() === '*'),
    ports,
    src: addrMatch(p.sourceAddressPrefix, p.sourceAddressPrefixes, p.sourceApplicationSecurityGroups),
    dst: addrMatch(p.destinationAddressPrefix, p.destinationAddressPrefixes, p.destinationApplicationSecurityGroups),
    label: `${r.name} (priority ${p.priority})`,
  };
}

function addrMatch(
  one: string | undefined,
  many: string[] | undefined,
  asgs: Array<{ id: string }> | undefined,
): AddrMatch {
  const texts = [...(one !== undefined && one !== '' ? [one] : []), ...(many ?? [])].map((t) => t.trim());
  const asgIds = new Set((asgs ?? []).map((a) => lower(a.id)));
  const any = texts.some((t) => t === '*' || lower(t) === 'any') || (texts.length === 0 && asgIds.size === 0);
  const tags = texts.filter((t) => addrRanges([t]).length === 0).map(lower);
  return { any, ranges: addrRanges(texts), tags, asgs: asgIds };
}
