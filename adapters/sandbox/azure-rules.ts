/**
 * Validation of NSG security rules as Microsoft.Network does it on every NSG write, whether the
 * whole NSG is PUT or one child rule: the resulting rule set is checked as a whole, so a write
 * fails if any rule of the NSG would be invalid afterwards. Codes, statuses and messages are the
 * service's where observed; see azure.ts for the sources and the codes marked [?].
 */
import type { AzureSecurityRule, AzureSubResource } from '../../core/model/native/azure.ts';
import { parseCidr } from '../../core/model/address.ts';
import { asgVnets, azureError, key, sameRegion, type AzureLimits, type SubscriptionState } from './azure-model.ts';

export interface RuleContext {
  readonly sub: SubscriptionState;
  readonly nsgId: string;
  readonly location: string;
  readonly limits: AzureLimits;
}

type Side = 'Source' | 'Destination';
const SIDES: readonly Side[] = ['Source', 'Destination'];
const PROTOCOLS = new Set(['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*']);
/** ≤ 80 chars, starts with a word char, ends with a word char or '_', inner chars word/./-/_ (CLOUD-FACTS §2.1). */
const NAME = /^\w(?:[\w.-]{0,78}\w)?$/;
const PORT = /^(\d{1,5})(?:-(\d{1,5}))?$/;
/** Service tags such as VirtualNetwork, Internet, Storage.WestEurope (only in the singular prefix field). */
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*$/;

export function checkResourceName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw azureError(
      'InvalidResourceName',
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  }
}

/** The rule as stored under its URL name, with the ids the service assigns. */
export function storedRule(nsgId: string, name: string, rule: AzureSecurityRule): AzureSecurityRule {
  const properties = structuredClone(rule.properties);
  delete properties.provisioningState;
  return { id: `${nsgId}/securityRules/${name}`, name, properties: { ...properties, provisioningState: 'Succeeded' } };
}

function sideOf(
  rule: AzureSecurityRule,
  side: Side,
): { prefix?: string; prefixes?: string[]; asgs?: AzureSubResource[]; port?: string; ports?: string[] } {
  const p = rule.properties;
  return side === 'Source'
    ? {
        prefix: p.sourceAddressPrefix,
        prefixes: p.sourceAddressPrefixes,
        asgs: p.sourceApplicationSecurityGroups,
        port: p.sourcePortRange,
        ports: p.sourcePortRanges,
      }
    : {
        prefix: p.destinationAddressPrefix,
        prefixes: p.destinationAddressPrefixes,
        asgs: p.destinationApplicationSecurityGroups,
        port: p.destinationPortRange,
        ports: p.destinationPortRanges,
      };
}

const present = (v: string | undefined): v is string => v !== undefined && v !== '';
const nonEmpty = <T>(v: T[] | undefined): v is T[] => v !== undefined && v.length > 0;
const isIpOrCidr = (text: string): boolean => parseCidr(text).ok;

function validPort(text: string): boolean {
  const m = PORT.exec(text);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi && hi <= 65535;
}

function portError(value: string): Error {
  return azureError(
    'SecurityRuleInvalidPortRange',
    `Security rule has invalid Port range. Value provided: ${value}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`,
  );
}

/** Exactly one of the singular field ('*' allowed) or a non-empty list (no '*', no commas). */
function checkPorts(rule: AzureSecurityRule, side: Side): void {
  const { port, ports } = sideOf(rule, side);
  if (present(port) === nonEmpty(ports))
    throw portError(present(port) ? `${port} and ${(ports ?? []).join(', ')}` : '');
  if (present(port) && port !== '*' && !validPort(port)) throw portError(port);
  for (const p of ports ?? []) if (!validPort(p)) throw portError(p);
}

function checkSinglePrefix(rule: AzureSecurityRule, prefix: string): void {
  if (prefix === '*' || SERVICE_TAG.test(prefix) || isIpOrCidr(prefix)) return;
  throw azureError(
    'SecurityRuleInvalidAddressPrefix',
    `Security rule ${rule.id} has invalid Address prefix. Value provided: ${prefix}.`,
  );
}

/** The plural fields take only addresses and CIDRs (the service rejects '*' and tags there). */
function checkListPrefix(rule: AzureSecurityRule, side: Side, prefix: string): void {
  if (prefix === '*' || SERVICE_TAG.test(prefix)) {
    throw azureError(
      'SecurityRuleParameterContainsUnsupportedValue',
      `Security rule parameter ${side}AddressPrefixes for rule with Id ${rule.id} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: ${prefix}.`,
    );
  }
  if (!isIpOrCidr(prefix)) checkSinglePrefix(rule, prefix);
}

function checkAsgRefs(ctx: RuleContext, rule: AzureSecurityRule, side: Side, asgs: AzureSubResource[]): void {
  if (asgs.length > ctx.limits.asgsPerRuleSide) {
    throw azureError(
      'NumberOfApplicationSecurityGroupsReferencedInSecurityRuleLimitReached',
      `A security rule may have up to ${ctx.limits.asgsPerRuleSide} Application Security Group in the source or destination fields. The requested configuration has ${asgs.length} in the ${side}ApplicationSecurityGroups field.`,
    );
  }
  for (const ref of asgs) {
    const asg = ctx.sub.asgs.get(key(ref.id));
    if (!asg || !sameRegion(asg.location, ctx.location)) throw invalidReference(ref.id, rule.id ?? rule.name);
  }
}

