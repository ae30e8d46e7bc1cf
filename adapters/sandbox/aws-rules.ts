/**
 * Security group rules in the sandbox EC2: IpPermissions ⇄ rule units, validation of one
 * permission, rule identity, and the per-group rule-count quota.
 *
 * Facts modelled (CLOUD-FACTS §1.1, §1.2, §1.3, §1.4):
 * - A permission with several peers is several rules; a rule is identified by protocol, port
 *   range and peer. The description is not part of the identity (revoking needs no description).
 * - tcp/udp need FromPort ≤ ToPort within 0-65535; icmp/icmpv6 ports are type/code, -1 = all
 *   (all types requires all codes); -1 and other protocol numbers cover every port, so ports are
 *   dropped, as EC2 does.
 * - Rule count per group, direction and family: a CIDR counts 1 in its family; a group reference
 *   counts 1 in BOTH families; a customer-managed prefix list counts its MaxEntries in BOTH
 *   families. "Both" is from the older quota page ("counts as one rule for IPv4 and one rule for
 *   IPv6", quoted in terraform-linters/tflint#268) and measurements in jantman/awslimitchecker#431
 *   [obs]; the current page only says a prefix list counts its maximum size.
 */
import type { AwsIpPermission } from '../../core/model/native/aws.ts';
import { formatCidr, parseCidr } from '../../core/model/address.ts';
import { ec2Error, type RuleUnit } from './aws-state.ts';

const PROTOCOLS: Readonly<Record<string, string>> = {
  tcp: 'tcp',
  6: 'tcp',
  udp: 'udp',
  17: 'udp',
  icmp: 'icmp',
  1: 'icmp',
  icmpv6: 'icmpv6',
  58: 'icmpv6',
  '-1': '-1',
  all: '-1',
};

/** EC2 rule descriptions: ≤ 255 of a-zA-Z0-9, space and ._-:/()#,@[]+=;{}!$* (no '&'). */
const DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]{0,255}$/;

function normaliseProtocol(text: string): string {
  const known = PROTOCOLS[text.toLowerCase()];
  if (known) return known;
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return String(Number(text));
  throw ec2Error('InvalidParameterValue', `Invalid value '${text}' for IP protocol. Unknown protocol.`);
}

function checkRange(what: string, value: number | undefined, lo: number, hi: number): number {
  if (value === undefined || !Number.isInteger(value) || value < lo || value > hi) {
    throw ec2Error(
      'InvalidParameterValue',
      `Invalid value '${String(value)}' for ${what}. It must be an integer from ${lo} to ${hi}.`,
    );
  }
  return value;
}

function portsOf(protocol: string, p: AwsIpPermission): { from?: number; to?: number } {
  if (protocol === 'tcp' || protocol === 'udp') {
    const from = checkRange('fromPort', p.FromPort, 0, 65535);
    const to = checkRange('toPort', p.ToPort, 0, 65535);
    if (from > to)
      throw ec2Error('InvalidParameterValue', `Invalid port range: fromPort ${from} is greater than toPort ${to}.`);
    return { from, to };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    // ICMPv6 may omit type and code (all of them); ICMP must give both.
    const omitted = protocol === 'icmpv6' && p.FromPort === undefined && p.ToPort === undefined;
    const type = omitted ? -1 : checkRange('ICMP type (FromPort)', p.FromPort, -1, 255);
    const code = omitted ? -1 : checkRange('ICMP code (ToPort)', p.ToPort, -1, 255);
    if (type === -1 && code !== -1)
      throw ec2Error('InvalidParameterValue', 'If you specify all ICMP types, you must specify all codes (ToPort -1).');
    return { from: type, to: code };
  }
  return {};
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && !DESCRIPTION.test(description)) {
    throw ec2Error(
      'InvalidParameterValue',
      `Invalid rule description "${description}": up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=;{}!$*`,
    );
  }
}

function cidrOf(text: string, family: 'ipv4' | 'ipv6'): string {
  const parsed = parseCidr(text);
  if (!parsed.ok || parsed.value.family !== family) {
    throw ec2Error(
      'InvalidParameterValue',
      `CIDR block ${text} is malformed${parsed.ok ? ` (expected an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} CIDR)` : ''}.`,
    );
  }
  return formatCidr(parsed.value);
}

