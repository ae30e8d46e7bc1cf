/**
 * What compileAzure produces (the desired Azure objects) and the identities both the compiler and
 * the planner use: ARM ids of the objects segsync owns, deterministic names, and the semantic key
 * of a security rule. Pure data and pure functions.
 *
 * Invariants:
 * - ARM ids and names are case-insensitive (CLOUD-FACTS §2.4 shapes; ARM may return another
 *   casing than the one written), so every comparison goes through `armKey` / `ruleKey`.
 * - A rule's key is built from its semantic fields only (direction, access, protocol, ports,
 *   addresses, ASGs), never from its name, description or priority (STYLE G6): segsync's allow
 *   rules are order-free (all Allow, one catch-all Deny below them), so priority is assigned by
 *   the planner, and an existing rule keeps its slot.
 */
import { parseCidr, formatCidr } from '../model/address.ts';
import type { AzureSecurityRule } from '../model/native/azure.ts';
import { armKey, armParts } from '../model/ids.ts';

// ARM ids compare without case; defined once in core/model/ids.ts.
export { armKey };
import { stableHash } from './hash.ts';
import { AZURE_NAME, boundedName } from './names.ts';

export type AzureRuleProperties = Omit<AzureSecurityRule['properties'], 'priority' | 'provisioningState'>;

/** A rule as compiled: no priority, except the catch-all deny whose slot is fixed. */
export interface AzureDesiredRule {
  name: string;
  properties: AzureRuleProperties;
  /** Only the catch-all deny (CLOUD-FACTS §2.1: the last custom slot, 4096 by default). */
  fixedPriority?: number;
}

interface ArmObject {
  /** ARM id, casing as segsync writes it. */
  id: string;
  subscription: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** Cloud-qualified network (`azure:<VNet id>`). */
  network: string;
  tags: Record<string, string>;
}

/** One application security group per (VNet, class) (CLOUD-FACTS §2.2: ASGs live inside one VNet). */
export interface AzureDesiredAsg extends ArmObject {
  classId: string;
  className: string;
}

/** One NSG per bucket of classes of a VNet, attached to the NICs of those classes. */
export interface AzureDesiredNsg extends ArmObject {
  classIds: string[];
  /** Allow rules sorted by name, then the two catch-all denies. */
  rules: AzureDesiredRule[];
}

/** A managed NIC: every IP configuration joins `asg`, the NIC carries `nsg`. */
export interface AzureDesiredNic {
  id: string;
  subscription: string;
  network: string;
  workloadId: string;
  classId: string;
  className: string;
  ipConfigurations: string[];
  asg: string;
  nsg: string;
}

export interface AzureDesired {
  asgs: AzureDesiredAsg[];
  nsgs: AzureDesiredNsg[];
  nics: AzureDesiredNic[];
}

/** A NIC IP configuration id → the NIC's id. */
export function nicOfIpConfiguration(ipConfigurationId: string): string {
  const i = ipConfigurationId.toLowerCase().indexOf('/ipconfigurations/');
  return i < 0 ? ipConfigurationId : ipConfigurationId.slice(0, i);
}

/** `segsync-<dep>-<vnet>.<class>-<class id>-<vnet hash>`: unique per resource group even when two VNets share one. */
export function asgName(deploymentId: string, vnetId: string, className: string, classId: string): string {
  const vnet = armParts(vnetId).name;
  return boundedName(
    `segsync-${deploymentId}-`,
    `${vnet}.${className}`,
    `${classId}-${stableHash(armKey(vnetId), 6)}`,
    AZURE_NAME,
  );
}

/** `segsync-<dep>-<vnet>[-<bucket>]-<vnet hash>`; bucket numbers start at 2 (most VNets need one NSG). */
export function nsgName(deploymentId: string, vnetId: string, bucket: number): string {
  const vnet = armParts(vnetId).name;
  return boundedName(
    `segsync-${deploymentId}-`,
    bucket === 0 ? vnet : `${vnet}-${bucket + 1}`,
    stableHash(armKey(vnetId), 6),
    AZURE_NAME,
  );
}

const sortedLower = (xs: readonly string[]): string[] => [...new Set(xs.map((x) => x.toLowerCase()))].sort();

/** CIDR or bare address in canonical form (`10.0.0.4` = `10.0.0.4/32`); anything else lowercased. */
function prefixKey(text: string): string {
  const c = parseCidr(text.trim());
  return c.ok ? formatCidr(c.value) : text.trim().toLowerCase();
}

function side(
  one: string | undefined,
  many: string[] | undefined,
  asgs: Array<{ id: string }> | undefined,
): { prefixes: string[]; asgs: string[] } {
  const texts = [...(one !== undefined && one !== '' ? [one] : []), ...(many ?? [])];
  return { prefixes: [...new Set(texts.map(prefixKey))].sort(), asgs: sortedLower((asgs ?? []).map((a) => a.id)) };
}

function ports(one: string | undefined, many: string[] | undefined): string[] {
  const all = [...(one !== undefined && one !== '' ? [one] : []), ...(many ?? [])].map((p) => p.trim());
  return [...new Set(all.length === 0 ? ['*'] : all)].sort();
}

/**
 * The semantic identity of a rule: equal keys ⇔ the same traffic, whatever the name,
 * description, priority, or singular/plural field the service chose to return.
 */
export function ruleKey(p: AzureRuleProperties): string {
  return JSON.stringify([
    p.direction,
    p.access,
    p.protocol.toLowerCase(),
    ports(p.sourcePortRange, p.sourcePortRanges),
    ports(p.destinationPortRange, p.destinationPortRanges),
    side(p.sourceAddressPrefix, p.sourceAddressPrefixes, p.sourceApplicationSecurityGroups),
    side(p.destinationAddressPrefix, p.destinationAddressPrefixes, p.destinationApplicationSecurityGroups),
  ]);
}

/** Prefixes a rule spends on one side of the per-NSG budget (a singular prefix, even '*', counts 1). */
export function prefixCount(p: AzureRuleProperties, which: 'source' | 'destination'): number {
  const one = which === 'source' ? p.sourceAddressPrefix : p.destinationAddressPrefix;
  const many = which === 'source' ? p.sourceAddressPrefixes : p.destinationAddressPrefixes;
  return (many?.length ?? 0) + (one !== undefined && one !== '' ? 1 : 0);
}

/** ASG ids (lowercased) a rule references on either side. */
export function ruleAsgs(p: AzureRuleProperties): string[] {
  return [...(p.sourceApplicationSecurityGroups ?? []), ...(p.destinationApplicationSecurityGroups ?? [])].map((a) =>
    armKey(a.id),
  );
}
