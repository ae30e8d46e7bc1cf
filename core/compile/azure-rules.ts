/**
 * One class's reach entries → NSG security rules (pure, deterministic).
 *
 * Translation (CLOUD-FACTS §2.1, §2.2, §6.2, §6.4):
 * - Inbound: source = the peer (its ASG when it is a class of this VNet, else its exact CIDRs),
 *   destination = the class's own ASG, so one NSG can serve several classes. Outbound mirrors it.
 * - Member address sets (peers elsewhere, following membership) merge per (family, protocol,
 *   ports): every peer that reaches the class on tcp/53 is one rule with one prefix list, whatever
 *   class it comes from (exact union, adjacent ranges merged, never widened).
 * - One rule per peer and protocol: a rule has a single protocol, and a PortSet that is not
 *   "everything" becomes Tcp/Udp rules with their port ranges and an Icmp rule. `others`
 *   without "everything" cannot be written as an allow (an NSG protocol is one of
 *   Tcp/Udp/Icmp/Esp/Ah/*), so it is left out — narrower, never wider — and reported.
 * - One ASG per rule side, never several: the NSG overview says a rule cannot name several
 *   application security groups while the limits page allows 10 (CLOUD-FACTS §2.1 [?]); one ASG
 *   per side is valid under both readings, and a new class then adds rules instead of rewriting.
 * - IPv4 and IPv6 prefixes never share a rule (the service rejects mixed families in one rule;
 *   MicrosoftDocs/azure-docs#34567). Reach entries are per family already.
 * - Names: `in-`/`out-` + class name + a hash of the rule's semantic key, so equal content means
 *   equal name and any change of content is a new rule (put new, then delete old).
 */
import { AddressSet, formatCidr, type Family } from '../model/address.ts';
import type { PortSet } from '../model/ports.ts';
import type { Finding } from '../model/finding.ts';
import type { ReachEntry } from './reach.ts';
import { stableHash } from './hash.ts';
import { azurePartPorts, type SetContext } from './end-to-end.ts';
import { AZURE_NAME, boundedName } from './names.ts';
import { ruleKey, type AzureDesiredRule, type AzureRuleProperties } from './azure-model.ts';

export type Direction = 'Inbound' | 'Outbound';

/** The NSG description field is limited to 140 characters (specs/azure networkSecurityGroup.json). */
const DESCRIPTION_MAX = 140;

export interface ClassRuleContext {
  deploymentId: string;
  className: string;
  /** The class's own ASG id in this VNet. */
  ownAsg: string;
  /** ASG id of a class of this VNet. */
  asgOf(classId: string): string;
  /** Readable class name for descriptions. */
  nameOf(classId: string): string;
  /** Member sets under the policy's address plans (compress.ts); absent: exact member lists. */
  compress?: (set: AddressSet, where: Pick<SetContext, 'direction' | 'ports'>) => AddressSet;
}

interface PeerSide {
  prefixes?: string[];
  asg?: string;
  label: string;
}

interface ProtocolPart {
  protocol: 'Tcp' | 'Udp' | 'Icmp' | '*';
  ports: string[];
}

/** The rules of one class in one direction, plus the findings of what could not be expressed. */
export function classRules(
  ctx: ClassRuleContext,
  direction: Direction,
  entries: readonly ReachEntry[],
): { rules: AzureDesiredRule[]; narrowed: boolean } {
  const byName = new Map<string, AzureDesiredRule>();
  const merged = new Map<
    string,
    { family: Family; part: ProtocolPart; ranges: Array<readonly [bigint, bigint]>; classIds: Set<string> }
  >();
  let narrowed = false;
  for (const entry of entries) {
    const { parts, dropped } = protocolParts(entry.ports);
    narrowed ||= dropped;
    const p = entry.peer;
    if (p.kind === 'addresses' && p.classId !== undefined) {
      // Member sets merge per (family, protocol, ports) whatever class they come from.
      for (const part of parts) {
        const key = `${p.family}|${part.protocol}|${part.ports.join(',')}`;
        const m = merged.get(key);
        if (m) {
          m.ranges.push(...p.set.ranges());
          m.classIds.add(p.classId);
        } else merged.set(key, { family: p.family, part, ranges: [...p.set.ranges()], classIds: new Set([p.classId]) });
      }
      continue;
    }
    const peer = peerSide(ctx, entry);
    for (const part of parts) {
      const r = buildRule(ctx, direction, peer, part);
      byName.set(r.name, r);
    }
  }
  for (const m of merged.values()) {
    const exact = AddressSet.fromRanges(m.family, m.ranges);
    const where = {
      direction: direction === 'Inbound' ? ('ingress' as const) : ('egress' as const),
      ports: azurePartPorts(m.part),
    };
    const prefixes = (ctx.compress?.(exact, where) ?? exact).toCidrs().map(formatCidr);
    const ids = [...m.classIds].sort();
    const label = ids.length === 1 ? `${ctx.nameOf(ids[0]!)} elsewhere` : `${ids.length} classes elsewhere`;
    const r = buildRule(ctx, direction, { prefixes, label }, m.part);
    byName.set(r.name, r);
  }
  return { rules: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), narrowed };
}

