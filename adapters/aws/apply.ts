/**
 * Executes one AWS plan step against one scope's Ec2Api (STYLE G3): one function per step kind,
 * each idempotent, so re-running a half-done apply converges (CLOUD-FACTS §1.4, §1.5, §6.9).
 *
 * - Names → ids: steps name the owned objects they touch (some are created earlier in the same
 *   plan); ids are resolved through the cache or ONE filtered describe (group by `vpc-id` +
 *   `group-name`, prefix list by `prefix-list-name`; rules read back by GroupIds), never by
 *   listing the scope, and ONLY to objects carrying the step's owner tag: a same-named foreign
 *   object is refused, never written.
 * - Already done is success: a duplicate rule / group, a missing rule on revoke, a group or list
 *   already deleted, an ENI that no longer exists. A batch with one duplicate fails whole on EC2,
 *   so the rest is retried after reading what is there.
 * - Prefix lists: CurrentVersion = the step's expectation, translated through the versions our
 *   own earlier writes of the same plan actually produced (a resize may or may not count as a
 *   version: the docs are silent), so only someone else's write is a conflict.
 */
import { unitKey, type AwsDirection, type AwsPeer, type AwsRuleUnit } from '../../core/model/native/aws-rules.ts';
import { ConflictError } from '../../core/errors.ts';
import type { AwsIpPermission, AwsPrefixList } from '../../core/model/native/aws.ts';
import { isOwnedAws } from '../../core/ownership.ts';
import { AwsActualIndex } from '../../core/model/native/aws-index.ts';
import { canonicalCidr } from '../../core/model/native/aws-rules.ts';
import type {
  AwsAddEntriesStep,
  AwsCreateGroupStep,
  AwsCreatePrefixListStep,
  AwsGroupRef,
  AwsPrefixListRef,
  AwsRemoveEntriesStep,
  AwsResizePrefixListStep,
  AwsStep,
} from '../../core/plan/aws-steps.ts';
import { classifyCloudError, cloudErrorKind } from '../errors.ts';
import type { Ec2Api, Ec2PrefixList } from './api.ts';
import { AWS_ERRORS } from './errors.ts';
import { toPrefixList, toSecurityGroup } from './read.ts';

const awsErrorKind = (e: unknown) => cloudErrorKind(e, AWS_ERRORS);

export interface AwsApplyCache {
  /** `<vpc>\0<name>` → GroupId of owned groups. */
  groups: Map<string, string>;
  /** Owned prefix-list name → PrefixListId. */
  prefixLists: Map<string, string>;
  /** `<name>@<readVersion>` → the version the plan expects next and the one the cloud really has. */
  versions: Map<string, { planned: number; actual: number }>;
}

export function newAwsApplyCache(): AwsApplyCache {
  return { groups: new Map(), prefixLists: new Map(), versions: new Map() };
}

/** The default rule CreateSecurityGroup adds (CLOUD-FACTS §1.1): allow all egress, per family. */
const DEFAULT_EGRESS_CIDRS = new Set(['0.0.0.0/0', '::/0']);

/** @example await applyAwsStep(api, step, cache); // throws a SegsyncError subclass on failure */
export async function applyAwsStep(
  api: Ec2Api,
  step: AwsStep,
  cache: AwsApplyCache = newAwsApplyCache(),
): Promise<void> {
  try {
    await new StepRunner(api, step.owner, cache).run(step);
  } catch (e) {
    throw classifyCloudError(e, AWS_ERRORS, step);
  }
}

class StepRunner {
  constructor(
    private readonly api: Ec2Api,
    private readonly owner: string,
    private readonly cache: AwsApplyCache,
  ) {}

  async run(step: AwsStep): Promise<void> {
    switch (step.kind) {
      case 'create-group':
        return this.createGroup(step);
      case 'authorize':
        return this.authorize(step.group, step.direction, step.units);
      case 'revoke':
        return this.revoke(step.group, step.direction, step.units);
      case 'set-membership':
        return this.setMembership(step.interfaceId, step.groups);
      case 'delete-group':
        return this.deleteGroup(step.group);
      case 'create-prefix-list':
        return this.createPrefixList(step);
      case 'add-prefix-list-entries':
      case 'remove-prefix-list-entries':
      case 'resize-prefix-list':
        return this.modifyPrefixList(step);
      case 'delete-prefix-list':
        return this.deletePrefixList(step.prefixList);
    }
  }

