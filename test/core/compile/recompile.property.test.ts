/**
 * recompile(previous, …, changed) equals compile(…) byte for byte, after any sequence of
 * re-tags, moves, additions and removals: the incremental path reuses only what the change
 * does not touch. Also: compile, which assembles the clouds network by network, equals one
 * compileAws / compileAzure / compileGcp call over every network. The second property puts
 * every class of a cloud in one network, so the per-class reuse inside a recompiled network
 * (class-memo.ts) and the kept policy findings (warnings-memo.ts) are exercised.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAws } from '../../../core/compile/aws.ts';
import { compileAzure } from '../../../core/compile/azure.ts';
import { compileGcp } from '../../../core/compile/gcp.ts';
import { compile, recompile, type Desired } from '../../../core/compile/index.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { instancesArb, labelsArb, NETWORKS, policyArb, type GenInstance } from '../../helpers/arbitraries.ts';
import { awsWorkload, azureWorkload, GCP_PROJECT, gcpWorkload } from '../../helpers/workloads.ts';

const RUNS = 60;
const CLASS_RUNS = 40;
/** Segment-aligned blocks over every generated address (test workloads sit in 10.<net>.<1-3>.x). */
const PLAN = '  addressPlans: [{ cidrs: [10.0.0.0/8], blockPrefix: 24 }]\n';
const ctx: CompileContext = { deploymentId: 't' };

/** Workloads as the adapters build them; every fourth has an IPv6 address too. */
function workloadOf(inst: GenInstance & { managed: boolean }, i: number): Workload {
  const n = NETWORKS[inst.network]!;
  const ip = `10.${n.octet}.${1 + (i % 3)}.${10 + i}`;
  const o = i % 4 === 0 ? { ipv6: `fd00:${n.octet}::${(i + 1).toString(16)}` } : {};
  const w =
    n.cloud === 'aws'
      ? awsWorkload(`w${i}`, n.net, ip, inst.labels, o)
      : n.cloud === 'azure'
        ? azureWorkload(`w${i}`, ip, inst.labels, { ...o, vnet: n.net })
        : gcpWorkload(`w${i}`, ip, inst.labels, {
            ...o,
            network: `gcp:projects/${GCP_PROJECT}/global/networks/${n.net}`,
          });
  return { ...w, managed: inst.managed };
}

