/**
 * compileAzure(reach) → the NSGs, ASGs and NIC memberships segsync wants in Azure. Pure and
 * deterministic (same reach → byte-identical JSON): everything is sorted by id or name.
 *
 * Shape (CLOUD-FACTS §2, §6):
 * - Per (VNet, class): one ASG in the VNet's resource group and region, tagged with the owner and
 *   the class (core/ownership.ts). ASGs work inside one VNet only (§2.2), which is exactly where
 *   reach references a class by identity; every other peer is an exact prefix list.
 * - Per VNet: one NSG (or a few, when the classes do not fit one: azure-fit.ts) attached to every
 *   managed NIC of the VNet, holding each class's allow rules (azure-rules.ts) and a catch-all
 *   Deny in both directions at the last custom priority, so the default AllowVnetInBound /
 *   AllowInternetOutBound never apply to a managed NIC (§2.1, §6.3).
 * - Per managed NIC: its class's ASG on every IP configuration, and its bucket's NSG. The planner
 *   keeps foreign ASG memberships and decides what to do about foreign NSGs.
 */
import type { Policy } from '../policy/types.ts';
import type { AddressSet } from '../model/address.ts';
import { AddressCompressor, type SetContext } from './compress.ts';
import { narrowRulesFix, rulesBringing } from './refusal-rules.ts';
import { QuotaExceededError } from '../errors.ts';
import { AZURE_CLASS_TAG, AZURE_OWNER_TAG } from '../ownership.ts';
import type { Finding } from '../model/finding.ts';
import { DEFAULT_BUDGETS, type AzureBudget, type CompileContext } from '../model/budgets.ts';
import {
  asgName,
  nicOfIpConfiguration,
  nsgName,
  type AzureDesired,
  type AzureDesiredAsg,
  type AzureDesiredNic,
  type AzureDesiredNsg,
  type AzureDesiredRule,
} from './azure-model.ts';
import { armKey } from '../model/ids.ts';
import { armId, armParts } from '../model/ids.ts';
import { azureFixes, costOf, packClasses } from './azure-fit.ts';
import { classRules, denyRule, loadBalancerProbeRule, narrowedFinding, type ClassRuleContext } from './azure-rules.ts';
import type { NetworkReach, Reach } from './reach.ts';
import type { ClassMemo, NetworkClassMemo } from './class-memo.ts';

export type {
  AzureDesired,
  AzureDesiredAsg,
  AzureDesiredNic,
  AzureDesiredNsg,
  AzureDesiredRule,
} from './azure-model.ts';

const AZURE_NETWORK_PREFIX = 'azure:';

/** Budgets in force: the documented defaults overridden by `ctx.limits.azure`. */
export function azureBudget(ctx: CompileContext): AzureBudget {
  return { ...DEFAULT_BUDGETS.azure, ...ctx.limits?.azure };
}

/**
 * @example
 * const { desired } = compileAzure(computeReach(policy, workloads), { deploymentId: 'prod' });
 * desired.nsgs[0].rules.at(-1).name; // 'segsync-deny-all-outbound'
 */
/** One class's rules in one VNet, reused by recompile while its entries are unchanged (class-memo.ts). */
export interface AzureClassOutput {
  rules: AzureDesiredRule[];
  narrowed: boolean;
}

export function compileAzure(
  reach: Reach,
  ctx: CompileContext,
  policy?: Pick<Policy, 'azureLoadBalancerProbes' | 'addressPlans'> & Partial<Pick<Policy, 'rules' | 'endToEnd'>>,
  memo?: ClassMemo<AzureClassOutput>,
): { desired: AzureDesired; findings: Finding[] } {
  const budget = azureBudget(ctx);
  const probes = policy?.azureLoadBalancerProbes !== 'deny';
  const out: AzureDesired = { asgs: [], nsgs: [], nics: [] };
  const findings: Finding[] = [];
  const compressor = AddressCompressor.for(reach, policy);
  for (const net of reach.networks) {
    if (net.cloud === 'azure')
      compileNetwork(
        { reach, net, deploymentId: ctx.deploymentId, budget, probes, compressor, policy },
        out,
        findings,
        // Under address plans a set's compression depends on every known address: no reuse.
        compressor ? undefined : memo?.network(net),
      );
  }
  if (compressor) findings.push(...compressor.findings('azure'));
  const byId = <T extends { id: string }>(a: T, b: T): number =>
    armKey(a.id) < armKey(b.id) ? -1 : armKey(a.id) > armKey(b.id) ? 1 : 0;
  return { desired: { asgs: out.asgs.sort(byId), nsgs: out.nsgs.sort(byId), nics: out.nics.sort(byId) }, findings };
}

