/**
 * compileAws: Reach → the AWS objects segsync wants (security groups, customer-managed prefix
 * lists, ENI memberships). Pure and deterministic: same input, byte-identical output.
 *
 * Per (VPC, class) (CLOUD-FACTS §1.1, §1.2, §6):
 * - an identity security group; same-VPC peers reference it (one membership write moves a
 *   workload between classes, no rule rewrite); it holds the class's rules, overflow going to
 *   rule-holder groups attached to the same ENIs (aws-pack.ts);
 * - a prefix list per (peer class, family[, local]) for membership-driven address sets, so a
 *   re-tag elsewhere is an entry write, not a rule rewrite; policy regions (stable sets) are
 *   inline CIDRs;
 * - memberships: every ENI of every member in the VPC carries its class's groups, identity first.
 * Groups start with no rules at all, so "no entries" (quarantine) is deny-all both ways; the
 * default allow-all egress is revoked by the create step (see core/plan/aws.ts).
 */
import { formatCidr, parseAddress, AddressSet, type Family } from '../model/address.ts';
import type { AwsTag } from '../model/native/aws.ts';
import { QuotaExceededError } from '../errors.ts';
import type { Finding } from '../model/finding.ts';
import { DEFAULT_BUDGETS, type AwsBudget, type CompileContext } from '../model/budgets.ts';
import { FAMILIES, type WorkloadClass } from './classes.ts';
import { awsGroupDescription, awsGroupName, awsOwnedTags, awsPrefixListName, type ClassRef } from './aws-names.ts';
import { awsScope, awsVpcId } from '../model/ids.ts';
import { entryUnits, packGroups, prefixListSize, type UnitPeer } from './aws-pack.ts';
import { compareStrings as cmp } from '../model/compare.ts';
import type { AwsDirection, AwsPeer, AwsRuleUnit } from '../model/native/aws-rules.ts';
import type { NetworkReach, Reach, ReachEntry } from './reach.ts';

export type { AwsDirection, AwsPeer, AwsRuleUnit } from '../model/native/aws-rules.ts';

interface Placed {
  scope: string;
  network: string;
  vpcId: string;
  classId: string;
  className: string;
}

export interface AwsDesiredGroup extends Placed {
  name: string;
  /** 1 = the identity group; 2, 3, … = rule holders. */
  index: number;
  description: string;
  tags: AwsTag[];
  ingress: AwsRuleUnit[];
  egress: AwsRuleUnit[];
}

export interface AwsDesiredPrefixList extends Placed {
  name: string;
  family: Family;
  maxEntries: number;
  /** Canonical CIDRs, sorted by address. */
  entries: string[];
  tags: AwsTag[];
}

export interface AwsDesiredMembership extends Placed {
  interfaceId: string;
  workloadId: string;
  /** Group names, identity first. */
  groups: string[];
}

export interface AwsDesired {
  groups: AwsDesiredGroup[];
  prefixLists: AwsDesiredPrefixList[];
  memberships: AwsDesiredMembership[];
}

export function awsBudget(ctx: CompileContext): AwsBudget {
  return { ...DEFAULT_BUDGETS.aws, ...ctx.limits?.aws };
}

/**
 * @example
 * const { desired, findings } = compileAws(computeReach(policy, workloads), { deploymentId: 'prod' });
 * desired.groups[0].name; // 'segsync-prod-web-k3x9a0b1c2'
 */
export function compileAws(reach: Reach, ctx: CompileContext): { desired: AwsDesired; findings: Finding[] } {
  const budget = awsBudget(ctx);
  const desired: AwsDesired = { groups: [], prefixLists: [], memberships: [] };
  const findings: Finding[] = [];
  for (const net of reach.networks.filter((n) => n.cloud === 'aws')) {
    new NetworkCompiler(reach, net, ctx.deploymentId, budget).run(desired, findings);
  }
  const placeKey = (p: Placed) => `${p.scope}\u0000${p.vpcId}`;
  desired.groups.sort((a, b) => cmp(placeKey(a), placeKey(b)) || cmp(a.name, b.name));
  desired.prefixLists.sort((a, b) => cmp(a.scope, b.scope) || cmp(a.name, b.name));
  desired.memberships.sort((a, b) => cmp(placeKey(a), placeKey(b)) || cmp(a.interfaceId, b.interfaceId));
  return { desired, findings };
}

class NetworkCompiler {
  private readonly scope: string;
  private readonly vpcId: string;
  private readonly prefixLists = new Map<string, AwsDesiredPrefixList>();

  constructor(
    private readonly reach: Reach,
    private readonly net: NetworkReach,
    private readonly dep: string,
    private readonly budget: AwsBudget,
  ) {
    this.scope = awsScope(net.location);
    this.vpcId = awsVpcId(net.network);
  }

