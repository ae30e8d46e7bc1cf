/**
 * verify: does the native state of every cloud enforce exactly what the policy intends?
 * (DESIGN.md §3 "Verify"). Pure and deterministic: data in, disagreements out, in a fixed order.
 *
 * For every ordered pair of endpoints (each workload attachment's first address per family, plus
 * sample addresses) with at least one workload, same address family, and every sample port, the
 * intent oracle `allows` says which sides segsync enforces and what each should say
 * (`decision.checks`); the evaluator of that side's cloud (aws.ts, azure.ts, gcp.ts) says what
 * the native rules do: ingress at the destination attachment, egress at the source attachment.
 * A difference is a Disagreement. Address-to-address flows enforce nothing and are skipped, and
 * so are flows from a workload to itself (they never cross its firewall).
 *
 * Under `spec.endToEnd` (docs/end-to-end.md) a flow between two enforced ends is judged as the
 * clouds enforce it, egress(source) ∧ ingress(destination): the egress side is checked alone as
 * always (compile never widens egress), and an ingress that admits a flow the intent denies at
 * ingress is no disagreement when the intent denies it at the source's egress too and the
 * source's native egress does deny it; the conjunction then equals the intent. Such checks are
 * counted in `endToEnd`. Every other flow is judged side by side as without the mode.
 */
import { by } from '../model/compare.ts';
import { formatAddress, parseAddress, type Family } from '../model/address.ts';
import type { Inventory, Workload } from '../model/inventory.ts';
import type { NativeState } from '../model/native/index.ts';
import type { Protocol } from '../model/ports.ts';
import { prepareIntent, type Decision, type WorkloadEndpoint } from '../policy/intent.ts';
import type { Cloud } from '../model/cloud.ts';
import type { Policy } from '../policy/types.ts';
import { prepareAws } from './aws.ts';
import { AZURE_LOAD_BALANCER_ADDRESS, prepareAzure } from './azure.ts';
import { compareAddresses, sampleAddresses, samplePorts, type SamplePort } from './samples.ts';
import type { NativeEndpoint, NativeEvaluator, NativeFlow, NativeObject, Side, Verdict } from './flow.ts';
import { groupByCause, type Cause } from './causes.ts';
import { prepareGcp } from './gcp.ts';

export type { NativeEndpoint, NativeEvaluator, NativeFlow, NativeObject, Side, Verdict } from './flow.ts';
export { causeLine, flowText, groupByCause, renderVerdict, type Cause } from './causes.ts';
export { awsEgress, awsIngress, prepareAws } from './aws.ts';
export { AZURE_DEFAULT_RULES, azureInbound, azureOutbound, prepareAzure, type AzureOptions } from './azure.ts';
export { gcpEgress, gcpIngress, prepareGcp } from './gcp.ts';
// Re-exported for callers that judge by attachment id; defined once in core/model/ids.ts.
export {
  gcpAttachmentId,
  gcpAttachmentOf,
  gcpNetworkPath,
  parseGcpAttachmentId,
  type GcpAttachmentRef,
} from '../model/ids.ts';

export { compareAddresses, sampleAddresses, samplePorts, type SamplePort } from './samples.ts';

export interface Disagreement {
  /** `src`/`dst` are workload ids, or the bare address for a non-workload end. */
  flow: { src: string; dst: string; srcAddress: string; dstAddress: string; protocol: Protocol; port?: number };
  side: Side;
  intended: boolean;
  actual: boolean;
  /** The native rule that decided (Verdict.by). */
  nativeRule: string;
  /** The native object that rule belongs to (absent for a cloud's implied rule). */
  nativeObject?: NativeObject;
  /** Intended allow: the policy's matching allow rules; intended deny: its matching deny rules ([] = default deny). */
  policyRules: string[];
}

export interface VerifyResult {
  /** Side checks made (one per enforced side of each flow). */
  checked: number;
  /** Flows asked of the oracle. */
  flows: number;
  /** True when `maxFlows` stopped the run early. */
  truncated: boolean;
  disagreements: Disagreement[];
  /** The disagreements grouped by the native object that decided them, largest first (causes.ts). */
  causes: Cause[];
  /**
   * Under spec.endToEnd only: ingress checks where the destination admits a flow the intent
   * denies, held by the source's enforced egress (so the flow is denied, as intended).
   */
  endToEnd?: number;
}

