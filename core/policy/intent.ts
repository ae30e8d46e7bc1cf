/**
 * The intent oracle: DESIGN.md §2 as code. Every translation (compile → cloud → native
 * evaluator) is tested against `allows`, so this file states the semantics and nothing else.
 * `prepareIntent` gives the same answers from the rule index (rule-index.ts), for callers that
 * ask about millions of flows (verify); `allows` stays the straightforward reference.
 *
 * Pure. Meaning, in short:
 * - A workload is *enforced* iff it is managed and some `enforce` segment selects it; then every
 *   rule applies to it, whichever segments the rule names. Monitor-only workloads are not enforced.
 * - A flow is checked at its destination if that is enforced, and at its source if that is
 *   enforced; it passes a check iff some allow rule matches and no deny rule matches (deny
 *   overrides, order-free). With `defaults.egress: allow` the source check only applies denies.
 * - Address peers (`cidrs`, `external`) match every address inside them and outside their
 *   `except` CIDRs, workloads' own included;
 *   a selector matches workloads by labels and externals by theirs (and then every address inside
 *   that external). Quarantined workloads (`unlabeled: quarantine`, managed, selected by no
 *   segment) can neither send nor receive.
 */
import { InvalidFlowError } from '../errors.ts';
import { cidrContains, parseAddress, type Cidr, type Family } from '../model/address.ts';
import type { Protocol, PortSpec } from '../model/ports.ts';
import { restrictLabels } from './labels.ts';
import type { Labels } from '../model/cloud.ts';
import { selectorMatches, type Selector } from './selector/index.ts';
import type { Peer, Policy, Rule } from './types.ts';
import { hasBit, RuleIndex, type LabelEntry, type Party } from './rule-index.ts';

/** A workload as the oracle sees it; `Workload` from the inventory model fits this shape. */
export interface WorkloadEndpoint {
  labels: Labels;
  addresses: readonly string[];
  /** Defaults to true: the workload is in a location this deployment manages. */
  managed?: boolean;
  /** The address the flow uses; defaults to the first address of the flow's family, else the first. */
  address?: string;
  id?: string;
}

/** A workload, or a bare IP address (an on-prem host, the internet, an unmanaged machine). */
export type Endpoint = WorkloadEndpoint | string;

export interface Flow {
  src: Endpoint;
  dst: Endpoint;
  protocol: Protocol;
  /** Destination port; required for tcp and udp, ignored for icmp. */
  port?: number;
}

export type WorkloadStatus = 'enforced' | 'monitored' | 'quarantined' | 'unmanaged';

export interface Decision {
  allowed: boolean;
  /** Why, in one word: which check decided. */
  reason: 'allowed' | 'denied-by-rule' | 'no-allow-rule' | 'quarantined' | 'not-enforced';
  /** Status of each end; a side is checked only when it is enforced (or quarantined). */
  src: WorkloadStatus | 'address';
  dst: WorkloadStatus | 'address';
  /** Names of the allow rules and deny rules that match the flow. */
  allowRules: string[];
  denyRules: string[];
  /**
   * The verdict at each end that segsync enforces: `ingress` at an enforced (or quarantined)
   * destination, `egress` at an enforced (or quarantined) source. `allowed` is their conjunction;
   * a missing side is not enforced. Native evaluators are compared side by side against these.
   */
  checks: { ingress?: boolean; egress?: boolean };
}

/**
 * Is this flow allowed by the policy, and by which rules?
 * @example
 * const d = allows(policy, { src: '203.0.113.7', dst: { labels: { app: 'shop', tier: 'web' }, addresses: ['10.0.1.10'] }, protocol: 'tcp', port: 443 });
 * d.allowed;    // true
 * d.allowRules; // ['internet-to-web']
 */
export function allows(policy: Policy, flow: Flow): Decision {
  checkFlow(flow);
  const src = resolveEndpoint(policy, flow.src, flow.dst);
  const dst = resolveEndpoint(policy, flow.dst, flow.src);
  const matching = policy.rules.filter((r) => ruleMatches(policy, r, src, dst, flow));
  return decide(policy, src.status, dst.status, matching);
}

