/**
 * Ordering rule changes when old ∪ new does not fit a security group (core/plan/aws-transition.ts):
 * one group on its own, and all groups of a class together, where a unit may move from one full
 * group to another. Every op sequence is replayed and checked: no group ever above the limit,
 * and no flow the new rules want that the old rules allowed is ever missing.
 */
import { describe, expect, it } from 'vitest';
import {
  interleave,
  interleaveClass,
  lateCutsNothing,
  type ClassTransitionOp,
} from '../../../core/plan/aws-transition.ts';
import { unitKey, type AwsRuleUnit } from '../../../core/model/native/aws-rules.ts';

const tcp = (port: number, cidr = '10.9.0.0/16'): AwsRuleUnit => ({
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  peer: { kind: 'cidr', cidr },
});
const one = () => ({ ipv4: 1, ipv6: 0 });
const keys = (units: readonly AwsRuleUnit[]) => units.map(unitKey).sort();

/**
 * Replays the ops: the groups never exceed `limit` (a unit weighs `weigh(u, lists grown so far)`),
 * and every wanted unit that was present stays present somewhere.
 */
function replay(
  groups: ReadonlyArray<{ keep: AwsRuleUnit[]; remove: AwsRuleUnit[] }>,
  ops: readonly ClassTransitionOp[],
  wanted: readonly AwsRuleUnit[],
  limit: number,
  weigh: (u: AwsRuleUnit, grown: ReadonlySet<string>) => number = () => 1,
): void {
  const state = groups.map((g) => new Map([...g.keep, ...g.remove].map((u) => [unitKey(u), u])));
  const before = new Set(state.flatMap((s) => [...s.keys()]));
  const kept = keys(wanted).filter((k) => before.has(k));
  const grown = new Set<string>();
  const load = (s: Map<string, AwsRuleUnit>) => [...s.values()].reduce((sum, u) => sum + weigh(u, grown), 0);
  for (const s of state) expect(load(s)).toBeLessThanOrEqual(limit);
  for (const op of ops) {
    if (op.op === 'grow') grown.add(op.list);
    else
      for (const u of op.units)
        if (op.op === 'authorize') state[op.group]!.set(unitKey(u), u);
        else state[op.group]!.delete(unitKey(u));
    for (const s of state) expect(load(s)).toBeLessThanOrEqual(limit);
    const present = new Set(state.flatMap((s) => [...s.keys()]));
    for (const k of kept) expect(present.has(k)).toBe(true);
  }
}