export interface VerifyOptions {
  /** Default: samplePorts(policy). */
  ports?: SamplePort[];
  /** Addresses checked in addition to sampleAddresses(policy, inventory). */
  extraAddresses?: string[];
  /** Stop after this many flows (the result says `truncated`). Default: no limit. */
  maxFlows?: number;
  /** CIDRs Azure's `VirtualNetwork` tag covers beyond NIC addresses (see azure.ts). */
  azureVirtualNetworkPrefixes?: readonly string[];
  /** This deployment's id: causes then say whether the deciding object is segsync's or foreign. */
  deploymentId?: string;
}

/** One end of a checked flow. @internal shared with monitor.ts */
export interface Point {
  label: string;
  address: string;
  family: Family;
  workload?: Workload;
  attachment?: string;
  oracle: WorkloadEndpoint | string;
}

/** @internal shared with monitor.ts */
export type Evaluators = Record<Cloud, NativeEvaluator>;

/**
 * Compare native enforcement with policy intent over every flow of the estate.
 * @example
 * const { disagreements } = verify(policy, inventory, native);
 * disagreements.length; // 0 when every cloud enforces exactly the policy
 */
export function verify(
  policy: Policy,
  inventory: Inventory,
  native: NativeState,
  options: VerifyOptions = {},
): VerifyResult {
  const { evaluators, ports, points } = prepareVerify(policy, inventory, native, options);
  const oracle = prepareIntent(policy);
  const max = options.maxFlows ?? Number.POSITIVE_INFINITY;
  const endToEnd = policy.endToEnd !== undefined;
  const result: VerifyResult = {
    checked: 0,
    flows: 0,
    truncated: false,
    disagreements: [],
    causes: [],
    ...(endToEnd ? { endToEnd: 0 } : {}),
  };
  const done = (): VerifyResult => ({
    ...result,
    causes: groupByCause(result.disagreements, native, options.deploymentId),
  });
  for (const src of points) {
    for (const dst of points) {
      if (!pairIsChecked(src, dst)) continue;
      const decide = oracle.between(src.oracle, dst.oracle);
      for (const p of ports) {
        if (result.flows >= max) return { ...done(), truncated: true };
        result.flows++;
        checkFlow(decide(p.protocol, p.port), evaluators, src, dst, p, result, endToEnd);
      }
    }
  }
  return done();
}

/** Evaluators, sample ports and points of one verify run. @internal shared with monitor.ts */
export function prepareVerify(
  policy: Policy,
  inventory: Inventory,
  native: NativeState,
  options: VerifyOptions,
): { evaluators: Evaluators; ports: SamplePort[]; points: Point[] } {
  const evaluators: Evaluators = {
    aws: prepareAws(native.aws),
    azure: prepareAzure(
      native.azure,
      options.azureVirtualNetworkPrefixes ? { virtualNetworkPrefixes: options.azureVirtualNetworkPrefixes } : {},
    ),
    gcp: prepareGcp(native.gcp),
  };
  const ports = options.ports ?? samplePorts(policy);
  const points = [
    ...workloadPoints(inventory),
    ...addressPoints(
      [...sampleAddresses(policy, inventory), ...(options.extraAddresses ?? [])].filter(
        // Health probes are a platform flow the policy lets through on Azure (docs/semantics.md).
        (a) => policy.azureLoadBalancerProbes === 'deny' || a !== AZURE_LOAD_BALANCER_ADDRESS,
      ),
    ),
  ];
  return { evaluators, ports, points };
}

/** One native verdict, for `explain`: which rule of which cloud decides this side of a flow. */
export function explainNative(
  native: NativeState,
  cloud: Cloud,
  side: Side,
  flow: NativeFlow,
  options: { azureVirtualNetworkPrefixes?: readonly string[] } = {},
): Verdict {
  const evaluator =
    cloud === 'aws'
      ? prepareAws(native.aws)
      : cloud === 'gcp'
        ? prepareGcp(native.gcp)
        : prepareAzure(
            native.azure,
            options.azureVirtualNetworkPrefixes ? { virtualNetworkPrefixes: options.azureVirtualNetworkPrefixes } : {},
          );
  return side === 'ingress' ? evaluator.ingress(flow) : evaluator.egress(flow);
}

/** @internal shared with monitor.ts */
export function pairIsChecked(src: Point, dst: Point): boolean {
  if (src.workload === undefined && dst.workload === undefined) return false;
  if (src.workload !== undefined && src.workload === dst.workload) return false;
  return src.family === dst.family;
}