/** `allows` for one policy, asked many times (verify asks millions of flows). */
export interface IntentOracle {
  allows(flow: Flow): Decision;
  /**
   * The decisions between two ends, one call per protocol and port: the ends are resolved once
   * (`between(a, b)(p, n)` equals `allows({ src: a, dst: b, protocol: p, port: n })`). Invalid
   * ends throw here, an invalid protocol or port at the call.
   */
  between(src: Endpoint, dst: Endpoint): (protocol: Protocol, port?: number) => Decision;
}

/**
 * The same answers as `allows(policy, flow)`, from the rule index (rule-index.ts): which rules
 * match an end is a bitset per (label set, address interval), so a flow costs an AND of two
 * bitsets and a port mask instead of every rule's selectors and CIDRs. The policy must not be
 * mutated while the oracle is in use. Decisions are shared between flows, so they are frozen.
 * @example
 * const oracle = prepareIntent(policy);
 * oracle.allows({ src: '203.0.113.7', dst: web, protocol: 'tcp', port: 443 }).allowed; // true
 */
export function prepareIntent(policy: Policy): IntentOracle {
  const index = new RuleIndex(policy);
  const statuses = new Map<LabelEntry, WorkloadStatus>();
  const statusOf = (ep: WorkloadEndpoint, entry: LabelEntry): WorkloadStatus => {
    if (ep.managed === false) return 'unmanaged';
    if (entry.id < 0) return workloadStatus(policy, { labels: entry.labels, addresses: [] });
    let status = statuses.get(entry);
    if (status === undefined)
      statuses.set(entry, (status = workloadStatus(policy, { labels: entry.labels, addresses: [] })));
    return status;
  };
  const end = (ep: Endpoint, other: Endpoint): { status: WorkloadStatus | 'address'; party: Party } => {
    if (typeof ep === 'string') {
      const a = address(ep);
      return { status: 'address', party: index.party(undefined, a.family, a.value) };
    }
    const entry = index.labels(ep.labels);
    const a = chosenAddress(ep, other);
    return { status: statusOf(ep, entry), party: index.party(entry, a.family, a.value) };
  };
  // A decision is a function of the ends' statuses and the matching rules, and pairs of ends
  // share rule lists (pairRules memoises them): decisions are shared, hence frozen.
  const decisions = new WeakMap<readonly number[], Map<number, Decision>>();
  const resolved = (srcEp: Endpoint, dstEp: Endpoint) => {
    const src = end(srcEp, dstEp);
    const dst = end(dstEp, srcEp);
    const rules = index.pairRules(src.party, dst.party);
    let memo = decisions.get(rules);
    if (!memo) decisions.set(rules, (memo = new Map()));
    const statuses = STATUS_CODES[src.status] * 8 + STATUS_CODES[dst.status];
    return (protocol: Protocol, port: number | undefined): Decision => {
      const ports = index.ports(protocol, port);
      const key = ports.id * 64 + statuses;
      let decision = memo.get(key);
      if (!decision) {
        const matching: Rule[] = [];
        for (const i of rules) if (hasBit(ports.mask, i)) matching.push(policy.rules[i]!);
        memo.set(key, (decision = freezeDecision(decide(policy, src.status, dst.status, matching))));
      }
      return decision;
    };
  };
  return {
    allows(flow: Flow): Decision {
      checkFlow(flow);
      return resolved(flow.src, flow.dst)(flow.protocol, flow.port);
    },
    between(src: Endpoint, dst: Endpoint) {
      checkEndpoint('src', src);
      checkEndpoint('dst', dst);
      const decision = resolved(src, dst);
      return (protocol: Protocol, port?: number) => {
        checkPort(protocol, port);
        return decision(protocol, port);
      };
    },
  };
}

const STATUS_CODES: Record<Resolved['status'], number> = {
  enforced: 0,
  monitored: 1,
  quarantined: 2,
  unmanaged: 3,
  address: 4,
};

function freezeDecision(d: Decision): Decision {
  Object.freeze(d.allowRules);
  Object.freeze(d.denyRules);
  Object.freeze(d.checks);
  return Object.freeze(d);
}