  private async createGroup(step: AwsCreateGroupStep): Promise<void> {
    const { vpcId, name } = step.group;
    let id: string;
    try {
      id = (
        await this.api.createSecurityGroup({
          GroupName: name,
          Description: step.description,
          VpcId: vpcId,
          Tags: step.tags,
        })
      ).GroupId;
    } catch (e) {
      if (awsErrorKind(e) !== 'group-exists') throw e;
      this.cache.groups.delete(groupCacheKey(vpcId, name));
      id = await this.groupId(step.group);
    }
    this.cache.groups.set(groupCacheKey(vpcId, name), id);
    const defaults = (await this.described(id, 'egress')).filter(
      (u) => u.protocol === '-1' && u.peer.kind === 'cidr' && DEFAULT_EGRESS_CIDRS.has(u.peer.cidr),
    );
    if (defaults.length > 0)
      await this.api.revokeSecurityGroupEgress({ GroupId: id, IpPermissions: defaults.map(toPermission) });
  }

  private async authorize(ref: AwsGroupRef, direction: AwsDirection, units: readonly AwsRuleUnit[]): Promise<void> {
    const write =
      direction === 'ingress' ? this.api.authorizeSecurityGroupIngress : this.api.authorizeSecurityGroupEgress;
    await this.writeRules(ref, direction, units, write, 'rule-exists', (resolved, described) => {
      const present = new Set(described.map(unitKey));
      return resolved.filter((u) => !present.has(unitKey(u)));
    });
  }

  private async revoke(ref: AwsGroupRef, direction: AwsDirection, units: readonly AwsRuleUnit[]): Promise<void> {
    const write = direction === 'ingress' ? this.api.revokeSecurityGroupIngress : this.api.revokeSecurityGroupEgress;
    await this.writeRules(ref, direction, units, write, 'rule-missing', (resolved, described) => {
      // Revoke what is still there, with the descriptions it carries (moto matches them, CLOUD-FACTS §7).
      const wanted = new Set(resolved.map(unitKey));
      return described.filter((u) => wanted.has(unitKey(u)));
    });
  }

  /**
   * One authorize or revoke call with every unit; when AWS refuses it because part is already
   * done (`done`: a duplicate or missing rule fails the whole call), one more call with `rest`,
   * judged against the group's rules as described now.
   */
  private async writeRules(
    ref: AwsGroupRef,
    direction: AwsDirection,
    units: readonly AwsRuleUnit[],
    write: Ec2Api['authorizeSecurityGroupIngress'],
    done: 'rule-exists' | 'rule-missing',
    rest: (resolved: AwsRuleUnit[], described: AwsRuleUnit[]) => AwsRuleUnit[],
  ): Promise<void> {
    const GroupId = await this.groupId(ref);
    const resolved = await this.resolveUnits(units, ref.vpcId);
    const call = (list: AwsRuleUnit[]) => write.call(this.api, { GroupId, IpPermissions: list.map(toPermission) });
    try {
      await call(resolved);
    } catch (e) {
      if (awsErrorKind(e) !== done) throw e;
      const remaining = rest(resolved, await this.described(GroupId, direction));
      if (remaining.length > 0) await call(remaining);
    }
  }