function checkFlow(
  decision: Decision,
  evaluators: Evaluators,
  src: Point,
  dst: Point,
  p: SamplePort,
  out: VerifyResult,
  endToEnd: boolean,
): void {
  const verdicts: Partial<Record<Side, Verdict>> = {};
  for (const side of ['ingress', 'egress'] as const) {
    if (decision.checks[side] !== undefined) verdicts[side] = judge(evaluators, side, src, dst, p);
  }
  for (const side of ['ingress', 'egress'] as const) {
    const intended = decision.checks[side];
    const verdict = verdicts[side];
    if (intended === undefined || verdict === undefined) continue;
    out.checked++;
    if (verdict.allowed === intended) continue;
    if (endToEnd && side === 'ingress' && heldByEgress(decision, verdict, verdicts.egress)) {
      out.endToEnd = (out.endToEnd ?? 0) + 1;
      continue;
    }
    out.disagreements.push(disagreement(side, src, dst, p, intended, verdict, decision));
  }
}

/**
 * An ingress wider than intended is exact end to end when the intent denies the flow at the
 * source's egress and the source's native egress denies it: egress ∧ ingress is then false, as
 * intended. A narrower ingress never is (it would drop a flow the policy allows).
 */
function heldByEgress(decision: Decision, ingress: Verdict, egress: Verdict | undefined): boolean {
  return ingress.allowed && decision.checks.egress === false && egress !== undefined && !egress.allowed;
}

/** @internal shared with monitor.ts */
export function judge(evaluators: Evaluators, side: Side, src: Point, dst: Point, p: SamplePort): Verdict {
  const at = side === 'ingress' ? dst : src;
  const cloud = at.workload?.cloud;
  if (cloud === undefined) throw new Error(`unreachable: ${side} check at non-workload ${at.label}`);
  const flow: NativeFlow = {
    src: nativeEndpoint(src, cloud),
    dst: nativeEndpoint(dst, cloud),
    protocol: p.protocol,
    ...(p.port !== undefined ? { port: p.port } : {}),
  };
  return side === 'ingress' ? evaluators[cloud].ingress(flow) : evaluators[cloud].egress(flow);
}

/** A point as the judged cloud sees it: its attachment only if it is a workload of that cloud. */
function nativeEndpoint(x: Point, cloud: Cloud): NativeEndpoint {
  return x.workload?.cloud === cloud && x.attachment !== undefined
    ? { address: x.address, attachment: x.attachment }
    : { address: x.address };
}

function disagreement(
  side: Side,
  src: Point,
  dst: Point,
  p: SamplePort,
  intended: boolean,
  verdict: Verdict,
  decision: Decision,
): Disagreement {
  return {
    flow: {
      src: src.label,
      dst: dst.label,
      srcAddress: src.address,
      dstAddress: dst.address,
      protocol: p.protocol,
      ...(p.port !== undefined ? { port: p.port } : {}),
    },
    side,
    intended,
    actual: verdict.allowed,
    nativeRule: verdict.by,
    ...(verdict.object ? { nativeObject: verdict.object } : {}),
    policyRules: [...(intended ? decision.allowRules : decision.denyRules)],
  };
}

/** Workloads by id; per attachment, its first address of each family. */
function workloadPoints(inventory: Inventory): Point[] {
  const out: Point[] = [];
  const workloads = [...inventory.workloads].sort(by((w) => w.id));
  for (const w of workloads) {
    for (const att of w.attachments) {
      const families = att.addresses.map(familyOf);
      for (const family of ['ipv4', 'ipv6'] as const) {
        const at = families.indexOf(family);
        if (at < 0) continue;
        const address = att.addresses[at]!;
        // The oracle reads these fields only; copying the whole workload per point costs seconds at 100k.
        const oracle = { id: w.id, labels: w.labels, addresses: w.addresses, managed: w.managed, address };
        out.push({ label: w.id, address, family, workload: w, attachment: att.id, oracle });
      }
    }
  }
  return out;
}

function addressPoints(addresses: readonly string[]): Point[] {
  const seen = new Map<string, Point>();
  for (const text of addresses) {
    const parsed = parseAddress(text);
    if (!parsed.ok) throw new RangeError(`verify: ${parsed.message}`);
    const address = formatAddress(parsed.value.family, parsed.value.value);
    seen.set(`${parsed.value.family}:${parsed.value.value}`, {
      label: address,
      address,
      family: parsed.value.family,
      oracle: address,
    });
  }
  return [...seen.values()].sort((a, b) => compareAddresses(a.address, b.address));
}

function familyOf(text: string): Family | undefined {
  const parsed = parseAddress(text);
  return parsed.ok ? parsed.value.family : undefined;
}