/** The verdict from the ends' statuses and the rules that match the flow (in policy order). */
function decide(
  policy: Policy,
  srcStatus: Resolved['status'],
  dstStatus: Resolved['status'],
  matching: readonly Rule[],
): Decision {
  const allowRules = matching.filter((r) => r.action === 'allow').map((r) => r.name);
  const denyRules = matching.filter((r) => r.action === 'deny').map((r) => r.name);
  const denied = denyRules.length > 0;
  const allowed = allowRules.length > 0 && !denied;
  // A quarantined end refuses everything at its own side; the other end still applies the rules.
  const ingress = dstStatus === 'quarantined' ? false : allowed;
  const egress = srcStatus === 'quarantined' ? false : policy.defaults.egress === 'deny' ? allowed : !denied;
  const checks: Decision['checks'] = {
    ...(dstStatus === 'enforced' || dstStatus === 'quarantined' ? { ingress } : {}),
    ...(srcStatus === 'enforced' || srcStatus === 'quarantined' ? { egress } : {}),
  };
  const verdict = (checks.ingress ?? true) && (checks.egress ?? true);
  const base = { src: srcStatus, dst: dstStatus, allowRules, denyRules, checks, allowed: verdict };
  if (checks.ingress === undefined && checks.egress === undefined) return { reason: 'not-enforced', ...base };
  if (
    (srcStatus === 'quarantined' && checks.egress === false) ||
    (dstStatus === 'quarantined' && checks.ingress === false)
  )
    return { reason: 'quarantined', ...base };
  if (verdict) return { reason: 'allowed', ...base };
  return { reason: denied ? 'denied-by-rule' : 'no-allow-rule', ...base };
}

/**
 * How the policy treats a workload: enforced, monitored (monitor-only segments), quarantined, or unmanaged.
 * @example
 * workloadStatus(policy, { labels: { app: 'shop', tier: 'db' }, addresses: ['10.0.3.5'] }); // 'monitored' if db is in monitor mode
 */
export function workloadStatus(policy: Policy, workload: WorkloadEndpoint): WorkloadStatus {
  if (workload.managed === false) return 'unmanaged';
  const labels = restrictLabels(workload.labels, policy.labelKeys);
  const selecting = policy.segments.filter((s) => selectorMatches(s.selector, labels));
  if (selecting.some((s) => s.mode === 'enforce')) return 'enforced';
  if (selecting.length > 0) return 'monitored';
  return policy.defaults.unlabeled === 'quarantine' ? 'quarantined' : 'unmanaged';
}

interface Resolved {
  status: WorkloadStatus | 'address';
  labels?: Labels;
  family?: Family;
  value?: bigint;
}

function resolveEndpoint(policy: Policy, ep: Endpoint, other: Endpoint): Resolved {
  if (typeof ep === 'string') return { status: 'address', ...address(ep) };
  return {
    status: memoStatus(policy, ep),
    labels: restrictLabels(ep.labels, policy.labelKeys),
    ...chosenAddress(ep, other),
  };
}

/** The flow's address of a workload: `address`, else its first of the other end's family, else its first. */
function chosenAddress(ep: WorkloadEndpoint, other: Endpoint): { family?: Family; value?: bigint } {
  const otherFamily = typeof other === 'string' ? address(other).family : undefined;
  const chosen = ep.address ?? ep.addresses.find((a) => address(a).family === otherFamily) ?? ep.addresses[0];
  return chosen ? address(chosen) : {};
}

const PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'icmp']);

/** A wrong flow must not read as "denied": callers would trust a verdict about nothing. */
function checkFlow(flow: Flow): void {
  checkPort(flow.protocol, flow.port);
  checkEndpoint('src', flow.src);
  checkEndpoint('dst', flow.dst);
}

function checkPort(protocol: Protocol, port: number | undefined): void {
  if (!PROTOCOLS.has(protocol)) {
    throw new InvalidFlowError(`flow.protocol "${String(protocol)}" is not one of tcp, udp, icmp`);
  }
  if (protocol !== 'icmp') {
    if (port === undefined) throw new InvalidFlowError(`flow.port is required for ${protocol}`);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidFlowError(`${protocol}/${String(port)}: port out of range (0-65535)`);
    }
  }
}