  private async setMembership(interfaceId: string, refs: readonly AwsGroupRef[]): Promise<void> {
    const Groups: string[] = [];
    for (const r of refs) Groups.push(r.id ?? (await this.groupId(r)));
    try {
      await this.api.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: interfaceId, Groups });
    } catch (e) {
      if (awsErrorKind(e) !== 'interface-missing') throw e; // the instance is gone: nothing to enforce there
    }
  }

  private async deleteGroup(ref: AwsGroupRef): Promise<void> {
    const GroupId = ref.id ?? (await this.findGroupId(ref));
    try {
      if (GroupId !== undefined) await this.api.deleteSecurityGroup({ GroupId });
    } catch (e) {
      if (awsErrorKind(e) !== 'group-missing') throw e;
    }
    this.cache.groups.delete(groupCacheKey(ref.vpcId, ref.name));
  }

  private async createPrefixList(step: AwsCreatePrefixListStep): Promise<void> {
    const name = step.prefixList.name;
    for (const key of [...this.cache.versions.keys()]) if (key.startsWith(`${name}@`)) this.cache.versions.delete(key);
    // Prefix-list names need not be unique in EC2: look first, so a retried create makes no twin.
    const existing = (await this.prefixListsNamed(name)).find((p) => isOwnedAws(p.Tags, this.owner));
    const created = existing
      ? { PrefixListId: existing.PrefixListId, Version: existing.Version }
      : await this.api.createManagedPrefixList({
          PrefixListName: name,
          AddressFamily: step.family,
          MaxEntries: step.maxEntries,
          Entries: step.entries.map((Cidr) => ({ Cidr })),
          Tags: step.tags,
        });
    this.cache.prefixLists.set(name, created.PrefixListId);
    this.cache.versions.set(`${name}@0`, { planned: 1, actual: created.Version });
  }

  private async modifyPrefixList(
    step: AwsAddEntriesStep | AwsRemoveEntriesStep | AwsResizePrefixListStep,
  ): Promise<void> {
    const PrefixListId = await this.prefixListId(step.prefixList);
    const key = `${step.prefixList.name}@${step.readVersion}`;
    const known = this.cache.versions.get(key);
    const CurrentVersion = known?.planned === step.currentVersion ? known.actual : step.currentVersion;
    const change =
      step.kind === 'resize-prefix-list'
        ? { MaxEntries: step.maxEntries }
        : step.kind === 'add-prefix-list-entries'
          ? {
              AddEntries: step.cidrs.map((Cidr) => ({ Cidr })),
              ...(step.replaces?.length ? { RemoveEntries: step.replaces.map((Cidr) => ({ Cidr })) } : {}),
            }
          : { RemoveEntries: step.cidrs.map((Cidr) => ({ Cidr })) };
    let version: number;
    try {
      version = (await this.api.modifyManagedPrefixList({ PrefixListId, CurrentVersion, ...change })).Version;
    } catch (e) {
      const kind = awsErrorKind(e);
      if (kind !== 'version-mismatch' && kind !== 'prefix-list-entries-conflict') throw e;
      // Already applied by an earlier attempt of this very step? Then it is done; else someone else wrote.
      const list = await this.prefixListById(PrefixListId);
      if (!list || !alreadyApplied(step, list))
        throw new ConflictError(`prefix list ${step.prefixList.name} changed under us`, { cause: e });
      version = list.Version;
    }
    this.cache.versions.set(key, { planned: step.currentVersion + 1, actual: version });
  }

  private async deletePrefixList(ref: AwsPrefixListRef): Promise<void> {
    try {
      await this.api.deleteManagedPrefixList({ PrefixListId: ref.id ?? (await this.prefixListId(ref)) });
    } catch (e) {
      if (awsErrorKind(e) !== 'prefix-list-missing') throw e;
    }
    this.cache.prefixLists.delete(ref.name);
  }

  /** A group's rules as units with peers by id only (how resolved step units are keyed). */
  private async described(groupId: string, direction: AwsDirection): Promise<AwsRuleUnit[]> {
    const groups = (await this.api.describeSecurityGroups({ GroupIds: [groupId] })).map(toSecurityGroup);
    const idx = new AwsActualIndex({ SecurityGroups: groups, NetworkInterfaces: [], PrefixLists: [] }, this.owner);
    return groups.flatMap((g) => idx.units(g, direction)).map((u) => ({ ...u, peer: idOnly(u.peer) }));
  }

  private async resolveUnits(units: readonly AwsRuleUnit[], vpcId: string): Promise<AwsRuleUnit[]> {
    const out: AwsRuleUnit[] = [];
    for (const u of units) {
      const p = u.peer;
      if (p.kind === 'cidr') out.push(u);
      else if (p.kind === 'group')
        out.push({ ...u, peer: { kind: 'group', id: p.id ?? (await this.groupId({ vpcId, name: p.name ?? '' })) } });
      else
        out.push({
          ...u,
          peer: { kind: 'prefix-list', id: p.id ?? (await this.prefixListId({ name: p.name ?? '' })) },
        });
    }
    return out;
  }

  private async groupId(ref: AwsGroupRef): Promise<string> {
    const id = ref.id ?? (await this.findGroupId(ref));
    if (id === undefined) throw new Error(`security group ${ref.name} not found in ${ref.vpcId}`);
    return id;
  }

  /** An owned group's id by name (cache, then describe); a same-named foreign group is refused. */
  private async findGroupId(ref: AwsGroupRef): Promise<string | undefined> {
    const key = groupCacheKey(ref.vpcId, ref.name);
    const cached = this.cache.groups.get(key);
    if (cached !== undefined) return cached;
    const [found] = await this.api.describeSecurityGroups({
      Filters: [
        { Name: 'vpc-id', Values: [ref.vpcId] },
        { Name: 'group-name', Values: [ref.name] },
      ],
    });
    if (!found) return undefined;
    if (!isOwnedAws(found.Tags ?? [], this.owner))
      throw new Error(
        `refusing to use security group ${found.GroupId} (${ref.name}): it does not carry segsync's owner tag for ${this.owner}`,
      );
    this.cache.groups.set(key, found.GroupId);
    return found.GroupId;
  }

  private async prefixListId(ref: AwsPrefixListRef): Promise<string> {
    if (ref.id !== undefined) return ref.id;
    const cached = this.cache.prefixLists.get(ref.name);
    if (cached !== undefined) return cached;
    const found = (await this.prefixListsNamed(ref.name)).find((p) => isOwnedAws(p.Tags, this.owner));
    if (!found) throw new Error(`prefix list ${ref.name} (owned by ${this.owner}) not found`);
    this.cache.prefixLists.set(ref.name, found.PrefixListId);
    return found.PrefixListId;
  }
  /** Prefix lists of that name (names need not be unique in EC2), completed. */
  private async prefixListsNamed(name: string): Promise<AwsPrefixList[]> {
    const found = await this.api.describeManagedPrefixLists({
      Filters: [{ Name: 'prefix-list-name', Values: [name] }],
    });
    return found.filter((p) => p.PrefixListName === name).map(toPrefixList);
  }

  /** The list with that id, or undefined when it is gone. */
  private async prefixListById(id: string): Promise<AwsPrefixList | undefined> {
    let found: Ec2PrefixList[];
    try {
      found = await this.api.describeManagedPrefixLists({ PrefixListIds: [id] });
    } catch (e) {
      if (awsErrorKind(e) === 'prefix-list-missing') return undefined;
      throw e;
    }
    return found.map(toPrefixList).find((p) => p.PrefixListId === id);
  }
}