const changeArb = fc.oneof(
  fc.record({ kind: fc.constant('retag' as const), pick: fc.nat(), labels: labelsArb }),
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), network: fc.nat({ max: NETWORKS.length - 1 }) }),
  fc.record({
    kind: fc.constant('add' as const),
    network: fc.nat({ max: NETWORKS.length - 1 }),
    labels: labelsArb,
    managed: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
);
type Change = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

/** Everything compile returns, as text: Maps as entry lists, bigints as text. */
function text(d: Desired): string {
  const reach = d.reach.networks.map((n) => ({ ...n, members: [...n.members], monitorMembers: [...n.monitorMembers] }));
  return JSON.stringify({ aws: d.aws, azure: d.azure, gcp: d.gcp, findings: d.findings, reach }, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v,
  );
}

type Outcome = { desired: Desired; text: string } | { refused: string };
function attempt(f: () => Desired): Outcome {
  try {
    const desired = f();
    return { desired, text: text(desired) };
  } catch (e) {
    if (!(e instanceof QuotaExceededError)) throw e;
    return { refused: e.message };
  }
}

/** Applies one change; returns the ids it changed (none when it picks nothing). */
function apply(ws: Array<{ w: Workload; index: number }>, change: Change, next: { i: number }): string[] {
  if (change.kind === 'add') {
    const index = next.i++;
    ws.push({
      w: workloadOf({ network: change.network, labels: change.labels, managed: change.managed }, index),
      index,
    });
    return [ws.at(-1)!.w.id];
  }
  if (ws.length === 0) return [];
  const at = change.pick % ws.length;
  const { w, index } = ws[at]!;
  if (change.kind === 'remove') {
    ws.splice(at, 1);
    return [w.id];
  }
  if (change.kind === 'retag') {
    ws[at] = { w: { ...w, labels: change.labels }, index };
    return [w.id];
  }
  // A move keeps the id: another network of the same cloud (and an address there).
  const n = NETWORKS[change.network]!;
  if (n.cloud !== w.cloud) return [];
  ws[at] = { w: workloadOf({ network: change.network, labels: w.labels, managed: w.managed }, index), index };
  return [w.id];
}

describe('recompile', () => {
  it(`equals a full compile after random re-tags, moves, additions and removals (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        policyArb,
        instancesArb,
        fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
        fc.array(fc.array(changeArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        (policyText, instances, managed, rounds) => {
          const policy = parsePolicy(policyText, 'generated.yaml');
          const ws = instances.map((inst, i) => ({
            w: workloadOf({ ...inst, managed: managed[i] ?? true }, i),
            index: i,
          }));
          const next = { i: ws.length };
          let last = attempt(() => compile(policy, { workloads: ws.map((x) => x.w) }, ctx));
          for (const changes of rounds) {
            const changed = changes.flatMap((c) => apply(ws, c, next));
            const inventory = { workloads: ws.map((x) => x.w) };
            const full = attempt(() => compile(policy, inventory, ctx));
            const previous = 'desired' in last ? last.desired : undefined;
            const incremental = attempt(() =>
              previous ? recompile(previous, policy, inventory, changed, ctx) : compile(policy, inventory, ctx),
            );
            expect('refused' in incremental ? incremental.refused : incremental.text).toBe(
              'refused' in full ? full.refused : full.text,
            );
            last = incremental;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`equals a full compile after several re-tags among the classes of one network per cloud, with and without address plans (${CLASS_RUNS} runs)`, () => {
    // Every class shares its network with the others, so recompile reuses classes inside a
    // recompiled network (class-memo.ts); re-tags empty classes and create new ones.
    const sameNetworkArb = fc.array(fc.record({ network: fc.constantFrom(0, 2, 4), labels: labelsArb }), {
      minLength: 4,
      maxLength: 14,
    });
    const retagsArb = fc.array(fc.record({ kind: fc.constant('retag' as const), pick: fc.nat(), labels: labelsArb }), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        policyArb,
        sameNetworkArb,
        fc.boolean(),
        fc.array(retagsArb, { minLength: 1, maxLength: 4 }),
        (policyText, instances, planned, rounds) => {
          const text_ = planned ? policyText.replace('spec:\n', `spec:\n${PLAN}`) : policyText;
          const policy = parsePolicy(text_, 'generated.yaml');
          const ws = instances.map((inst, i) => ({ w: workloadOf({ ...inst, managed: true }, i), index: i }));
          const next = { i: ws.length };
          let last = attempt(() => compile(policy, { workloads: ws.map((x) => x.w) }, ctx));
          for (const changes of rounds) {
            const changed = changes.flatMap((c) => apply(ws, c, next));
            const inventory = { workloads: ws.map((x) => x.w) };
            const full = attempt(() => compile(policy, inventory, ctx));
            const previous = 'desired' in last ? last.desired : undefined;
            const incremental = attempt(() =>
              previous ? recompile(previous, policy, inventory, changed, ctx) : compile(policy, inventory, ctx),
            );
            expect('refused' in incremental ? incremental.refused : incremental.text).toBe(
              'refused' in full ? full.refused : full.text,
            );
            last = incremental;
          }
        },
      ),
      { numRuns: CLASS_RUNS },
    );
  });

  it('compile assembled network by network equals one call per cloud over every network (100 runs)', () => {
    fc.assert(
      fc.property(policyArb, instancesArb, (policyText, instances) => {
        const policy = parsePolicy(policyText, 'generated.yaml');
        const workloads = instances.map((inst, i) => workloadOf({ ...inst, managed: true }, i));
        const reach = computeReach(policy, workloads);
        const whole = (f: () => { desired: unknown }) => {
          try {
            return JSON.stringify(f().desired, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
          } catch (e) {
            if (!(e instanceof QuotaExceededError)) throw e;
            return 'refused';
          }
        };
        let d: Desired | undefined;
        try {
          d = compile(policy, { workloads }, ctx);
        } catch (e) {
          if (!(e instanceof QuotaExceededError)) throw e;
        }
        const expected = [
          whole(() => compileAws(reach, ctx, policy)),
          whole(() => compileAzure(reach, ctx, policy)),
          whole(() => compileGcp(reach, ctx)),
        ];
        if (!d) expect(expected).toContain('refused');
        else expect([JSON.stringify(d.aws), JSON.stringify(d.azure), JSON.stringify(d.gcp)]).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