function checkEndpoint(side: 'src' | 'dst', ep: Endpoint): void {
  const texts = typeof ep === 'string' ? [ep] : ep.address !== undefined ? [ep.address, ...ep.addresses] : ep.addresses;
  for (const text of texts) {
    if (address(text).family === undefined) {
      throw new InvalidFlowError(`flow.${side}: "${text}" is not an IPv4 or IPv6 address`);
    }
  }
}

// Verify asks the oracle about every flow of an estate; addresses repeat, so parse each once.
const parsedAddresses = new Map<string, { family?: Family; value?: bigint }>();

function address(text: string): { family?: Family; value?: bigint } {
  let hit = parsedAddresses.get(text);
  if (!hit) {
    const parsed = parseAddress(text);
    hit = parsed.ok ? { family: parsed.value.family, value: parsed.value.value } : {};
    if (parsedAddresses.size > 100_000) parsedAddresses.clear();
    parsedAddresses.set(text, hit);
  }
  return hit;
}

// Status depends only on the policy, the labels object (inventory labels are frozen and shared)
// and `managed`; memoised per policy so a verify run evaluates each selector once per workload.
const statusMemo = new WeakMap<Policy, WeakMap<Labels, Partial<Record<'managed' | 'unmanaged', WorkloadStatus>>>>();

function memoStatus(policy: Policy, ep: WorkloadEndpoint): WorkloadStatus {
  // Only frozen labels can be trusted not to change between calls.
  if (!Object.isFrozen(ep.labels)) return workloadStatus(policy, ep);
  let perPolicy = statusMemo.get(policy);
  if (!perPolicy) statusMemo.set(policy, (perPolicy = new WeakMap()));
  let entry = perPolicy.get(ep.labels);
  if (!entry) perPolicy.set(ep.labels, (entry = {}));
  const key = ep.managed === false ? 'unmanaged' : 'managed';
  return (entry[key] ??= workloadStatus(policy, ep));
}

function ruleMatches(policy: Policy, rule: Rule, src: Resolved, dst: Resolved, flow: Flow): boolean {
  return (
    rule.ports.some((p) => portMatches(p, flow)) &&
    peerMatches(policy, rule.from, src) &&
    peerMatches(policy, rule.to, dst)
  );
}

function portMatches(spec: PortSpec, flow: Flow): boolean {
  if (spec.protocol === 'any') return true;
  if (spec.protocol !== flow.protocol) return false;
  if (spec.protocol === 'icmp') return true;
  return flow.port !== undefined && flow.port >= spec.from && flow.port <= spec.to;
}

function peerMatches(policy: Policy, peer: Peer, ep: Resolved): boolean {
  switch (peer.kind) {
    case 'cidrs':
      return inAddressPeer(peer, ep);
    case 'external': {
      const external = policy.externals.find((e) => e.name === peer.name);
      return external !== undefined && inAddressPeer(external, ep);
    }
    case 'segment':
    case 'selector':
      return selectorPeerMatches(policy, peer.selector, ep);
  }
}

function selectorPeerMatches(policy: Policy, selector: Selector, ep: Resolved): boolean {
  if (ep.labels && selectorMatches(selector, ep.labels)) return true;
  return policy.externals.some((e) => selectorMatches(selector, e.labels) && inAddressPeer(e, ep));
}

/** Inside some CIDR and inside none of its `except` CIDRs (Kubernetes ipBlock semantics). */
function inAddressPeer(peer: { cidrs: readonly Cidr[]; except: readonly Cidr[] }, ep: Resolved): boolean {
  return inCidrs(peer.cidrs, ep) && !inCidrs(peer.except, ep);
}

function inCidrs(cidrs: readonly Cidr[], ep: Resolved): boolean {
  return ep.family !== undefined && ep.value !== undefined && cidrs.some((c) => cidrContains(c, ep.family!, ep.value!));
}
