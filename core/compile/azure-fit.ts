/**
 * Fitting a VNet's classes into NSGs within Azure's per-NSG budgets (CLOUD-FACTS §2.3, §6.6).
 * Pure and deterministic.
 *
 * A NIC has one NSG (CLOUD-FACTS §2.1), so a class's rules can never be split across NSGs: the
 * unit of packing is the class. Classes are packed first-fit in class-id order into buckets.
 *
 * Make-before-break headroom: while an NSG's rules change, the old and the new rules coexist
 * (put new, move NICs, then delete old: DESIGN.md §3), so a shared NSG is filled to at most
 * HALF of each budget; the transition then always fits. A class too big for half a budget gets
 * an NSG of its own and may use the whole budget (its transitions are checked by the planner).
 * A class that does not fit a whole NSG is refused with QuotaExceededError — never dropped.
 */
import { QuotaExceededError } from '../errors.ts';
import type { AzureBudget } from '../model/budgets.ts';
import { prefixCount, ruleAsgs, type AzureDesiredRule } from './azure-model.ts';

/** Share of every per-NSG budget a shared NSG may use (see the module comment). */
export const SHARED_NSG_SHARE = 0.5;

/**
 * The catch-all denies and the load-balancer probe allow (counted whether or not the policy keeps
 * it, so switching it on never breaks a fit): 3 rules, each with one prefix or tag per side.
 */
const DENY_RULES = 3;
const DENY_PREFIXES_PER_SIDE = 3;

export interface NsgCost {
  inbound: number;
  outbound: number;
  asgs: Set<string>;
  sourcePrefixes: number;
  destinationPrefixes: number;
}

export interface Exceeded {
  limit: string;
  allowed: number;
  needed: number;
}

export function emptyCost(): NsgCost {
  return { inbound: 0, outbound: 0, asgs: new Set(), sourcePrefixes: 0, destinationPrefixes: 0 };
}

/** Cost of a set of allow rules (the denies are added by `exceeded`). */
export function costOf(rules: ReadonlyArray<Pick<AzureDesiredRule, 'properties'>>): NsgCost {
  const c = emptyCost();
  for (const r of rules) {
    if (r.properties.direction === 'Inbound') c.inbound++;
    else c.outbound++;
    for (const a of ruleAsgs(r.properties)) c.asgs.add(a);
    c.sourcePrefixes += prefixCount(r.properties, 'source');
    c.destinationPrefixes += prefixCount(r.properties, 'destination');
  }
  return c;
}

export function addCost(a: NsgCost, b: NsgCost): NsgCost {
  return {
    inbound: a.inbound + b.inbound,
    outbound: a.outbound + b.outbound,
    asgs: new Set([...a.asgs, ...b.asgs]),
    sourcePrefixes: a.sourcePrefixes + b.sourcePrefixes,
    destinationPrefixes: a.destinationPrefixes + b.destinationPrefixes,
  };
}

/**
 * The first budget `cost` breaks at `share` of the limits, if any. `withDenies`: `cost` holds
 * allow rules only and the two catch-all denies are added (false when `cost` is a whole NSG as
 * read). Priorities: custom rules take priorityMin..priorityMax, the last slot is the deny's.
 */
export function exceeded(cost: NsgCost, budget: AzureBudget, share = 1, withDenies = true): Exceeded | undefined {
  const cap = (n: number): number => Math.floor(n * share);
  // The deny takes priorityMax and the probe allow the slot above it.
  const slots = budget.priorityMax - budget.priorityMin - 1;
  const rules = withDenies ? DENY_RULES : 0;
  const prefixes = withDenies ? DENY_PREFIXES_PER_SIDE : 0;
  const checks: Array<[string, number, number]> = [
    ['security rules per NSG', cap(budget.rulesPerNsg), cost.inbound + cost.outbound + rules],
    ['inbound rule priorities per NSG', cap(slots), cost.inbound],
    ['outbound rule priorities per NSG', cap(slots), cost.outbound],
    ['application security groups referenced per NSG', cap(budget.asgsPerNsg), cost.asgs.size],
    ['source address prefixes per NSG', cap(budget.prefixesPerNsgSide), cost.sourcePrefixes + prefixes],
    ['destination address prefixes per NSG', cap(budget.prefixesPerNsgSide), cost.destinationPrefixes + prefixes],
  ];
  for (const [limit, allowed, needed] of checks) if (needed > allowed) return { limit, allowed, needed };
  return undefined;
}

export interface PackItem {
  classId: string;
  className: string;
  cost: NsgCost;
}

/**
 * Buckets of class ids, first-fit in the given (sorted) order. Throws QuotaExceededError naming
 * the class (segment), the NSG and the limit when one class alone does not fit an NSG.
 */
export function packClasses(items: readonly PackItem[], budget: AzureBudget, nsgLabel: string): string[][] {
  const buckets: Array<{ ids: string[]; cost: NsgCost; exclusive: boolean }> = [];
  for (const item of items) {
    const alone = exceeded(item.cost, budget);
    if (alone) {
      throw new QuotaExceededError({
        segment: item.className,
        cloud: 'azure',
        object: `NSG ${nsgLabel}`,
        limit: alone.limit,
        allowed: alone.allowed,
        needed: alone.needed,
        hint: `a NIC carries one NSG, so a segment's rules cannot be split across NSGs: narrow the rules that reach this segment, merge address peers${alone.limit.includes('prefixes') ? ', use segment-aligned subnets + compression (spec.addressPlans) so peer segments are written as their blocks' : ''}, or raise the Azure limit (limits.azure)`,
      });
    }
    const shared = exceeded(item.cost, budget, SHARED_NSG_SHARE) === undefined;
    const home = shared
      ? buckets.find(
          (b) => !b.exclusive && exceeded(addCost(b.cost, item.cost), budget, SHARED_NSG_SHARE) === undefined,
        )
      : undefined;
    if (home) {
      home.ids.push(item.classId);
      home.cost = addCost(home.cost, item.cost);
    } else {
      buckets.push({ ids: [item.classId], cost: item.cost, exclusive: !shared });
    }
  }
  return buckets.map((b) => b.ids);
}
