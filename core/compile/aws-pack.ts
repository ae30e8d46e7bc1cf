/**
 * Reach entries → AWS rule units, and units → security groups within the rule budgets.
 * Pure and deterministic (CLOUD-FACTS §1.2, §6.6).
 *
 * Translation (never wider than the entry; CLOUD-FACTS §1.1):
 * - ports `any` → IpProtocol '-1'; each tcp/udp range → one unit; icmp → 'icmp' (type/code -1)
 *   towards IPv4 peers and 'icmpv6' towards IPv6 peers; a group peer gets the ICMP flavour of
 *   every family its class has addresses in (a reference matches the members' IPv4 and IPv6).
 * - `others` (protocols beyond tcp/udp/icmp) without `any` has no compact AWS form (it would
 *   take ~250 protocol-number rules): it is left out, which is narrower, and reported.
 * Packing: units in canonical order, first fit, into the identity group then rule holders, each
 * direction and family holding at most `rulesPerGroupPerDirectionPerFamily` weight; a unit that
 * fits nowhere alone, or more groups than an interface takes, is a QuotaExceededError.
 */
import type { Family } from '../model/address.ts';
import type { PortSet } from '../model/ports.ts';
import { QuotaExceededError } from '../errors.ts';
import type { AwsBudget } from '../model/budgets.ts';
import { canonicalUnits, unitWeight } from './aws-units.ts';
import { ICMP_ALL, type AwsDirection, type AwsPeer, type AwsRuleUnit } from '../model/native/aws-rules.ts';

/** One entry's peer, already translated: a named group or prefix list, or inline CIDRs. */
export interface UnitPeer {
  peer: AwsPeer;
  /** Families the peer can hold addresses of (decides icmp vs icmpv6). */
  families: readonly Family[];
}

/**
 * The units of one (peer, ports) pair; `narrowed` when `others` had to be left out.
 * @example entryUnits({ peer: { kind: 'cidr', cidr: '10.0.0.0/8' }, families: ['ipv4'] }, tcp443); // [{ protocol: 'tcp', fromPort: 443, toPort: 443, peer }]
 */
export function entryUnits(target: UnitPeer, ports: PortSet): { units: AwsRuleUnit[]; narrowed: boolean } {
  const { peer, families } = target;
  if (ports.isAll()) return { units: [{ protocol: '-1', peer }], narrowed: false };
  const units: AwsRuleUnit[] = [];
  for (const [fromPort, toPort] of ports.tcp) units.push({ protocol: 'tcp', fromPort, toPort, peer });
  for (const [fromPort, toPort] of ports.udp) units.push({ protocol: 'udp', fromPort, toPort, peer });
  if (ports.icmp) {
    for (const f of families)
      units.push({ protocol: f === 'ipv4' ? 'icmp' : 'icmpv6', fromPort: ICMP_ALL, toPort: ICMP_ALL, peer });
  }
  return { units, narrowed: ports.others };
}

export interface PackedGroup {
  ingress: AwsRuleUnit[];
  egress: AwsRuleUnit[];
}

export interface PackRequest {
  className: string;
  /** Where, for messages: `<vpc id> (<account>/<region>)`. */
  where: string;
  /** Name of group `index` (1 = identity). */
  groupName: (index: number) => string;
  units: Record<AwsDirection, AwsRuleUnit[]>;
  maxEntriesOf: (p: AwsPeer) => number;
  budget: AwsBudget;
}

/** First-fit packing; always at least the identity group (an empty one denies everything). */
export function packGroups(req: PackRequest): PackedGroup[] {
  const limit = req.budget.rulesPerGroupPerDirectionPerFamily;
  const groups: PackedGroup[] = [{ ingress: [], egress: [] }];
  const used: Array<Record<AwsDirection, { ipv4: number; ipv6: number }>> = [];
  const usage = (i: number) => (used[i] ??= { ingress: { ipv4: 0, ipv6: 0 }, egress: { ipv4: 0, ipv6: 0 } });
  for (const direction of ['ingress', 'egress'] as const) {
    for (const unit of canonicalUnits(req.units[direction])) {
      const w = unitWeight(unit, req.maxEntriesOf);
      if (w.ipv4 > limit || w.ipv6 > limit) throw unitTooHeavy(req, unit, Math.max(w.ipv4, w.ipv6), limit);
      let i = 0;
      while (
        i < groups.length &&
        (usage(i)[direction].ipv4 + w.ipv4 > limit || usage(i)[direction].ipv6 + w.ipv6 > limit)
      )
        i++;
      if (i === groups.length) groups.push({ ingress: [], egress: [] });
      groups[i]![direction].push(unit);
      usage(i)[direction].ipv4 += w.ipv4;
      usage(i)[direction].ipv6 += w.ipv6;
    }
  }
  if (groups.length > req.budget.groupsPerInterface) {
    throw new QuotaExceededError({
      segment: req.className,
      cloud: 'aws',
      object: `every network interface of class ${req.className} in ${req.where}`,
      limit: 'security groups per network interface',
      allowed: req.budget.groupsPerInterface,
      needed: groups.length,
      hint: `its rules need ${groups.length} groups of ${limit} rules per direction and family; raise the AWS quotas and limits.aws.groupsPerInterface / rulesPerGroupPerDirectionPerFamily, or use fewer distinct peers and port ranges`,
    });
  }
  return groups;
}

function unitTooHeavy(req: PackRequest, unit: AwsRuleUnit, weight: number, limit: number): QuotaExceededError {
  const what =
    unit.peer.kind === 'prefix-list'
      ? `a reference to prefix list ${unit.peer.name ?? unit.peer.id} (weight = its MaxEntries)`
      : 'one rule';
  return new QuotaExceededError({
    segment: req.className,
    cloud: 'aws',
    object: `security group ${req.groupName(1)} in ${req.where}`,
    limit: 'rules per security group per direction per family',
    allowed: limit,
    needed: weight,
    hint: `${what} alone exceeds the budget; raise the AWS quota and limits.aws.rulesPerGroupPerDirectionPerFamily`,
  });
}

/**
 * MaxEntries for a prefix list of `n` entries: the next power of two (at least 4), so small
 * membership changes do not resize it every time, but never above the rule budget while `n` fits
 * in it (a larger list could not be referenced from any group), and never above the list cap.
 * @example prefixListSize(5, budget); // 8
 */
export function prefixListSize(n: number, budget: AwsBudget): number {
  let step = 4;
  while (step < n) step *= 2;
  const rules = budget.rulesPerGroupPerDirectionPerFamily;
  return n <= rules ? Math.min(step, rules) : Math.min(step, budget.prefixListMaxEntries);
}
