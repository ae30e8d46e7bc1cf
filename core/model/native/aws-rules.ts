/**
 * AWS security-group rules as semantic units: one protocol/port range towards one peer, the way
 * EC2 counts, matches and deduplicates rules (CLOUD-FACTS §1.2, §1.4). Pure data and keys.
 *
 * Here, with the native model (STYLE G6: key() lives with native models), because compile, plan
 * and the AWS adapter all compare rules by `unitKey`; the fit logic stays in core/compile/aws-units.ts.
 * A unit's identity is its semantic fields only (protocol, ports, peer): descriptions never count.
 */
import { formatCidr, parseCidr } from '../address.ts';

export type AwsDirection = 'ingress' | 'egress';
export const AWS_DIRECTIONS: readonly AwsDirection[] = ['ingress', 'egress'];

export type AwsPeer =
  /** Canonical CIDR text (formatCidr), IPv4 or IPv6. */
  | { kind: 'cidr'; cidr: string }
  /** A security group in the same VPC: by name (owned) and/or id (known once it exists). */
  | { kind: 'group'; name?: string; id?: string }
  /** A customer-managed prefix list in the same scope: by name (owned) and/or id. */
  | { kind: 'prefix-list'; name?: string; id?: string };

export interface AwsRuleUnit {
  /** 'tcp' | 'udp' | 'icmp' | 'icmpv6' | '-1' (every protocol), or a protocol number. */
  protocol: string;
  /** tcp/udp port range; icmp type (-1 = every type) and code (-1); absent for '-1'. */
  fromPort?: number;
  toPort?: number;
  peer: AwsPeer;
  /** Only on units read back from the cloud: moto revokes a group pair only with its Description (CLOUD-FACTS §7). */
  description?: string;
}

/** ICMP "every type, every code" (EC2 wants both -1). */
export const ICMP_ALL = -1;

export function peerKey(p: AwsPeer): string {
  if (p.kind === 'cidr') return `cidr:${p.cidr}`;
  const tag = p.kind === 'group' ? 'sg' : 'pl';
  return p.name !== undefined ? `${tag}:${p.name}` : `${tag}id:${p.id ?? ''}`;
}

/** Semantic identity of a unit within one group and direction. */
export function unitKey(u: AwsRuleUnit): string {
  return `${u.protocol}|${u.fromPort ?? ''}|${u.toPort ?? ''}|${peerKey(u.peer)}`;
}

/** Canonical CIDR text; something unparseable stays as it is (it then never equals a desired CIDR). */
export function canonicalCidr(text: string): string {
  const parsed = parseCidr(text.trim());
  return parsed.ok ? formatCidr(parsed.value) : text;
}