function groupCacheKey(vpcId: string, name: string): string {
  return `${vpcId}\u0000${name}`;
}

function idOnly(p: AwsPeer): AwsPeer {
  return p.kind === 'cidr' ? p : { kind: p.kind, id: p.id ?? '' };
}

function alreadyApplied(
  step: AwsAddEntriesStep | AwsRemoveEntriesStep | AwsResizePrefixListStep,
  list: AwsPrefixList,
): boolean {
  const present = new Set(list.Entries.map((e) => canonicalCidr(e.Cidr)));
  if (step.kind === 'resize-prefix-list') return list.MaxEntries === step.maxEntries;
  if (step.kind === 'add-prefix-list-entries')
    return step.cidrs.every((c) => present.has(c)) && (step.replaces ?? []).every((c) => !present.has(c));
  return step.cidrs.every((c) => !present.has(c));
}

/** One unit → one IpPermission with exactly one peer (units are deduplicated, so no request repeats one). */
function toPermission(u: AwsRuleUnit): AwsIpPermission {
  const d = u.description !== undefined ? { Description: u.description } : {};
  const p = u.peer;
  const isV6 = p.kind === 'cidr' && p.cidr.includes(':');
  return {
    IpProtocol: u.protocol,
    ...(u.fromPort !== undefined ? { FromPort: u.fromPort, ToPort: u.toPort } : {}),
    IpRanges: p.kind === 'cidr' && !isV6 ? [{ CidrIp: p.cidr, ...d }] : [],
    Ipv6Ranges: isV6 && p.kind === 'cidr' ? [{ CidrIpv6: p.cidr, ...d }] : [],
    PrefixListIds: p.kind === 'prefix-list' ? [{ PrefixListId: p.id ?? '', ...d }] : [],
    UserIdGroupPairs: p.kind === 'group' ? [{ GroupId: p.id ?? '', ...d }] : [],
  };
}