/** One permission → its rule units, validated; throws InvalidParameterValue on a bad value. */
function expandOne(p: AwsIpPermission): RuleUnit[] {
  const protocol = normaliseProtocol(p.IpProtocol);
  const ports = portsOf(protocol, p);
  const units: RuleUnit[] = [];
  const add = (peer: RuleUnit['peer'], description: string | undefined): void => {
    checkDescription(description);
    units.push({ protocol, ...ports, peer, ...(description !== undefined ? { description } : {}) });
  };
  for (const r of p.IpRanges ?? []) add({ kind: 'cidr4', cidr: cidrOf(r.CidrIp, 'ipv4') }, r.Description);
  for (const r of p.Ipv6Ranges ?? []) add({ kind: 'cidr6', cidr: cidrOf(r.CidrIpv6, 'ipv6') }, r.Description);
  for (const r of p.PrefixListIds ?? []) add({ kind: 'pl', id: r.PrefixListId }, r.Description);
  for (const r of p.UserIdGroupPairs ?? []) add({ kind: 'sg', id: r.GroupId }, r.Description);
  if (units.length === 0) {
    throw ec2Error(
      'MissingParameter',
      'The request must contain the parameter ipRanges, ipv6Ranges, prefixListIds or groups for each permission.',
    );
  }
  return units;
}

/**
 * The rule units of a request, validated. The same unit twice in one request is rejected
 * ("The same permission must not appear multiple times", aws/aws-sdk-go#1340).
 */
export function expandPermissions(perms: readonly AwsIpPermission[]): RuleUnit[] {
  if (perms.length === 0) throw ec2Error('MissingParameter', 'The request must contain the parameter ipPermissions.');
  const units = perms.flatMap(expandOne);
  const seen = new Set<string>();
  for (const u of units) {
    const key = unitKey(u);
    if (seen.has(key)) throw ec2Error('InvalidParameterValue', 'The same permission must not appear multiple times');
    seen.add(key);
  }
  return units;
}

/** Rule identity: protocol, ports and peer; never the description. */
export function unitKey(u: RuleUnit): string {
  const peer = u.peer.kind === 'cidr4' || u.peer.kind === 'cidr6' ? u.peer.cidr : u.peer.id;
  return `${u.protocol}|${u.from ?? ''}|${u.to ?? ''}|${u.peer.kind}|${peer}`;
}

/** "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" as EC2 words duplicates. */
export function describeUnit(u: RuleUnit): string {
  const peer = u.peer.kind === 'cidr4' || u.peer.kind === 'cidr6' ? u.peer.cidr : u.peer.id;
  const proto = u.protocol === '-1' ? 'ALL' : u.protocol.toUpperCase();
  const ports = u.from === undefined ? '' : `, from port: ${u.from}, to port: ${u.to}`;
  return `peer: ${peer}, ${proto}${ports}, ALLOW`;
}

/** Units regrouped into IpPermissions by (protocol, ports), in first-seen order, as EC2 describes them. */
export function toPermissions(units: readonly RuleUnit[], ownerId: string): AwsIpPermission[] {
  const byPorts = new Map<string, AwsIpPermission>();
  for (const u of units) {
    const key = `${u.protocol}|${u.from ?? ''}|${u.to ?? ''}`;
    let perm = byPorts.get(key);
    if (!perm) {
      perm = {
        IpProtocol: u.protocol,
        ...(u.from !== undefined ? { FromPort: u.from, ToPort: u.to } : {}),
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      byPorts.set(key, perm);
    }
    const d = u.description !== undefined ? { Description: u.description } : {};
    if (u.peer.kind === 'cidr4') perm.IpRanges.push({ CidrIp: u.peer.cidr, ...d });
    else if (u.peer.kind === 'cidr6') perm.Ipv6Ranges.push({ CidrIpv6: u.peer.cidr, ...d });
    else if (u.peer.kind === 'pl') perm.PrefixListIds.push({ PrefixListId: u.peer.id, ...d });
    else perm.UserIdGroupPairs.push({ GroupId: u.peer.id, UserId: ownerId, ...d });
  }
  return [...byPorts.values()];
}

/** How much of the per-family quota a set of rules uses (see the header for the counting). */
export function ruleWeight(
  units: readonly RuleUnit[],
  maxEntriesOf: (prefixListId: string) => number,
): { ipv4: number; ipv6: number } {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const u of units) {
    if (u.peer.kind === 'cidr4') ipv4 += 1;
    else if (u.peer.kind === 'cidr6') ipv6 += 1;
    else {
      const w = u.peer.kind === 'pl' ? maxEntriesOf(u.peer.id) : 1;
      ipv4 += w;
      ipv6 += w;
    }
  }
  return { ipv4, ipv6 };
}

export function rulesLimitError(groupId: string, detail: string): Error {
  return ec2Error(
    'RulesPerSecurityGroupLimitExceeded',
    `The maximum number of rules per security group has been reached (${groupId}: ${detail}).`,
  );
}
