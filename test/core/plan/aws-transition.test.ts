/**
 * Ordering rule changes when old ∪ new does not fit a security group (core/plan/aws-transition.ts):
 * one group on its own, and all groups of a class together, where a unit may move from one full
 * group to another. Every op sequence is replayed and checked: no group ever above the limit,
 * and no flow the new rules want that the old rules allowed is ever missing.
 */
import { describe, expect, it } from 'vitest';
import { interleave, interleaveClass, type ClassTransitionOp } from '../../../core/plan/aws-transition.ts';
import { unitKey, type AwsRuleUnit } from '../../../core/model/native/aws-rules.ts';

const tcp = (port: number, cidr = '10.9.0.0/16'): AwsRuleUnit => ({
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  peer: { kind: 'cidr', cidr },
});
const one = () => ({ ipv4: 1, ipv6: 0 });
const keys = (units: readonly AwsRuleUnit[]) => units.map(unitKey).sort();

/** Replays the ops: the groups never exceed `limit`, and every wanted unit that was present stays present somewhere. */
function replay(
  groups: ReadonlyArray<{ keep: AwsRuleUnit[]; remove: AwsRuleUnit[] }>,
  ops: readonly ClassTransitionOp[],
  wanted: readonly AwsRuleUnit[],
  limit: number,
): void {
  const state = groups.map((g) => new Set(keys([...g.keep, ...g.remove])));
  const before = new Set(state.flatMap((s) => [...s]));
  const kept = keys(wanted).filter((k) => before.has(k));
  for (const op of ops) {
    for (const u of op.units) state[op.group]![op.op === 'authorize' ? 'add' : 'delete'](unitKey(u));
    for (const s of state) expect(s.size).toBeLessThanOrEqual(limit);
    const present = new Set(state.flatMap((s) => [...s]));
    for (const k of kept) expect(present.has(k)).toBe(true);
  }
}

describe('rule transitions that do not fit a group', () => {
  const [a, b, c, d, e] = [tcp(1), tcp(2), tcp(3), tcp(4), tcp(5)];

  it('GIVEN two full groups WHEN a kept unit must move to make room THEN the class order moves it where one group alone cannot', () => {
    // Group 1 {a, b} → {a, e}; group 2 {c, d} → {c, b}: b moves from group 1 to group 2, d goes.
    const groups = [
      { keep: [a], add: [e], remove: [b] },
      { keep: [c], add: [b], remove: [d] },
    ];
    const wanted = [a, e, c, b];
    expect(interleave({ wanted, ...groups[0]!, limit: 2, weight: one })).toBeUndefined();
    const order = interleaveClass({ wanted, groups, limit: 2, weight: one })!;
    expect(order).toBeDefined();
    expect(order.late).toEqual([[], []]);
    expect(order.early.map((o) => [o.group, o.op, keys(o.units)])).toEqual([
      [1, 'revoke', keys([d])],
      [1, 'authorize', keys([b])],
      [0, 'revoke', keys([b])],
      [0, 'authorize', keys([e])],
    ]);
    replay(groups, order.early, wanted, 2);
  });

  it('GIVEN members leaving the class WHEN a unit is dropped THEN it waits for the revoke phase, but a moved unit still goes early', () => {
    const groups = [
      { keep: [a], add: [e], remove: [b] },
      { keep: [c], add: [b], remove: [d] },
    ];
    // d may still carry a leaving member's flows (its new class is joined later): it cannot go early,
    // so nothing can make room and no order fits.
    expect(interleaveClass({ wanted: 'all', groups, limit: 2, weight: one })).toBeUndefined();
    // With room everywhere nothing needs to go early: both removals wait for the revoke phase.
    const roomy = interleaveClass({ wanted: 'all', groups, limit: 3, weight: one })!;
    expect(roomy.late).toEqual([[b], [d]]);
    replay(groups, roomy.early, [a, e, c, b, d], 3);
  });

  it('GIVEN a group already above the limit (a prefix list growing) WHEN ordered THEN no order is claimed', () => {
    const heavy = () => ({ ipv4: 3, ipv6: 0 });
    expect(
      interleaveClass({ wanted: [a], groups: [{ keep: [a], add: [], remove: [] }], limit: 2, weight: heavy }),
    ).toBeUndefined();
  });
});