export function invalidReference(target: string, from: string): Error {
  return azureError(
    'InvalidResourceReference',
    `Resource ${target} referenced by resource ${from} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
  );
}

/** Exactly one of prefix, prefixes or ASGs per side. */
function checkAddresses(ctx: RuleContext, rule: AzureSecurityRule, side: Side): void {
  const { prefix, prefixes, asgs } = sideOf(rule, side);
  const given = [present(prefix), nonEmpty(prefixes), nonEmpty(asgs)].filter(Boolean).length;
  if (given !== 1) {
    throw azureError(
      'SecurityRuleInvalidAddressSpecification',
      `Security rule ${rule.id} must specify exactly one of ${side}AddressPrefix, ${side}AddressPrefixes and ${side}ApplicationSecurityGroups; ${given} given.`,
    );
  }
  if (present(prefix)) checkSinglePrefix(rule, prefix);
  for (const p of prefixes ?? []) checkListPrefix(rule, side, p);
  if (nonEmpty(asgs)) checkAsgRefs(ctx, rule, side, asgs);
}

function checkRule(ctx: RuleContext, rule: AzureSecurityRule): void {
  const p = rule.properties;
  checkResourceName(rule.name);
  const { priorityMin: lo, priorityMax: hi } = ctx.limits;
  if (!Number.isInteger(p.priority) || p.priority < lo || p.priority > hi) {
    throw azureError(
      'SecurityRuleInvalidPriority',
      `Security rule has invalid Priority. Value provided: ${p.priority} Allowed range ${lo}-${hi}.`,
    );
  }
  if (p.direction !== 'Inbound' && p.direction !== 'Outbound')
    throw azureError(
      'InvalidRequestFormat',
      `Cannot parse the request: direction '${String(p.direction)}' is not Inbound or Outbound.`,
    );
  if (p.access !== 'Allow' && p.access !== 'Deny')
    throw azureError(
      'InvalidRequestFormat',
      `Cannot parse the request: access '${String(p.access)}' is not Allow or Deny.`,
    );
  if (!PROTOCOLS.has(p.protocol))
    throw azureError(
      'SecurityRuleInvalidProtocol',
      `Security rule ${rule.id} has invalid Protocol. Value provided: ${p.protocol}. Allowed values: Tcp, Udp, Icmp, Esp, Ah, *.`,
    );
  if ((p.description ?? '').length > 140)
    throw azureError(
      'SecurityRuleDescriptionTooLong',
      `Security rule ${rule.id} has a description longer than 140 characters.`,
    );
  for (const side of SIDES) {
    checkPorts(rule, side);
    checkAddresses(ctx, rule, side);
  }
}

function checkUniqueAndConflicts(rules: readonly AzureSecurityRule[]): void {
  const names = new Set<string>();
  const slots = new Map<string, string>();
  for (const r of rules) {
    if (names.has(key(r.name)))
      throw azureError(
        'DuplicateResourceName',
        `Security rule name ${r.name} appears more than once in the network security group.`,
      );
    names.add(key(r.name));
    const slot = `${r.properties.direction}/${r.properties.priority}`;
    const other = slots.get(slot);
    if (other !== undefined)
      throw azureError(
        'SecurityRuleConflict',
        `Security rule ${other} conflicts with rule ${r.name}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
      );
    slots.set(slot, r.name);
  }
}

function checkNsgQuotas(ctx: RuleContext, rules: readonly AzureSecurityRule[]): void {
  const { limits, nsgId } = ctx;
  if (rules.length > limits.rulesPerNsg)
    throw azureError(
      'SecurityRuleCountLimitReached',
      `A security group cannot have more than ${limits.rulesPerNsg} security rules.`,
    );
  for (const side of SIDES) {
    const count = rules.reduce((n, r) => {
      const s = sideOf(r, side);
      return n + (nonEmpty(s.prefixes) ? s.prefixes.length : present(s.prefix) ? 1 : 0);
    }, 0);
    if (count > limits.prefixesPerNsgSide) {
      throw azureError(
        'SecurityRuleAddressesOrPortsPerSecurityGroupLimitReached',
        `Network security group ${nsgId} has ${count} ${side}AddressPrefixes. A security group cannot have more than ${limits.prefixesPerNsgSide} ${side}AddressPrefixes as per the limit MaxSecurityRuleAddressesOrPortsPerSecurityGroup.`,
      );
    }
  }
  const asgs = new Set(rules.flatMap((r) => SIDES.flatMap((s) => (sideOf(r, s).asgs ?? []).map((a) => key(a.id)))));
  if (asgs.size > limits.asgsPerNsg) {
    throw azureError(
      'NumberOfApplicationSecurityGroupsReferencedInSecurityGroupLimitReached',
      `Network security group ${nsgId} references ${asgs.size} Application Security Groups; the limit is ${limits.asgsPerNsg}.`,
    );
  }
}

/** All ASGs of one rule (source and destination) must have their members in one VNet (CLOUD-FACTS §2.2). */
function checkAsgVnets(ctx: RuleContext, rules: readonly AzureSecurityRule[]): void {
  const members = asgVnets(ctx.sub);
  for (const r of rules) {
    const vnets = new Set(
      SIDES.flatMap((s) => (sideOf(r, s).asgs ?? []).flatMap((a) => [...(members.get(key(a.id)) ?? [])])),
    );
    if (vnets.size > 1) {
      throw azureError(
        'AllApplicationSecurityGroupsInSecurityRuleMustBeFromSameVnet',
        `Security Rule ${r.id} has Application Security Groups (ASGs) from multiple virtual networks (${[...vnets].sort().join(', ')}). All ASGs on the Security Rule must be from the same virtual network.`,
      );
    }
  }
}

/** Validates the whole rule set an NSG would have after a write; throws the first error found. */
export function validateRuleSet(ctx: RuleContext, rules: readonly AzureSecurityRule[]): void {
  for (const r of rules) checkRule(ctx, r);
  checkUniqueAndConflicts(rules);
  checkNsgQuotas(ctx, rules);
  checkAsgVnets(ctx, rules);
}
