/**
 * The segment graph as text other tools draw: Graphviz DOT and Mermaid. Deny edges are dashed and
 * red in both, monitor-mode segments dashed, externals and ad-hoc peers in their own shapes, so
 * the two texts and the SVG tell the same story.
 */
import { edgeLabel, type GraphNode, type PolicyGraph } from './model.ts';

const DENY_COLOUR = '#c62828';

/** @example toDot(policyGraph(policy)); // 'digraph "shop" { … "segment:web" -> "segment:db" … }' */
export function toDot(g: PolicyGraph): string {
  const e = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const q = (s: string) => `"${e(s)}"`;
  const lines = [
    `digraph ${q(g.name)} {`,
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of g.nodes) {
    // DOT's own line break inside a label is the two characters \n, not a newline.
    const label = n.detail ? `"${e(n.label)}\\n${e(n.detail)}"` : q(n.label);
    lines.push(`  ${q(n.id)} [label=${label}, ${dotShape(n)}];`);
  }
  for (const edge of g.edges) {
    const style = edge.action === 'deny' ? `, style=dashed, color="${DENY_COLOUR}", fontcolor="${DENY_COLOUR}"` : '';
    const attrs = `label=${q(edgeLabel(edge))}, tooltip=${q(edge.rules.join(', '))}${style}`;
    lines.push(`  ${q(edge.from)} -> ${q(edge.to)} [${attrs}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotShape(n: GraphNode): string {
  switch (n.kind) {
    case 'segment':
      return n.mode === 'monitor' ? 'shape=box, style="rounded,dashed"' : 'shape=box, style=rounded';
    case 'external':
      return 'shape=cylinder';
    case 'selector':
      return 'shape=parallelogram';
    case 'cidrs':
      return 'shape=note';
  }
}

/** @example toMermaid(policyGraph(policy)); // 'flowchart LR\n  n0["web"] …' */
export function toMermaid(g: PolicyGraph): string {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const text = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const n of g.nodes) {
    const label = n.detail ? `${text(n.label)}<br/><small>${text(n.detail)}</small>` : text(n.label);
    const [open, close] = mermaidShape(n);
    lines.push(`  ${ids.get(n.id)}${open}"${label}"${close}`);
  }
  const denied: number[] = [];
  g.edges.forEach((e, i) => {
    const arrow = e.action === 'deny' ? '-.->' : '-->';
    if (e.action === 'deny') denied.push(i);
    lines.push(`  ${ids.get(e.from)} ${arrow}|"${text(edgeLabel(e))}"| ${ids.get(e.to)}`);
  });
  if (denied.length > 0) lines.push(`  linkStyle ${denied.join(',')} stroke:${DENY_COLOUR},color:${DENY_COLOUR}`);
  const monitors = g.nodes.filter((n) => n.mode === 'monitor').map((n) => ids.get(n.id));
  if (monitors.length > 0) {
    lines.push('  classDef monitor stroke-dasharray:5 3');
    lines.push(`  class ${monitors.join(',')} monitor`);
  }
  return `${lines.join('\n')}\n`;
}

function mermaidShape(n: GraphNode): [string, string] {
  switch (n.kind) {
    case 'segment':
      return ['(', ')'];
    case 'external':
      return ['[(', ')]'];
    case 'selector':
      return ['[/', '/]'];
    case 'cidrs':
      return ['[', ']'];
  }
}