interface NetworkInput {
  reach: Reach;
  net: NetworkReach;
  deploymentId: string;
  budget: AzureBudget;
  /** Allow Azure Load Balancer health probes above the inbound deny (policy spec.azureLoadBalancerProbes). */
  probes: boolean;
  compressor?: AddressCompressor | undefined;
  /** For refusals: the rules that bring a class's weight, and which fixes the policy already uses. */
  policy?: (Pick<Policy, 'addressPlans'> & Partial<Pick<Policy, 'rules' | 'endToEnd'>>) | undefined;
}

const sidesOf = (direction: 'ingress' | 'egress' | undefined) =>
  direction ? [direction] : (['ingress', 'egress'] as const);

/**
 * Of a refused class's prefixes, those that are addresses of peer segments' members: ASGs stay in
 * one VNet, so a peer elsewhere (another VNet, Region or cloud) is written by address. Counted
 * before compression, as AWS counts its units.
 */
function unreachablePrefixes(
  input: NetworkInput,
  classId: string,
  direction: 'ingress' | 'egress' | undefined,
): number {
  let n = 0;
  for (const d of sidesOf(direction))
    for (const e of (d === 'ingress' ? input.net.ingress : input.net.egress).get(classId) ?? [])
      if (e.peer.kind === 'addresses' && e.peer.classId !== undefined) n += e.peer.set.toCidrs().length;
  return n;
}

/** The policy rules that bring a refused class its peers, on one side or (a rule count) both. */
function refusedRules(input: NetworkInput, classId: string, direction: 'ingress' | 'egress' | undefined): string[] {
  const { policy, net, reach } = input;
  if (!policy?.rules) return [];
  const cls = reach.classification.byId.get(classId);
  if (!cls) return [];
  const labelsOf = (id: string) => reach.classification.byId.get(id)?.labels ?? {};
  return sidesOf(direction).flatMap((d) => {
    const peers = new Map<string, number>();
    for (const e of (d === 'ingress' ? net.ingress : net.egress).get(classId) ?? []) {
      const id = e.peer.classId;
      if (id !== undefined) peers.set(id, reach.classification.byId.get(id)?.members.length ?? 0);
    }
    return rulesBringing({ rules: policy.rules! }, cls.labels, d, peers, labelsOf);
  });
}

interface Place {
  vnetId: string;
  subscription: string;
  resourceGroup: string;
  location: string;
  network: string;
}

function compileNetwork(
  input: NetworkInput,
  out: AzureDesired,
  findings: Finding[],
  memo?: NetworkClassMemo<AzureClassOutput>,
): void {
  const { net, deploymentId, budget } = input;
  const vnetId = net.network.slice(AZURE_NETWORK_PREFIX.length);
  const { subscription, resourceGroup } = armParts(vnetId);
  const place: Place = { vnetId, subscription, resourceGroup, location: net.location.region, network: net.network };
  const asgs = new Map(net.classIds.map((id) => [id, classAsg(input, place, id)]));
  const rulesOf = new Map<string, AzureDesiredRule[]>();
  for (const id of net.classIds) {
    const asg = asgs.get(id)!;
    let own = memo?.get(id);
    if (!own) {
      const ruleCtx = ruleContext(input, asg, asgs);
      const inbound = classRules(ruleCtx, 'Inbound', net.ingress.get(id) ?? []);
      const outbound = classRules(ruleCtx, 'Outbound', net.egress.get(id) ?? []);
      own = { rules: [...inbound.rules, ...outbound.rules], narrowed: inbound.narrowed || outbound.narrowed };
      memo?.set(id, own);
    }
    if (own.narrowed) findings.push(narrowedFinding(asg.id, asg.className));
    rulesOf.set(id, own.rules);
  }
  const items = net.classIds.map((id) => ({
    classId: id,
    className: asgs.get(id)!.className,
    cost: costOf(rulesOf.get(id)!),
  }));
  const buckets = packClasses(items, budget, nsgName(deploymentId, vnetId, 0), (item, over) => {
    const direction = over.limit.startsWith('source')
      ? 'ingress'
      : over.limit.startsWith('destination')
        ? 'egress'
        : undefined;
    const rules = input.policy ? refusedRules(input, item.classId, direction) : [];
    const unreachable = unreachablePrefixes(input, item.classId, direction);
    return {
      network: net.network,
      ...(over.limit.includes('prefixes') ? { unreachable } : {}),
      rules,
      fixes: azureFixes(over, direction, narrowRulesFix(rules), {
        addressPlans: (input.policy?.addressPlans?.length ?? 0) > 0,
        endToEnd: input.policy?.endToEnd !== undefined,
      }),
    };
  });
  const nsgOf = new Map<string, string>();
  buckets.forEach((classIds, i) => {
    const nsg = bucketNsg(input, place, i, classIds, rulesOf);
    for (const id of classIds) nsgOf.set(id, nsg.id);
    out.nsgs.push(nsg);
  });
  out.asgs.push(...asgs.values());
  for (const id of net.classIds) out.nics.push(...classNics(input, asgs.get(id)!, nsgOf.get(id)!));
}

