/**
 * The make-before-break check of DESIGN.md §6.2, one for every test that applies a plan step by
 * step (the pipeline property and the AWS, Azure and GCP sandbox round trips).
 *
 * At an intermediate state E, for every side of a flow the new intent N enforces, with O what held
 * before the change, the native verdict must lie between the two:
 *   - upper bound: E allows only what O or N allows (nothing both deny is ever opened);
 *   - lower bound: E allows what O and N both allow (nothing both allow is ever cut).
 * O is either the old intent (policy + inventory) a converged state enforced, or, for the first
 * rollout over an estate segsync never touched, the native verdicts of the state found.
 *
 * Flows are verify's (core/verify/index.ts): every ordered pair of points of one address family
 * with at least one workload and not twice the same workload, where a point is each workload
 * attachment's first address per family or a sample address, times every sample port.
 */
import type { Inventory, Workload } from '../../core/model/inventory.ts';
import type { NativeState } from '../../core/model/native/index.ts';
import { allows } from '../../core/policy/intent.ts';
import type { Policy } from '../../core/policy/types.ts';
import {
  prepareAws,
  prepareAzure,
  prepareGcp,
  sampleAddresses,
  samplePorts,
  type NativeEndpoint,
  type NativeEvaluator,
  type NativeFlow,
  type SamplePort,
} from '../../core/verify/index.ts';

export interface Intent {
  policy: Policy;
  inventory: Inventory;
}

/** What held before the change: the old intent, or the native state found (first rollout). */
export type Before = Intent | { native: NativeState };

export interface BoundsOptions {
  /** Check only the upper bound (a policy change may legitimately cut before it opens). */
  upperOnly?: boolean;
}

interface Point {
  label: string;
  address: string;
  v6: boolean;
  next?: Workload;
  prev?: Workload;
  attachment?: string;
}

type Evaluators = Record<Workload['cloud'], NativeEvaluator>;

const evaluators = (native: NativeState): Evaluators => ({
  aws: prepareAws(native.aws),
  azure: prepareAzure(native.azure),
  gcp: prepareGcp(native.gcp),
});

/** The violations of either bound at the state `native`, one line each (empty: make-before-break holds). */
export function boundsViolations(
  before: Before,
  next: Intent,
  native: NativeState,
  options: BoundsOptions = {},
): string[] {
  const now = evaluators(native);
  const baseline = 'native' in before ? evaluators(before.native) : undefined;
  const old = 'native' in before ? undefined : before;
  const points = pointsOf(next, old);
  const ports = portsOf(next.policy, old?.policy);
  const out: string[] = [];
  for (const s of points) {
    for (const d of points) {
      if ((!s.next && !d.next) || (s.next && s.next === d.next) || s.v6 !== d.v6) continue;
      for (const p of ports) {
        const n = allows(next.policy, oracleFlow(s.next, s, d.next, d, p)).checks;
        const o = old ? allows(old.policy, oracleFlow(s.prev, s, d.prev, d, p)).checks : undefined;
        for (const side of ['ingress', 'egress'] as const) {
          const at = side === 'ingress' ? d.next : s.next;
          const nv = n[side];
          if (!at || nv === undefined) continue;
          const flow = nativeFlow(s, d, p, at.cloud);
          const ov = baseline ? judge(baseline, at.cloud, side, flow).allowed : o?.[side];
          if (ov === undefined) continue;
          const v = judge(now, at.cloud, side, flow);
          const text = `${side} ${s.label}(${s.address}) → ${d.label}(${d.address}) ${p.protocol}/${p.port ?? ''} by ${v.by}`;
          if (v.allowed && !ov && !nv) out.push(`opened though before and after deny: ${text}`);
          if (!options.upperOnly && !v.allowed && ov && nv)
            out.push(`interrupted though before and after allow: ${text}`);
        }
      }
    }
  }
  return out;
}

/**
 * Applies `steps` one at a time and collects, after each, what `violationsNow` reports (usually
 * boundsViolations of the state read back), prefixed with the step.
 */
export async function applyChecked<S extends { kind: string; target: string }>(
  steps: readonly S[],
  apply: (step: S) => Promise<unknown>,
  violationsNow: () => string[] | Promise<string[]>,
): Promise<string[]> {
  const violations: string[] = [];
  for (const [i, step] of steps.entries()) {
    await apply(step);
    for (const v of await violationsNow()) violations.push(`after step ${i + 1} ${step.kind} ${step.target}: ${v}`);
  }
  return violations;
}

function pointsOf(next: Intent, old: Intent | undefined): Point[] {
  const prevById = new Map((old ?? next).inventory.workloads.map((w) => [w.id, w]));
  const workloadPoints = next.inventory.workloads.flatMap((w) =>
    w.attachments.flatMap((att) =>
      [false, true].flatMap((v6) => {
        const address = att.addresses.find((a) => a.includes(':') === v6);
        return address === undefined
          ? []
          : [{ label: w.id, address, v6, next: w, prev: prevById.get(w.id) ?? w, attachment: att.id }];
      }),
    ),
  );
  const samples = new Set([
    ...sampleAddresses(next.policy, next.inventory),
    ...(old ? sampleAddresses(old.policy, old.inventory) : []),
  ]);
  return [
    ...workloadPoints,
    ...[...samples].map((address) => ({ label: address, address, v6: address.includes(':') })),
  ];
}

function portsOf(policy: Policy, oldPolicy: Policy | undefined): SamplePort[] {
  const all = [...samplePorts(policy), ...(oldPolicy ? samplePorts(oldPolicy) : [])];
  return [...new Map(all.map((p) => [`${p.protocol}/${p.port}`, p])).values()];
}

function oracleFlow(src: Workload | undefined, s: Point, dst: Workload | undefined, d: Point, p: SamplePort) {
  return {
    src: src ? { ...src, address: s.address } : s.address,
    dst: dst ? { ...dst, address: d.address } : d.address,
    ...p,
  };
}

/** As verify does: an endpoint carries its attachment only if it is a workload of the judged cloud. */
function nativeFlow(s: Point, d: Point, p: SamplePort, cloud: Workload['cloud']): NativeFlow {
  const endpoint = (x: Point): NativeEndpoint =>
    x.next?.cloud === cloud && x.attachment !== undefined
      ? { address: x.address, attachment: x.attachment }
      : { address: x.address };
  return { src: endpoint(s), dst: endpoint(d), ...p };
}

function judge(e: Evaluators, cloud: Workload['cloud'], side: 'ingress' | 'egress', flow: NativeFlow) {
  return side === 'ingress' ? e[cloud].ingress(flow) : e[cloud].egress(flow);
}
