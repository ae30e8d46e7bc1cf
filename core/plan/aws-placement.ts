/**
 * Sticky placement of a class's rule units among its groups (identity + rule holders). Pure.
 *
 * compileAws packs units first-fit from scratch, so one new unit early in canonical order can
 * shift dozens of others into another group, and a group then needs room for old ∪ new until the
 * revoke phase (CLOUD-FACTS §1.2). Which of a class's groups holds a unit does not matter (every
 * member ENI carries all of them), so the planner re-places: a unit already in one of the class's
 * groups stays there, unless its group no longer holds it at the end (a list it names grew):
 * then the lightest unit whose leaving is enough moves; new and moved units go where there is room
 * even while old units are still present; failing that, where there is room at the end. If the
 * result does not fit, compile's packing stands. With an up-to-date state every unit stays where it is, so the plan is still empty.
 */
import type { AwsDesired, AwsDesiredGroup } from '../compile/aws.ts';
import { canonicalUnits, unitWeight, type RuleWeight } from '../compile/aws-units.ts';
import {
  unitKey,
  AWS_DIRECTIONS,
  type AwsDirection,
  type AwsPeer,
  type AwsRuleUnit,
} from '../model/native/aws-rules.ts';
import { groupKey, type AwsActualIndex } from '../model/native/aws-index.ts';
import type { AwsBudget } from '../model/budgets.ts';

export interface Weights {
  /** Weight while old and new coexist (prefix lists at their largest size during the apply). */
  peak: (p: AwsPeer) => number;
  /** Weight at the end (prefix lists at their desired size). */
  final: (p: AwsPeer) => number;
}

export function placeUnits(desired: AwsDesired, idx: AwsActualIndex, budget: AwsBudget, weights: Weights): AwsDesired {
  const byClass = new Map<string, AwsDesiredGroup[]>();
  for (const g of desired.groups) {
    const key = `${g.vpcId}\u0000${g.classId}`;
    byClass.set(key, [...(byClass.get(key) ?? []), g]);
  }
  const groups = desired.groups.map((g) => ({ ...g }));
  const replaced = new Map(groups.map((g) => [groupKey(g.vpcId, g.name), g]));
  for (const members of byClass.values()) {
    if (members.length < 2) continue;
    const sorted = [...members].sort((a, b) => a.index - b.index);
    for (const direction of AWS_DIRECTIONS) {
      const placed = place(sorted, direction, idx, budget.rulesPerGroupPerDirectionPerFamily, weights);
      if (placed)
        sorted.forEach((g, i) => {
          replaced.get(groupKey(g.vpcId, g.name))![direction] = placed[i]!;
        });
    }
  }
  return { ...desired, groups };
}

function place(
  groups: readonly AwsDesiredGroup[],
  direction: AwsDirection,
  idx: AwsActualIndex,
  limit: number,
  weights: Weights,
): AwsRuleUnit[][] | undefined {
  const all = canonicalUnits(groups.flatMap((g) => g[direction]));
  const actual = groups.map((g) => {
    const have = idx.ownedGroups.get(groupKey(g.vpcId, g.name));
    return have ? idx.units(have, direction) : [];
  });
  const where = new Map<string, number>();
  actual.forEach((units, i) =>
    units.forEach((u) => {
      if (!where.has(unitKey(u))) where.set(unitKey(u), i);
    }),
  );
  const out: AwsRuleUnit[][] = groups.map(() => []);
  const transient = actual.map((units) => sum(units, weights.peak));
  const rest: AwsRuleUnit[] = [];
  for (const u of all) {
    const i = where.get(unitKey(u));
    if (i === undefined) rest.push(u);
    else out[i]!.push(u);
  }
  for (let i = 0; i < out.length; i++) rest.push(...evict(out[i]!, limit, weights.final));
  for (const u of rest) {
    const w = unitWeight(u, weights.peak);
    let i = transient.findIndex((t) => fits(t, w, limit));
    if (i === -1) i = out.findIndex((units) => fits(sum(units, weights.final), unitWeight(u, weights.final), limit));
    if (i === -1) return undefined;
    out[i]!.push(u);
    add(transient[i]!, w);
  }
  return out.every((units) => fits(sum(units, weights.final), { ipv4: 0, ipv6: 0 }, limit)) ? out : undefined;
}

/**
 * Units a group cannot keep (a list it names grew): the fewest, heaviest first, so the rest stays
 * put. Removed from `units`; the caller places them again like new units.
 */
function evict(units: AwsRuleUnit[], limit: number, weight: (p: AwsPeer) => number): AwsRuleUnit[] {
  const evicted: AwsRuleUnit[] = [];
  while (!fits(sum(units, weight), { ipv4: 0, ipv6: 0 }, limit)) {
    const total = sum(units, weight);
    const heavy = (u: AwsRuleUnit) => {
      const w = unitWeight(u, weight);
      return Math.max(w.ipv4, w.ipv6);
    };
    // The lightest unit whose leaving is enough, else the heaviest, and look again.
    const order = units.map((u, i) => [heavy(u), i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const enough = order.find(([, i]) => {
      const w = unitWeight(units[i]!, weight);
      return total.ipv4 - w.ipv4 <= limit && total.ipv6 - w.ipv6 <= limit;
    });
    const [, at] = enough ?? order[order.length - 1]!;
    evicted.push(...units.splice(at, 1));
  }
  return evicted;
}

function sum(units: readonly AwsRuleUnit[], weight: (p: AwsPeer) => number): RuleWeight {
  const total = { ipv4: 0, ipv6: 0 };
  for (const u of units) add(total, unitWeight(u, weight));
  return total;
}

function add(total: RuleWeight, w: RuleWeight): void {
  total.ipv4 += w.ipv4;
  total.ipv6 += w.ipv6;
}

function fits(used: RuleWeight, w: RuleWeight, limit: number): boolean {
  return used.ipv4 + w.ipv4 <= limit && used.ipv6 + w.ipv6 <= limit;
}
