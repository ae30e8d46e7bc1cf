/**
 * Ordering the rule changes of one security group and direction when old and new units do not
 * fit in the group together (CLOUD-FACTS §1.2: 60 per direction and family). Pure.
 *
 * Authorize-all-then-revoke-all needs room for old ∪ new. When that overflows, an old unit may go
 * EARLY (before the membership phase) if everything of it the new rules (of all the class's
 * groups) still allow is allowed by the units left in this group: A(r) ∩ A(new) ⊆ A(current − r). That keeps old ∩ new ⊆ E ⊆ old ∪ new for
 * every member that stays in the group, so the caller uses this only for groups no ENI leaves in
 * this plan (joiners arrive after the authorize phase, when every new unit is in place).
 * Typical case: a carve-out moves (a workload re-tagged elsewhere), so one CIDR of the old
 * decomposition becomes ~30 of the new; adding the pieces that cover it lets it go, making room.
 *
 * Flow space of a unit: protocol class × destination ports × peer, the peer being an address set
 * (CIDR peers) or an opaque atom (a group or prefix list: only the same peer covers it).
 */
import { AddressSet, parseCidr } from '../model/address.ts';
import type { RuleWeight } from '../compile/aws-units.ts';
import { peerKey, unitKey, type AwsRuleUnit } from '../model/native/aws-rules.ts';

export interface TransitionRequest {
  /**
   * What the members will be allowed at the end: the new units of EVERY group of the class in
   * this direction (units may move between a class's groups, and a new rule holder only joins
   * the ENIs in the membership phase). 'all': see ClassTransitionRequest.
   */
  wanted: readonly AwsRuleUnit[] | 'all';
  keep: readonly AwsRuleUnit[];
  add: readonly AwsRuleUnit[];
  remove: readonly AwsRuleUnit[];
  limit: number;
  weight: (u: AwsRuleUnit) => RuleWeight;
  grows?: ListGrowth;
}

/**
 * Prefix lists this transition grows itself, because only its groups reference them: a unit
 * naming one weighs `weightBefore` (the list's current MaxEntries) until the list's 'grow' op,
 * `weight` after. Growing a list raises the weight of every group referencing it (a resize AWS
 * refuses when a group would overflow, CLOUD-FACTS §1.2), so it waits until early revokes made
 * room. Lists not named here weigh their largest size throughout.
 */
export interface ListGrowth {
  /** Each growing prefix list: its peerKey → its name. */
  lists: ReadonlyMap<string, string>;
  weightBefore: (u: AwsRuleUnit) => RuleWeight;
  /**
   * Weight once the late revokes are done and the deferred lists have grown after them: a
   * deferred list at the size its removes-first change needs, each of `shrinking` at its final
   * size (the caller runs their shrinks before the deferred growth). Default: `weight`.
   */
  weightDeferred?: (u: AwsRuleUnit) => RuleWeight;
  /** Names of the lists that only shrink in this plan and whose shrink the caller can sequence. */
  shrinking?: readonly string[];
  /**
   * Whether revoking `late` before the deferred list (peerKey) gets its new entries would cut a
   * flow they give back (typically: a list part whose entries merge into the growing list). Such
   * a revoke waits until after the deferred growth (`postponed`), still weighing on its group.
   */
  cuts?: (late: AwsRuleUnit, list: string) => boolean;
}

export type TransitionOp = { op: 'authorize' | 'revoke'; units: AwsRuleUnit[] } | GrowOp;

/** Resize the list (by peerKey) to its largest size: after it, its entries may be added. */
export interface GrowOp {
  op: 'grow';
  list: string;
}

/** Ops for the authorize phase (the rest of `remove` waits for the revoke phase), or undefined if no order fits. */
export function interleave(
  req: TransitionRequest,
): { early: TransitionOp[]; late: AwsRuleUnit[]; deferred: string[]; postponed: AwsRuleUnit[] } | undefined {
  const { wanted, limit, weight, grows, ...group } = req;
  const order = interleaveClass({ wanted, limit, weight, groups: [group], ...(grows ? { grows } : {}) });
  return (
    order && {
      early: order.early.map((op) => (op.op === 'grow' ? op : { op: op.op, units: op.units })),
      late: order.late[0]!,
      deferred: order.deferred,
      postponed: order.postponed[0]!,
    }
  );
}