  run(out: AwsDesired, findings: Finding[]): void {
    const perClass = this.net.classIds.map((id) => {
      const cls = this.cls(id);
      const units = { ingress: this.units(cls, 'ingress', findings), egress: this.units(cls, 'egress', findings) };
      return { cls, units };
    });
    for (const pl of this.prefixLists.values()) pl.maxEntries = this.sizeOf(pl);
    const maxEntriesOf = (p: AwsPeer) =>
      p.kind === 'prefix-list' && p.name !== undefined ? (this.prefixLists.get(p.name)?.maxEntries ?? 0) : 0;
    for (const { cls, units } of perClass) {
      const groupName = (i: number) => awsGroupName(this.dep, cls, i);
      const packed = packGroups({
        className: cls.name,
        where: `${this.vpcId} (${this.scope})`,
        groupName,
        units,
        maxEntriesOf,
        budget: this.budget,
      });
      const names = packed.map((_, i) => groupName(i + 1));
      packed.forEach((g, i) =>
        out.groups.push({
          ...this.placed(cls),
          name: names[i]!,
          index: i + 1,
          description: awsGroupDescription(this.dep, cls, i + 1),
          tags: awsOwnedTags(this.dep, cls.id, this.scope),
          ingress: g.ingress,
          egress: g.egress,
        }),
      );
      for (const w of this.net.members.get(cls.id) ?? []) {
        for (const att of w.attachments.filter((a) => a.network === this.net.network)) {
          out.memberships.push({ ...this.placed(cls), interfaceId: att.id, workloadId: w.id, groups: names });
        }
      }
    }
    out.prefixLists.push(...this.prefixLists.values());
  }

  private cls(id: string): WorkloadClass {
    const cls = this.reach.classification.byId.get(id);
    if (!cls) throw new Error(`reach names class ${id} that the classification does not hold`);
    return cls;
  }

  private placed(cls: ClassRef): Placed {
    return { scope: this.scope, network: this.net.network, vpcId: this.vpcId, classId: cls.id, className: cls.name };
  }

  private units(cls: WorkloadClass, direction: AwsDirection, findings: Finding[]): AwsRuleUnit[] {
    const entries = (direction === 'ingress' ? this.net.ingress : this.net.egress).get(cls.id) ?? [];
    const units: AwsRuleUnit[] = [];
    let narrowed = false;
    for (const entry of entries) {
      for (const peer of this.peers(entry)) {
        const r = entryUnits(peer, entry.ports);
        units.push(...r.units);
        narrowed ||= r.narrowed;
      }
    }
    if (narrowed) findings.push(narrowedFinding(awsGroupName(this.dep, cls, 1), cls.name, direction, this.vpcId));
    return units;
  }

  private peers(entry: ReachEntry): UnitPeer[] {
    const p = entry.peer;
    if (p.kind === 'class') {
      const peerClass = this.cls(p.classId);
      return [
        {
          peer: { kind: 'group', name: awsGroupName(this.dep, peerClass, 1) },
          families: FAMILIES.filter((f) => peerClass.region[f]),
        },
      ];
    }
    if (p.classId === undefined)
      return p.set.toCidrs().map((c) => ({ peer: { kind: 'cidr', cidr: formatCidr(c) }, families: [p.family] }));
    return [{ peer: { kind: 'prefix-list', name: this.prefixList(p.classId, p.family, p.set) }, families: [p.family] }];
  }

  /** Registers (once) the prefix list holding `set`, a class's members' addresses; returns its name. */
  private prefixList(classId: string, family: Family, set: AddressSet): string {
    const cls = this.cls(classId);
    const local = this.net.classIds.includes(classId) && set.equals(this.localSet(classId, family));
    const name = awsPrefixListName(this.dep, cls, family, this.vpcId, local);
    const entries = set.toCidrs().map(formatCidr);
    const known = this.prefixLists.get(name);
    if (known && known.entries.join(',') !== entries.join(',')) {
      throw new Error(`two different address sets of class ${cls.name} in ${this.vpcId} map to prefix list ${name}`);
    }
    this.prefixLists.set(name, {
      ...this.placed(cls),
      name,
      family,
      maxEntries: 0,
      entries,
      tags: awsOwnedTags(this.dep, cls.id, this.scope),
    });
    return name;
  }

  /** Every address of the class's members in this VPC, as reach builds an in-network set. */
  private localSet(classId: string, family: Family): AddressSet {
    const members = this.net.members.get(classId) ?? [];
    const values = members
      .flatMap((w) => [...new Set([...w.addresses, ...w.attachments.flatMap((a) => a.addresses)])])
      .map(parseAddress)
      .flatMap((p) => (p.ok && p.value.family === family ? [[p.value.value, p.value.value] as const] : []));
    return AddressSet.fromRanges(family, values);
  }

  private sizeOf(pl: AwsDesiredPrefixList): number {
    if (pl.entries.length > this.budget.prefixListMaxEntries) {
      throw new QuotaExceededError({
        segment: pl.className,
        cloud: 'aws',
        object: `prefix list ${pl.name} (${this.scope})`,
        limit: 'prefix list entries',
        allowed: this.budget.prefixListMaxEntries,
        needed: pl.entries.length,
        hint: 'the class has more members outside this VPC than one prefix list holds (AWS caps MaxEntries at 1000)',
      });
    }
    return prefixListSize(pl.entries.length, this.budget);
  }
}

function narrowedFinding(group: string, className: string, direction: AwsDirection, vpcId: string): Finding {
  return {
    severity: 'warning',
    code: 'other-protocols-narrowed',
    cloud: 'aws',
    target: group,
    message: `class ${className} in ${vpcId}: the policy allows ${direction} on protocols other than tcp, udp and icmp, which security groups here only get as tcp/udp/icmp rules (narrower, never wider)`,
    hint: 'write "any" to allow every protocol, or list tcp/udp/icmp ports explicitly',
  };
}
