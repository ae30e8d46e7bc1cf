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
import { QuotaExceededError, type QuotaDetail } from '../errors.ts';
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

/** What the caller knows about a refused class beyond the budget: its network, the rules, the fixes. */
export type Explain = (
  item: PackItem,
  over: Exceeded,
) => Pick<QuotaDetail, 'network' | 'unreachable' | 'rules' | 'fixes'>;

/**
 * Buckets of class ids, first-fit in the given (sorted) order. Throws one QuotaExceededError
 * naming every class (segment) that alone does not fit an NSG, with the NSG and the limit, and
 * what `explain` adds.
 */
export function packClasses(
  items: readonly PackItem[],
  budget: AzureBudget,
  nsgLabel: string,
  explain?: Explain,
): string[][] {
  const buckets: Array<{ ids: string[]; cost: NsgCost; exclusive: boolean }> = [];
  const refused: QuotaExceededError[] = [];
  for (const item of items) {
    const alone = exceeded(item.cost, budget);
    if (alone) {
      refused.push(
        new QuotaExceededError({
          segment: item.className,
          cloud: 'azure',
          object: `NSG ${nsgLabel}`,
          limit: alone.limit,
          allowed: alone.allowed,
          needed: alone.needed,
          hint: "a NIC carries one NSG, so a segment's rules cannot be split across NSGs",
          ...explain?.(item, alone),
        }),
      );
      continue;
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
  if (refused.length > 0) throw QuotaExceededError.combine(refused);
  return buckets.map((b) => b.ids);
}

/**
 * The fixes of an Azure refusal, smallest first. `direction`: which rules carry the weight
 * (source prefixes are inbound rules' peers, destination prefixes outbound rules'); undefined
 * for a rule count, which both do.
 */
export function azureFixes(
  over: Exceeded,
  direction: 'ingress' | 'egress' | undefined,
  narrow: string | undefined,
  declared: { addressPlans: boolean; endToEnd: boolean },
): string[] {
  const fixes = narrow ? [narrow] : [];
  if (over.limit.includes('prefixes')) {
    fixes.push(
      declared.addressPlans
        ? 'segment-aligned subnets + compression (spec.addressPlans): give the peers their own blocks and cover their networks, so each peer segment is written as its blocks'
        : "segment-aligned subnets + compression (spec.addressPlans, docs/address-plans.md): allocate a block per segment and declare the networks' plans, so each peer segment is written as its blocks instead of its members",
    );
    if (direction === 'ingress')
      fixes.push(
        declared.endToEnd
          ? 'end-to-end mode (spec.endToEnd): declare more of the ranges every host of which segsync enforces'
          : 'end-to-end mode (spec.endToEnd, docs/end-to-end.md): declare the ranges every host of which segsync enforces, so inbound peers whose egress segsync enforces are written as ranges',
      );
  }
  fixes.push(
    `Azure allows ${over.allowed} ${over.limit}; segsync's limits.azure can only follow a limit Azure has raised for you`,
  );
  return fixes;
}