/** The groups of one class (and direction) that its members carry during the authorize phase. */
export interface ClassTransitionRequest {
  /**
   * As in TransitionRequest; 'all' when some member leaves the class in this plan: its new flows
   * come from other classes' groups it joins only later, so an old unit may then go early only if
   * the units left allow everything it allows (a unit that moved between groups, or one subsumed).
   */
  wanted: readonly AwsRuleUnit[] | 'all';
  groups: ReadonlyArray<{ keep: readonly AwsRuleUnit[]; add: readonly AwsRuleUnit[]; remove: readonly AwsRuleUnit[] }>;
  limit: number;
  weight: (u: AwsRuleUnit) => RuleWeight;
  grows?: ListGrowth;
}

export interface ClassTransition {
  /** For the authorize phase, in this order. */
  early: ClassTransitionOp[];
  /** Per group, the revokes that wait for the revoke phase. */
  late: AwsRuleUnit[][];
  /**
   * Growing lists (peerKeys) whose groups have room only once the late revokes are done: they
   * grow, and get their new entries, right after them (in the revoke phase). Only new flows wait:
   * an entry being added is an address the old rules did not allow through this list.
   */
  deferred: string[];
  /** Per group, late revokes that wait until after the deferred growth (ListGrowth.cuts). */
  postponed: AwsRuleUnit[][];
}

export type ClassTransitionOp =
  { op: 'authorize' | 'revoke'; units: AwsRuleUnit[]; /** Index into `groups`. */ group: number } | GrowOp;

/**
 * The one-group rule, for all groups of a class at once: every member ENI carries all of them, so
 * an old unit may go early when the units left in ANY of the class's groups still allow what the
 * new rules want of it. That lets a unit move between full groups (authorized where there is room,
 * then revoked where it was) and one group's new rules make room in another. A growing list
 * (ListGrowth) grows once every group naming it has room. The ops must run in the order given,
 * across the groups (the steps carry a shared sequence key for the engine).
 */
export function interleaveClass(req: ClassTransitionRequest): ClassTransition | undefined {
  const rectsOf = memoRects();
  const wanted = req.wanted === 'all' ? undefined : req.wanted.flatMap(rects);
  const current = req.groups.map(
    (g) => new Map<string, AwsRuleUnit>([...g.keep, ...g.remove].map((u) => [unitKey(u), u])),
  );
  const pendingGrow = new Set(req.grows?.lists.keys() ?? []);
  const weightNow = (u: AwsRuleUnit): RuleWeight =>
    u.peer.kind === 'prefix-list' && pendingGrow.has(peerKey(u.peer)) ? req.grows!.weightBefore(u) : req.weight(u);
  const load = (g: number, only?: string): RuleWeight => {
    const w = { ipv4: 0, ipv6: 0 };
    for (const u of current[g]!.values())
      if (only === undefined) addWeight(w, weightNow(u), 1);
      else if (peerKey(u.peer) === only) {
        addWeight(w, req.weight(u), 1);
        addWeight(w, weightNow(u), -1);
      }
    return w;
  };
  const NONE = { ipv4: 0, ipv6: 0 };
  if (req.groups.some((_, g) => !fits(load(g), NONE, req.limit))) return undefined;
  const pendingRemove = req.groups.map((g) => [...g.remove]);
  const pendingAdd = req.groups.map((g) => orderAdds(g.add, g.remove));
  const early: ClassTransitionOp[] = [];
  const emit = (group: number, op: 'authorize' | 'revoke', u: AwsRuleUnit) => {
    const last = early[early.length - 1];
    if (last !== undefined && last.op === op && last.group === group) last.units.push(u);
    else early.push({ group, op, units: [u] });
  };
  const others = () => current.flatMap((units) => [...units.values()].flatMap(rectsOf));
  const growWhatFits = (): boolean => {
    let grew = false;
    for (const list of [...pendingGrow]) {
      if (!req.groups.every((_, g) => fits(load(g), load(g, list), req.limit))) continue;
      pendingGrow.delete(list);
      early.push({ op: 'grow', list });
      grew = true;
    }
    return grew;
  };
  /** Room a group keeps for the lists still to grow in it, unless nothing else can move. */
  const reserve = (g: number): RuleWeight => {
    const w = { ipv4: 0, ipv6: 0 };
    for (const list of pendingGrow) addWeight(w, load(g, list), 1);
    return w;
  };
  const addWhatFits = (keepRoom: boolean): boolean => {
    let added = false;
    pendingAdd.forEach((pending, g) => {
      const room = () => {
        const w = load(g);
        if (keepRoom) addWeight(w, reserve(g), 1);
        return w;
      };
      while (pending.length > 0 && fits(room(), weightNow(pending[0]!), req.limit)) {
        const a = pending.shift()!;
        current[g]!.set(unitKey(a), a);
        emit(g, 'authorize', a);
        added = true;
      }
    });
    return added;
  };
  while (pendingAdd.some((p) => p.length > 0) || pendingGrow.size > 0) {
    current.forEach((units, g) => {
      const pending = pendingRemove[g]!;
      for (let i = 0; i < pending.length;) {
        const r = pending[i]!;
        units.delete(unitKey(r));
        if (covered(r, others(), wanted ?? rectsOf(r))) {
          pending.splice(i, 1);
          emit(g, 'revoke', r);
        } else {
          units.set(unitKey(r), r);
          i++;
        }
      }
    });
    const grew = growWhatFits();
    if (addWhatFits(true) || grew || addWhatFits(false)) continue;
    if (pendingAdd.some((p) => p.length > 0)) return undefined;
    break;
  }
  // A list that cannot grow before the late revokes grows right after them, if it then fits.
  const deferred = [...pendingGrow];
  pendingGrow.clear();
  // Lists that grew early stay at their peak; deferred and shrinking lists settle first.
  const grewEarly = new Set([...(req.grows?.lists.keys() ?? [])].filter((k) => !deferred.includes(k)));
  const settledWeight = (u: AwsRuleUnit): RuleWeight =>
    req.grows?.weightDeferred && !(u.peer.kind === 'prefix-list' && grewEarly.has(peerKey(u.peer)))
      ? req.grows.weightDeferred(u)
      : req.weight(u);
  const postponed = pendingRemove.map((late) =>
    late.filter((u) => deferred.some((list) => req.grows?.cuts?.(u, list) ?? false)),
  );
  const lateNow = pendingRemove.map((late, g) => late.filter((u) => !postponed[g]!.includes(u)));
  const settled = req.groups.every((_, g) => {
    const late = new Set(lateNow[g]!.map(unitKey));
    const w = { ipv4: 0, ipv6: 0 };
    for (const [key, u] of current[g]!) if (!late.has(key)) addWeight(w, settledWeight(u), 1);
    return fits(w, NONE, req.limit);
  });
  if (deferred.length > 0 && !settled) return undefined;
  return { early, late: lateNow, deferred, postponed };
}