function classAsg(input: NetworkInput, place: Place, classId: string): AzureDesiredAsg {
  const cls = input.reach.classification.byId.get(classId);
  if (!cls) throw new Error(`reach names class ${classId} that the classification does not know`);
  if (input.budget.asgsPerIpConfiguration < 1) {
    throw new QuotaExceededError({
      segment: cls.name,
      cloud: 'azure',
      object: `VNet ${place.vnetId}`,
      limit: 'application security groups per IP configuration',
      allowed: input.budget.asgsPerIpConfiguration,
      needed: 1,
    });
  }
  const name = asgName(input.deploymentId, place.vnetId, cls.name, cls.id);
  return {
    id: armId(place.subscription, place.resourceGroup, 'applicationSecurityGroups', name),
    subscription: place.subscription,
    resourceGroup: place.resourceGroup,
    name,
    location: place.location,
    network: place.network,
    tags: { [AZURE_OWNER_TAG]: input.deploymentId, [AZURE_CLASS_TAG]: cls.id },
    classId: cls.id,
    className: cls.name,
  };
}

function ruleContext(input: NetworkInput, own: AzureDesiredAsg, asgs: Map<string, AzureDesiredAsg>): ClassRuleContext {
  const byId = input.reach.classification.byId;
  return {
    deploymentId: input.deploymentId,
    className: own.className,
    ownAsg: own.id,
    asgOf: (classId) => {
      const asg = asgs.get(classId);
      // Reach references a class by identity only inside the network where it has members.
      if (!asg)
        throw new Error(`reach references class ${classId} by identity in ${input.net.network}, where it has no ASG`);
      return asg.id;
    },
    nameOf: (classId) => byId.get(classId)?.name ?? classId,
    ...(input.compressor
      ? {
          compress: (set: AddressSet, where: Pick<SetContext, 'direction' | 'ports'>) =>
            input.compressor!.compress(set, { ...where, network: input.net, classId: own.classId }),
        }
      : {}),
  };
}

function bucketNsg(
  input: NetworkInput,
  place: Place,
  bucket: number,
  classIds: string[],
  rulesOf: Map<string, AzureDesiredRule[]>,
): AzureDesiredNsg {
  const name = nsgName(input.deploymentId, place.vnetId, bucket);
  const byName = new Map<string, AzureDesiredRule>();
  for (const id of classIds) for (const r of rulesOf.get(id) ?? []) byName.set(r.name, r);
  const allows = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const max = input.budget.priorityMax;
  return {
    id: armId(place.subscription, place.resourceGroup, 'networkSecurityGroups', name),
    subscription: place.subscription,
    resourceGroup: place.resourceGroup,
    name,
    location: place.location,
    network: place.network,
    tags: { [AZURE_OWNER_TAG]: input.deploymentId },
    classIds: [...classIds].sort(),
    rules: [
      ...allows,
      ...(input.probes ? [loadBalancerProbeRule(input.deploymentId, max - 1)] : []),
      denyRule(input.deploymentId, 'Inbound', max),
      denyRule(input.deploymentId, 'Outbound', max),
    ],
  };
}

/** One desired NIC per NIC of each member (its IP configurations are its attachments). */
function classNics(input: NetworkInput, asg: AzureDesiredAsg, nsg: string): AzureDesiredNic[] {
  const out: AzureDesiredNic[] = [];
  for (const w of input.net.members.get(asg.classId) ?? []) {
    const byNic = new Map<string, { id: string; ipcs: string[] }>();
    // Azure keeps every NIC of a VM in one VNet; an attachment elsewhere could not join this VNet's ASG.
    for (const att of w.attachments.filter((a) => a.network === input.net.network)) {
      const nicId = nicOfIpConfiguration(att.id);
      const entry = byNic.get(armKey(nicId)) ?? { id: nicId, ipcs: [] };
      entry.ipcs.push(att.id);
      byNic.set(armKey(nicId), entry);
    }
    for (const { id, ipcs } of byNic.values()) {
      out.push({
        id,
        subscription: armParts(id).subscription,
        network: input.net.network,
        workloadId: w.id,
        classId: asg.classId,
        className: asg.className,
        ipConfigurations: ipcs.sort(),
        asg: asg.id,
        nsg,
      });
    }
  }
  return out;
}
