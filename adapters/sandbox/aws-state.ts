/**
 * The sandbox EC2's internal state for one (account, Region), the quotas it enforces, and the
 * helpers every part of it shares (error construction, deterministic ids).
 *
 * Rules are stored as individual rule units (one protocol/port range, one peer), the way EC2
 * counts and matches them; they are regrouped into IpPermissions only when described.
 */
import type { AwsInstance, AwsNetworkInterface, AwsPrefixList, AwsTag } from '../../core/model/native/aws.ts';
import type { Ec2Scope } from '../aws/api.ts';
import { CloudApiError } from '../errors.ts';

/** EC2/VPC quotas the sandbox enforces (CLOUD-FACTS §1.2). All are adjustable in real AWS. */
export interface AwsLimits {
  /** Inbound or outbound rules per SG, counted separately for IPv4 and IPv6. */
  rulesPerGroupPerDirectionPerFamily: number;
  groupsPerInterface: number;
  groupsPerRegion: number;
  prefixListMaxEntries: number;
  prefixListsPerRegion: number;
}

export const DEFAULT_AWS_LIMITS: Readonly<AwsLimits> = Object.freeze({
  rulesPerGroupPerDirectionPerFamily: 60,
  groupsPerInterface: 5,
  groupsPerRegion: 2500,
  prefixListMaxEntries: 1000,
  prefixListsPerRegion: 100,
});

/** A rule's source (ingress) or destination (egress): exactly one of these. */
export type Peer =
  | { kind: 'cidr4'; cidr: string }
  | { kind: 'cidr6'; cidr: string }
  | { kind: 'pl'; id: string }
  | { kind: 'sg'; id: string };

/** One rule as EC2 counts it: protocol, port range (absent for all-port protocols), one peer. */
export interface RuleUnit {
  protocol: string;
  from?: number;
  to?: number;
  peer: Peer;
  description?: string;
}

export interface GroupState {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  Tags: AwsTag[];
  ingress: RuleUnit[];
  egress: RuleUnit[];
}

export interface ScopeState {
  scope: Ec2Scope;
  /** VPC id → whether it has IPv6 (decides whether a new group also gets ::/0 egress). */
  vpcs: Map<string, { ipv6: boolean }>;
  groups: Map<string, GroupState>;
  enis: Map<string, AwsNetworkInterface>;
  instances: Map<string, AwsInstance>;
  prefixLists: Map<string, AwsPrefixList>;
}

export function newScopeState(scope: Ec2Scope): ScopeState {
  return { scope, vpcs: new Map(), groups: new Map(), enis: new Map(), instances: new Map(), prefixLists: new Map() };
}

export type Direction = 'ingress' | 'egress';

/** The cloud's own error: code and message as EC2 returns them, HTTP 400 unless said otherwise. */
export function ec2Error(code: string, message: string, status = 400): CloudApiError {
  return new CloudApiError('aws', code, message, status);
}

/**
 * Deterministic ids in EC2's format (prefix + 17 hex digits), from one counter per prefix, so
 * the same estate and the same calls always produce the same ids (and snapshots).
 */
export class IdGenerator {
  private readonly counters: Map<string, number>;

  /** `counters`: what `dump()` returned, to continue a persisted sandbox with the same ids. */
  constructor(counters: Readonly<Record<string, number>> = {}) {
    this.counters = new Map(Object.entries(counters));
  }

  /** The counters, as data (sandbox persistence). */
  dump(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  next(prefix: 'sg' | 'eni' | 'pl'): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${n.toString(16).padStart(17, '0')}`;
  }
}

/**
 * The rule that a new group (and the default group) has in each family: allow all outbound.
 * CLOUD-FACTS §1.1: "one outbound allow-all rule (0.0.0.0/0, plus ::/0 on IPv6 VPCs)".
 */
export function defaultEgress(ipv6: boolean): RuleUnit[] {
  const units: RuleUnit[] = [{ protocol: '-1', peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } }];
  if (ipv6) units.push({ protocol: '-1', peer: { kind: 'cidr6', cidr: '::/0' } });
  return units;
}

/** Tags on create: EC2's restrictions (CLOUD-FACTS §1.3). */
export function checkTags(tags: readonly AwsTag[]): void {
  if (tags.length > 50)
    throw ec2Error(
      'TagLimitExceeded',
      `The maximum number of tags (50) for a resource has been exceeded: ${tags.length} given.`,
    );
  const seen = new Set<string>();
  for (const { Key, Value } of tags) {
    if (Key.length < 1 || Key.length > 128)
      throw ec2Error('InvalidParameterValue', `Tag key "${Key}" must be 1-128 characters long.`);
    if (Value.length > 256)
      throw ec2Error('InvalidParameterValue', `Tag value for key "${Key}" must be at most 256 characters long.`);
    if (Key.toLowerCase().startsWith('aws:'))
      throw ec2Error('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use: "${Key}".`);
    if (seen.has(Key)) throw ec2Error('InvalidParameterValue', `Duplicate tag key "${Key}" in the request.`);
    seen.add(Key);
  }
}

/** Sorted values of a map, by key, as deep copies: callers can never mutate sandbox state. */
export function sortedCopies<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.keys()].sort().map((k) => structuredClone(map.get(k)!));
}