/**
 * Whether revoking `late` before a list's new entries arrive cuts nothing: no flow of a late unit
 * is one the new entries give back (through `holders`, the units naming the list). A late unit
 * with an opaque peer (a group, another list) may hold any address, so only its ports decide;
 * one naming `list` (the growing list's peerKey) holds its old entries only.
 */
export function lateCutsNothing(
  late: readonly AwsRuleUnit[],
  holders: readonly AwsRuleUnit[],
  added: readonly string[],
  list?: string,
): boolean {
  const fresh = holders.flatMap((u) => added.flatMap((cidr) => rects({ ...u, peer: { kind: 'cidr', cidr } })));
  // A late unit naming the list itself holds its old entries, which `added` are not.
  return late.every(
    (u) =>
      (list !== undefined && peerKey(u.peer) === list) ||
      rects(u).every((R) =>
        fresh.every((F) =>
          isOpaque(R.domain) ? !(R.proto === F.proto && R.lo <= F.hi && F.lo <= R.hi) : !overlaps(R, F),
        ),
      ),
  );
}

function memoRects(): (u: AwsRuleUnit) => Rect[] {
  const cache = new Map<string, Rect[]>();
  return (u) => {
    const key = unitKey(u);
    let r = cache.get(key);
    if (!r) cache.set(key, (r = rects(u)));
    return r;
  };
}

function addWeight(used: RuleWeight, w: RuleWeight, sign: 1 | -1): void {
  used.ipv4 += sign * w.ipv4;
  used.ipv6 += sign * w.ipv6;
}

function fits(used: RuleWeight, w: RuleWeight, limit: number): boolean {
  return used.ipv4 + w.ipv4 <= limit && used.ipv6 + w.ipv6 <= limit;
}

