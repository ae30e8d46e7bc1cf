/**
 * The segment graph of a policy, as data: who may talk to whom on which ports, and which flows a
 * deny rule cuts. Pure; the renderers (text.ts, svg.ts) only draw it.
 *
 * One node per party a rule names (segment, external, ad-hoc selector, ad-hoc CIDR list) plus
 * every segment and external even when no rule names it, so an isolated segment shows as isolated.
 * Rules between the same two parties with the same action become one edge listing every rule and
 * port, so a policy with many rules stays readable.
 */
import { formatCidr } from '../../core/model/address.ts';
import { formatPortSpec } from '../../core/model/ports.ts';
import type { Peer, Policy } from '../../core/policy/types.ts';

export type GraphNodeKind = 'segment' | 'external' | 'selector' | 'cidrs';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** What the picture prints in bold: a segment or external name, or the selector / CIDRs. */
  label: string;
  /** One smaller line under the label: a segment's selector and mode, an external's CIDRs. */
  detail?: string;
  /** Segments only. */
  mode?: 'enforce' | 'monitor';
}

export interface GraphEdge {
  from: string;
  to: string;
  action: 'allow' | 'deny';
  /** Canonical port specs over every rule of this edge, e.g. ['tcp/443', 'udp/53']. */
  ports: string[];
  rules: string[];
}

export interface PolicyGraph {
  name: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const MAX_DETAIL = 60;

/**
 * @example
 * const g = policyGraph(parsePolicy(text, 'shop.yaml'));
 * g.edges.find((e) => e.from === 'segment:web' && e.to === 'segment:db')?.ports; // ['tcp/5432']
 */
export function policyGraph(policy: Policy): PolicyGraph {
  const nodes = new Map<string, GraphNode>();
  for (const s of policy.segments) {
    const detail = s.mode === 'monitor' ? `${s.selectorText} · monitor` : s.selectorText;
    nodes.set(`segment:${s.name}`, { id: `segment:${s.name}`, kind: 'segment', label: s.name, detail, mode: s.mode });
  }
  for (const x of policy.externals) {
    const except = x.except.length > 0 ? ` except ${x.except.map(formatCidr).join(', ')}` : '';
    const detail = shorten(`${x.cidrs.map(formatCidr).join(', ')}${except}`);
    nodes.set(`external:${x.name}`, { id: `external:${x.name}`, kind: 'external', label: x.name, detail });
  }
  const edges = new Map<string, GraphEdge>();
  for (const rule of policy.rules) {
    const from = nodeOf(rule.from, nodes);
    const to = nodeOf(rule.to, nodes);
    const key = `${from}\0${to}\0${rule.action}`;
    const edge = edges.get(key) ?? { from, to, action: rule.action, ports: [], rules: [] };
    edge.rules.push(rule.name);
    for (const p of rule.ports) {
      const text = formatPortSpec(p);
      if (!edge.ports.includes(text)) edge.ports.push(text);
    }
    edges.set(key, edge);
  }
  return { name: policy.name, nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** The node id of a rule's party, adding a node for ad-hoc selectors and CIDR lists. */
function nodeOf(peer: Peer, nodes: Map<string, GraphNode>): string {
  switch (peer.kind) {
    case 'segment':
      return `segment:${peer.name}`;
    case 'external':
      return `external:${peer.name}`;
    case 'selector': {
      const id = `selector:${peer.text}`;
      if (!nodes.has(id)) nodes.set(id, { id, kind: 'selector', label: shorten(peer.text) });
      return id;
    }
    case 'cidrs': {
      const except = peer.except.length > 0 ? ` except ${peer.except.map(formatCidr).join(', ')}` : '';
      const text = `${peer.cidrs.map(formatCidr).join(', ')}${except}`;
      const id = `cidrs:${text}`;
      if (!nodes.has(id)) nodes.set(id, { id, kind: 'cidrs', label: shorten(text) });
      return id;
    }
  }
}

function shorten(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`;
}

/** The label an edge carries in every format: its ports, and "deny" for deny edges. */
export function edgeLabel(e: GraphEdge): string {
  const ports = e.ports.join(', ');
  return e.action === 'deny' ? `deny ${ports}` : ports;
}