const show = (ops: readonly ClassTransitionOp[]) =>
  ops.map((o) => (o.op === 'grow' ? ['grow', o.list] : [o.group, o.op, keys(o.units)]));

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
    expect(show(order.early)).toEqual([
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

  it('GIVEN a full group whose prefix list must grow WHEN a unit moves out to another group THEN the list grows only after the move made room', () => {
    // Group 1 is full at L's current size (L 4 + M 2 of 6). L grows to 5 and a unit f arrives, so
    // M must move to group 2 first: growing at once would put group 1 at 7.
    const list = (name: string): AwsRuleUnit => ({
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      peer: { kind: 'prefix-list', name },
    });
    const [l, m, f] = [list('L'), list('M'), tcp(6)];
    const groups = [
      { keep: [l], add: [f], remove: [m] },
      { keep: [c], add: [m], remove: [] },
    ];
    const wanted = [l, f, c, m];
    const weigh = (u: AwsRuleUnit, grown: ReadonlySet<string>) =>
      u.peer.kind !== 'prefix-list' ? 1 : u.peer.name === 'M' ? 2 : grown.has('pl:L') ? 5 : 4;
    const weight = (u: AwsRuleUnit) => ({ ipv4: weigh(u, new Set(['pl:L'])), ipv6: 0 });
    const weightBefore = (u: AwsRuleUnit) => ({ ipv4: weigh(u, new Set()), ipv6: 0 });
    // Without sequencing the growth, the group is over the limit from the start.
    expect(interleaveClass({ wanted, groups, limit: 6, weight })).toBeUndefined();
    const grows = { lists: new Map([['pl:L', 'L']]), weightBefore };
    const order = interleaveClass({ wanted, groups, limit: 6, weight, grows })!;
    expect(order).toBeDefined();
    expect(show(order.early)).toEqual([
      [1, 'authorize', keys([m])],
      [0, 'revoke', keys([m])],
      ['grow', 'pl:L'],
      [0, 'authorize', keys([f])],
    ]);
    expect(order.late).toEqual([[], []]);
    replay(groups, order.early, wanted, 6, weigh);
  });

  it('GIVEN a growing list that fits only once the late revokes are done WHEN ordered THEN its growth waits for them, and no order is claimed where it never fits', () => {
    const pl: AwsRuleUnit = { protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'prefix-list', name: 'L' } };
    const weight = (u: AwsRuleUnit) => ({ ipv4: u.peer.kind === 'prefix-list' ? 5 : 1, ipv6: 0 });
    const weightBefore = (u: AwsRuleUnit) => ({ ipv4: u.peer.kind === 'prefix-list' ? 4 : 1, ipv6: 0 });
    const grows = { lists: new Map([['pl:L', 'L']]), weightBefore };
    // A member leaves the class, so b (which nothing else covers) can only go late.
    const order = interleaveClass({
      wanted: 'all',
      groups: [{ keep: [pl], add: [], remove: [b] }],
      limit: 5,
      weight,
      grows,
    });
    expect(order).toEqual({ early: [], late: [[b]], deferred: ['pl:L'], postponed: [[]] });
    // A late revoke whose flows the list's new entries give back (c, in another of the class's
    // groups) waits until after the growth, and keeps weighing on its group meanwhile.
    const c = tcp(3, '10.8.0.0/16');
    const cuts = { ...grows, cuts: (u: AwsRuleUnit) => u === c };
    const two = (limit: number) =>
      interleaveClass({
        wanted: 'all',
        groups: [
          { keep: [pl], add: [], remove: [b] },
          { keep: [tcp(4), tcp(5), tcp(6)], add: [], remove: [c] },
        ],
        limit,
        weight,
        grows: cuts,
      });
    expect(two(5)).toEqual({ early: [], late: [[b], []], deferred: ['pl:L'], postponed: [[], [c]] });
    // In the growing list's own group, c still in place leaves no room for the growth.
    const same = [{ keep: [pl], add: [], remove: [b, c] }];
    const to6 = (u: AwsRuleUnit) => ({ ipv4: u.peer.kind === 'prefix-list' ? 6 : 1, ipv6: 0 });
    expect(interleaveClass({ wanted: 'all', groups: same, limit: 6, weight: to6, grows })).toMatchObject({
      deferred: ['pl:L'],
    });
    expect(interleaveClass({ wanted: 'all', groups: same, limit: 6, weight: to6, grows: cuts })).toBeUndefined();
    // Growing by 2 while the late revoke frees 1: even after the late revokes the list does not fit.
    const bigger = (u: AwsRuleUnit) => ({ ipv4: u.peer.kind === 'prefix-list' ? 6 : 1, ipv6: 0 });
    const groups = [{ keep: [pl, a], add: [], remove: [b] }];
    expect(interleaveClass({ wanted: 'all', groups, limit: 6, weight: bigger, grows })).toBeUndefined();
  });

  it('GIVEN late revokes WHEN a deferred list would give back one of their flows THEN deferring is refused', () => {
    const holder: AwsRuleUnit = {
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      peer: { kind: 'prefix-list', name: 'L' },
    };
    const inline = tcp(443, '10.1.2.3/32');
    // The address moves from an inline rule into the list: revoking the rule first cuts it.
    expect(lateCutsNothing([inline], [holder], ['10.1.2.3/32'])).toBe(false);
    expect(lateCutsNothing([tcp(443, '10.0.0.0/8')], [holder], ['10.1.2.0/24'])).toBe(false);
    // Other ports or addresses: nothing comes back through the list, so nothing is cut.
    expect(lateCutsNothing([tcp(22, '10.1.2.3/32'), tcp(443, '10.9.9.9/32')], [holder], ['10.1.2.3/32'])).toBe(true);
    // A group reference may hold any address: only its ports can clear it.
    const viaGroup: AwsRuleUnit = { protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'group', name: 'G' } };
    expect(lateCutsNothing([viaGroup], [holder], ['10.1.2.3/32'])).toBe(false);
    expect(lateCutsNothing([{ ...viaGroup, fromPort: 80, toPort: 80 }], [holder], ['10.1.2.3/32'])).toBe(true);
    // The old rule naming the list itself holds only its old entries, never the added ones.
    expect(lateCutsNothing([holder], [holder], ['10.1.2.3/32'], 'pl:L')).toBe(true);
    expect(lateCutsNothing([holder], [holder], ['10.1.2.3/32'], 'pl:M')).toBe(false);
  });
});
