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
   * the ENIs in the membership phase).
   */
  wanted: readonly AwsRuleUnit[];
  keep: readonly AwsRuleUnit[];
  add: readonly AwsRuleUnit[];
  remove: readonly AwsRuleUnit[];
  limit: number;
  weight: (u: AwsRuleUnit) => RuleWeight;
}

export interface TransitionOp {
  op: 'authorize' | 'revoke';
  units: AwsRuleUnit[];
}

/** Ops for the authorize phase (the rest of `remove` waits for the revoke phase), or undefined if no order fits. */
export function interleave(req: TransitionRequest): { early: TransitionOp[]; late: AwsRuleUnit[] } | undefined {
  const target = req.wanted.flatMap(rects);
  const current = new Map<string, AwsRuleUnit>([...req.keep, ...req.remove].map((u) => [unitKey(u), u]));
  const used = { ipv4: 0, ipv6: 0 };
  for (const u of current.values()) addWeight(used, req.weight(u), 1);
  if (!fits(used, { ipv4: 0, ipv6: 0 }, req.limit)) return undefined;
  const pendingRemove = [...req.remove];
  const pendingAdd = orderAdds(req.add, req.remove);
  const early: TransitionOp[] = [];
  const emit = (op: TransitionOp['op'], u: AwsRuleUnit) => {
    const last = early[early.length - 1];
    if (last?.op === op) last.units.push(u);
    else early.push({ op, units: [u] });
  };
  while (pendingAdd.length > 0) {
    for (let i = 0; i < pendingRemove.length;) {
      const r = pendingRemove[i]!;
      current.delete(unitKey(r));
      if (covered(r, [...current.values()].flatMap(rects), target)) {
        pendingRemove.splice(i, 1);
        addWeight(used, req.weight(r), -1);
        emit('revoke', r);
      } else {
        current.set(unitKey(r), r);
        i++;
      }
    }
    let progressed = false;
    while (pendingAdd.length > 0 && fits(used, req.weight(pendingAdd[0]!), req.limit)) {
      const a = pendingAdd.shift()!;
      current.set(unitKey(a), a);
      addWeight(used, req.weight(a), 1);
      emit('authorize', a);
      progressed = true;
    }
    if (!progressed) return undefined;
  }
  return { early, late: pendingRemove };
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