/** New units that help an old unit go come first, grouped by that old unit; the others last. */
function orderAdds(add: readonly AwsRuleUnit[], remove: readonly AwsRuleUnit[]): AwsRuleUnit[] {
  const removeRects = remove.map(rects);
  const rank = (u: AwsRuleUnit): number => {
    const mine = rects(u);
    const i = removeRects.findIndex((rs) => rs.some((r) => mine.some((m) => overlaps(m, r))));
    return i === -1 ? remove.length : i;
  };
  return add
    .map((u, i) => [rank(u), i, u] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, , u]) => u);
}

/** `domain`: 'ipv4' / 'ipv6' for CIDR peers (exact sets), else the opaque peer's key. */
interface Rect {
  proto: string;
  domain: string;
  lo: number;
  hi: number;
  set: AddressSet;
}

const isOpaque = (domain: string): boolean => domain !== 'ipv4' && domain !== 'ipv6';

const EVERYTHING = AddressSet.all('ipv4');
const NO_PORTS = [0, 0] as const;

/** A unit's flow space as rectangles (protocol class and peer domain) × ports × addresses. */
function rects(u: AwsRuleUnit): Rect[] {
  const { domain, set } = peerSpace(u);
  const at = (proto: string, lo: number, hi: number): Rect => ({ proto, domain, lo, hi, set });
  switch (u.protocol) {
    case '-1':
      return [
        at('tcp', 0, 65535),
        at('udp', 0, 65535),
        at('icmp:-1:-1', ...NO_PORTS),
        at('icmpv6:-1:-1', ...NO_PORTS),
        at('other', ...NO_PORTS),
      ];
    case 'tcp':
    case 'udp':
      return [at(u.protocol, u.fromPort ?? 0, u.toPort ?? 65535)];
    case 'icmp':
    case 'icmpv6':
      return [at(`${u.protocol}:${u.fromPort ?? -1}:${u.toPort ?? -1}`, ...NO_PORTS)];
    default:
      return [at(`p${u.protocol}`, ...NO_PORTS)];
  }
}

function peerSpace(u: AwsRuleUnit): { domain: string; set: AddressSet } {
  if (u.peer.kind !== 'cidr') return { domain: peerKey(u.peer), set: EVERYTHING };
  const parsed = parseCidr(u.peer.cidr);
  if (!parsed.ok) return { domain: peerKey(u.peer), set: EVERYTHING };
  return { domain: parsed.value.family, set: AddressSet.fromCidrs(parsed.value.family, [parsed.value]) };
}

function overlaps(a: Rect, b: Rect): boolean {
  return (
    a.proto === b.proto && a.domain === b.domain && a.lo <= b.hi && b.lo <= a.hi && !a.set.intersect(b.set).isEmpty()
  );
}

/**
 * A(r) ∩ A(target) ⊆ A(rest), on every elementary port interval of r. Whose addresses a group or
 * prefix list holds is not known here (and changes during the plan), so it is treated as
 * "possibly anyone": an opaque unit in `target` may want any address of r, and only units with
 * the very same opaque peer can stand in for an opaque r.
 */
function covered(r: AwsRuleUnit, rest: readonly Rect[], target: readonly Rect[]): boolean {
  for (const R of rects(r)) {
    const near = (x: Rect) => x.proto === R.proto && x.lo <= R.hi && R.lo <= x.hi;
    const t = target.filter((x) => near(x) && (isOpaque(R.domain) || x.domain === R.domain || isOpaque(x.domain)));
    const c = rest.filter((x) => near(x) && x.domain === R.domain);
    const cuts = [...new Set([R.lo, R.hi + 1, ...[...t, ...c].flatMap((x) => [x.lo, x.hi + 1])])]
      .filter((p) => p >= R.lo && p <= R.hi + 1)
      .sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [lo, hi] = [cuts[i]!, cuts[i + 1]! - 1];
      const spans = (x: Rect) => x.lo <= lo && x.hi >= hi;
      const wanted = t.filter(spans);
      const anyone = isOpaque(R.domain) ? wanted.length > 0 : wanted.some((x) => isOpaque(x.domain));
      const need = anyone
        ? R.set
        : R.set.intersect(
            union(
              wanted.map((x) => x.set),
              R.set,
            ),
          );
      if (
        !need
          .subtract(
            union(
              c.filter(spans).map((x) => x.set),
              R.set,
            ),
          )
          .isEmpty()
      )
        return false;
    }
  }
  return true;
}

function union(sets: readonly AddressSet[], like: AddressSet): AddressSet {
  return sets.reduce((acc, x) => acc.union(x), AddressSet.empty(like.family));
}