function peerSide(ctx: ClassRuleContext, entry: ReachEntry): PeerSide {
  const p = entry.peer;
  if (p.kind === 'class') return { asg: ctx.asgOf(p.classId), label: ctx.nameOf(p.classId) };
  const prefixes = p.set.toCidrs().map(formatCidr);
  const what =
    p.classId !== undefined ? `${ctx.nameOf(p.classId)} elsewhere` : `${prefixes.length} ${p.family} prefix(es)`;
  return { prefixes, label: what };
}

const range = ([a, b]: readonly [number, number]): string => (a === b ? `${a}` : `${a}-${b}`);
const isFull = (rs: ReadonlyArray<readonly [number, number]>): boolean =>
  rs.length === 1 && rs[0]![0] === 0 && rs[0]![1] === 65535;

/** Tcp/Udp/Icmp parts of a PortSet (or one '*' part); `dropped` when `others` had to be left out. */
export function protocolParts(ports: PortSet): { parts: ProtocolPart[]; dropped: boolean } {
  if (ports.isAll()) return { parts: [{ protocol: '*', ports: ['*'] }], dropped: false };
  const parts: ProtocolPart[] = [];
  if (ports.tcp.length > 0) parts.push({ protocol: 'Tcp', ports: isFull(ports.tcp) ? ['*'] : ports.tcp.map(range) });
  if (ports.udp.length > 0) parts.push({ protocol: 'Udp', ports: isFull(ports.udp) ? ['*'] : ports.udp.map(range) });
  if (ports.icmp) parts.push({ protocol: 'Icmp', ports: ['*'] });
  return { parts, dropped: ports.others };
}

function addressFields(which: 'source' | 'destination', s: PeerSide): Partial<AzureRuleProperties> {
  if (s.asg !== undefined) {
    return which === 'source'
      ? { sourceApplicationSecurityGroups: [{ id: s.asg }] }
      : { destinationApplicationSecurityGroups: [{ id: s.asg }] };
  }
  return which === 'source'
    ? { sourceAddressPrefixes: s.prefixes ?? [] }
    : { destinationAddressPrefixes: s.prefixes ?? [] };
}

function buildRule(ctx: ClassRuleContext, direction: Direction, peer: PeerSide, part: ProtocolPart): AzureDesiredRule {
  const own: PeerSide = { asg: ctx.ownAsg, label: ctx.className };
  const [src, dst] = direction === 'Inbound' ? [peer, own] : [own, peer];
  const portFields =
    part.ports.length === 1 ? { destinationPortRange: part.ports[0]! } : { destinationPortRanges: part.ports };
  const semantic: AzureRuleProperties = {
    protocol: part.protocol,
    access: 'Allow',
    direction,
    sourcePortRange: '*',
    ...portFields,
    ...addressFields('source', src),
    ...addressFields('destination', dst),
  };
  const arrow = direction === 'Inbound' ? `${ctx.className} <- ${peer.label}` : `${ctx.className} -> ${peer.label}`;
  const description =
    `segsync ${ctx.deploymentId}: ${arrow} ${part.protocol === '*' ? 'any' : part.protocol.toLowerCase()}`.slice(
      0,
      DESCRIPTION_MAX,
    );
  const name = boundedName(
    direction === 'Inbound' ? 'in-' : 'out-',
    ctx.className,
    stableHash(ruleKey(semantic), 12),
    AZURE_NAME,
  );
  return { name, properties: { description, ...semantic } };
}

/**
 * The catch-all Deny in one direction at the last custom slot, so the default rules
 * AllowVnetInBound / AllowVnetOutBound / AllowInternetOutBound (65000/65001) never apply to a
 * managed NIC (CLOUD-FACTS §2.1, §6.3).
 */
export function denyRule(deploymentId: string, direction: Direction, priority: number): AzureDesiredRule {
  return {
    name: direction === 'Inbound' ? 'segsync-deny-all-inbound' : 'segsync-deny-all-outbound',
    fixedPriority: priority,
    properties: {
      description: `segsync ${deploymentId}: default deny (overrides the Azure default allow rules)`,
      protocol: '*',
      access: 'Deny',
      direction,
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '*',
    },
  };
}

/**
 * Azure Load Balancer health probes come from 168.63.129.16 (the AzureLoadBalancer service tag);
 * the catch-all deny would fail every probe and take the VMs out of their load balancer's pool.
 * So by default they are allowed, in the slot just above the inbound deny (CLOUD-FACTS §2.1);
 * the policy's `azureLoadBalancerProbes: deny` leaves this rule out.
 */
export function loadBalancerProbeRule(deploymentId: string, priority: number): AzureDesiredRule {
  return {
    name: 'segsync-allow-lb-probes-inbound',
    fixedPriority: priority,
    properties: {
      description: `segsync ${deploymentId}: Azure Load Balancer health probes (168.63.129.16)`,
      protocol: '*',
      access: 'Allow',
      direction: 'Inbound',
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: 'AzureLoadBalancer',
      destinationAddressPrefix: '*',
    },
  };
}

export function narrowedFinding(asgId: string, className: string): Finding {
  return {
    severity: 'warning',
    code: 'other-protocols-narrowed',
    cloud: 'azure',
    target: asgId,
    message: `segment "${className}": the policy allows protocols other than tcp/udp/icmp on part of its ports; Azure NSG rules cannot express "every other protocol" without allowing everything, so only tcp, udp and icmp are allowed`,
    hint: 'write "any" for every protocol, or list tcp/udp/icmp ports explicitly',
  };
}
