/**
 * The segment graph as a picture: dagre lays it out (layered, left to right), this file only
 * draws boxes, arrows and labels at the positions dagre computed. The SVG is self-contained (no
 * fonts, scripts or links), so it opens in any browser and embeds in any page.
 *
 * Every node and edge carries data-* attributes (id, kind, from, to, action) so tests and tools
 * can check the picture's content without parsing geometry.
 */
import dagre from '@dagrejs/dagre';
import { edgeLabel, type GraphEdge, type GraphNode, type PolicyGraph } from './model.ts';

/** Approximate advance of one character of the sans-serif faces browsers pick, in px per px of font size. */
const CHAR_WIDTH = 0.6;
const LABEL_FONT = 13;
const DETAIL_FONT = 10;
const EDGE_FONT = 11;
const PAD = 12;
const MARGIN = 24;
const TITLE_HEIGHT = 34;
const LEGEND_HEIGHT = 40;
const LEGEND_WIDTH = 720;
const LOOP_HEIGHT = 34;

const STYLE: Readonly<Record<string, { fill: string; stroke: string; dash?: string }>> = {
  enforce: { fill: '#e3f2fd', stroke: '#1565c0' },
  monitor: { fill: '#fff8e1', stroke: '#f9a825', dash: '6 4' },
  external: { fill: '#eceff1', stroke: '#455a64' },
  selector: { fill: '#f3e5f5', stroke: '#6a1b9a' },
  cidrs: { fill: '#f5f5f5', stroke: '#616161' },
};
const ALLOW_COLOUR = '#37474f';
const DENY_COLOUR = '#c62828';

interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** @example writeFileSync('shop.svg', toSvg(policyGraph(policy))); */
export function toSvg(g: PolicyGraph): string {
  const layout = new dagre.graphlib.Graph({ multigraph: true });
  layout.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, edgesep: 16, marginx: MARGIN, marginy: MARGIN });
  layout.setDefaultEdgeLabel(() => ({}));
  // dagre routes a self-loop beside its node without room for the label; a loop is drawn above the
  // node instead, in space reserved by making the node taller (LOOP_HEIGHT) and wide enough.
  const loops = new Map<string, string>();
  for (const e of g.edges.filter((x) => x.from === x.to)) {
    loops.set(e.from, [loops.get(e.from), edgeLabel(e)].filter(Boolean).join(' · '));
  }
  for (const n of g.nodes) layout.setNode(n.id, nodeSize(n, loops.get(n.id)));
  g.edges.forEach((e, i) => {
    if (e.from === e.to) return;
    const label = edgeLabel(e);
    const size = { width: textWidth(label, EDGE_FONT) + 8, height: EDGE_FONT + 6 };
    layout.setEdge(e.from, e.to, { label, ...size, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(layout);

  const graph = layout.graph();
  const width = Math.max(graph.width ?? 0, LEGEND_WIDTH);
  const height = (graph.height ?? 0) + TITLE_HEIGHT + LEGEND_HEIGHT;
  const body: string[] = [];
  g.edges.forEach((e, i) => {
    if (e.from !== e.to) body.push(drawEdge(e, layout.edge({ v: e.from, w: e.to, name: `e${i}` })));
  });
  for (const n of g.nodes) {
    const placed = layout.node(n.id) as Placed;
    const loop = loops.get(n.id);
    if (!loop) {
      body.push(drawNode(n, placed));
      continue;
    }
    const box = { ...placed, y: placed.y + LOOP_HEIGHT / 2, height: placed.height - LOOP_HEIGHT };
    body.push(drawNode(n, box));
    for (const e of g.edges.filter((x) => x.from === n.id && x.to === n.id)) body.push(drawLoop(e, box, loop));
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(width)}" height="${r(height)}" viewBox="0 0 ${r(width)} ${r(height)}" font-family="Helvetica, Arial, sans-serif" data-policy="${esc(g.name)}">`,
    `<title>segsync policy ${esc(g.name)}</title>`,
    '<defs>',
    marker('arrow-allow', ALLOW_COLOUR),
    marker('arrow-deny', DENY_COLOUR),
    '</defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="22" font-size="15" font-weight="bold" fill="#212121">policy ${esc(g.name)}: ${g.nodes.length} parties, ${g.edges.length} flows</text>`,
    `<g transform="translate(0 ${TITLE_HEIGHT})">`,
    ...body,
    '</g>',
    legend(height - LEGEND_HEIGHT + 8),
    '</svg>',
    '',
  ].join('\n');
}

function nodeSize(n: GraphNode, loop?: string): { width: number; height: number } {
  const label = textWidth(n.label, LABEL_FONT);
  const detail = n.detail ? textWidth(n.detail, DETAIL_FONT) : 0;
  const loopLabel = loop ? textWidth(loop, EDGE_FONT) : 0;
  const height = (n.detail ? 44 : 30) + (loop ? LOOP_HEIGHT : 0);
  return { width: Math.max(label, detail, loopLabel, 60) + 2 * PAD, height };
}

/** A flow from a party to itself (members talking to each other): an arc over the node's top edge. */
function drawLoop(e: GraphEdge, box: Placed, label: string): string {
  const colour = e.action === 'deny' ? DENY_COLOUR : ALLOW_COLOUR;
  const dash = e.action === 'deny' ? ' stroke-dasharray="6 4"' : '';
  const top = box.y - box.height / 2;
  const x1 = box.x + Math.min(30, box.width / 4);
  const x2 = box.x - Math.min(30, box.width / 4);
  const lift = LOOP_HEIGHT - 16;
  return [
    `<g class="edge ${e.action} loop" data-from="${esc(e.from)}" data-to="${esc(e.to)}" data-action="${e.action}">`,
    `<title>${esc(e.rules.join(', '))}</title>`,
    `<path d="M${r(x1)} ${r(top)} C${r(x1 + 10)} ${r(top - lift)}, ${r(x2 - 10)} ${r(top - lift)}, ${r(x2)} ${r(top)}" fill="none" stroke="${colour}" stroke-width="1.4"${dash} marker-end="url(#arrow-${e.action})"/>`,
    `<text x="${r(box.x)}" y="${r(top - lift - 2)}" text-anchor="middle" font-size="${EDGE_FONT}" fill="${colour}">${esc(label)}</text>`,
    '</g>',
  ].join('');
}

function textWidth(text: string, font: number): number {
  return Math.ceil(text.length * font * CHAR_WIDTH);
}

function styleOf(n: GraphNode) {
  return STYLE[n.kind === 'segment' ? (n.mode ?? 'enforce') : n.kind]!;
}

function drawNode(n: GraphNode, p: Placed): string {
  const s = styleOf(n);
  const x = p.x - p.width / 2;
  const y = p.y - p.height / 2;
  const radius = n.kind === 'segment' ? 8 : n.kind === 'external' ? 14 : 2;
  const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
  const labelY = n.detail ? y + 18 : p.y + 4.5;
  const parts = [
    `<g class="node ${n.kind}" data-id="${esc(n.id)}" data-kind="${n.kind}"${n.mode ? ` data-mode="${n.mode}"` : ''}>`,
    `<rect x="${r(x)}" y="${r(y)}" width="${r(p.width)}" height="${r(p.height)}" rx="${radius}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="1.5"${dash}/>`,
    `<text x="${r(p.x)}" y="${r(labelY)}" text-anchor="middle" font-size="${LABEL_FONT}" font-weight="bold" fill="#212121">${esc(n.label)}</text>`,
  ];
  if (n.detail) {
    parts.push(
      `<text x="${r(p.x)}" y="${r(y + 35)}" text-anchor="middle" font-size="${DETAIL_FONT}" fill="#555">${esc(n.detail)}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function drawEdge(e: GraphEdge, placed: { points: Array<{ x: number; y: number }>; x?: number; y?: number }): string {
  const colour = e.action === 'deny' ? DENY_COLOUR : ALLOW_COLOUR;
  const dash = e.action === 'deny' ? ' stroke-dasharray="6 4"' : '';
  const d = placed.points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${r(pt.x)} ${r(pt.y)}`).join(' ');
  const label = edgeLabel(e);
  const parts = [
    `<g class="edge ${e.action}" data-from="${esc(e.from)}" data-to="${esc(e.to)}" data-action="${e.action}">`,
    `<title>${esc(e.rules.join(', '))}</title>`,
    `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.4"${dash} marker-end="url(#arrow-${e.action})"/>`,
  ];
  if (placed.x !== undefined && placed.y !== undefined) {
    const w = textWidth(label, EDGE_FONT) + 8;
    parts.push(
      `<rect x="${r(placed.x - w / 2)}" y="${r(placed.y - 9)}" width="${r(w)}" height="16" rx="3" fill="#ffffff" fill-opacity="0.9"/>`,
      `<text x="${r(placed.x)}" y="${r(placed.y + 3.5)}" text-anchor="middle" font-size="${EDGE_FONT}" fill="${colour}">${esc(label)}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function marker(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${colour}"/></marker>`;
}

function legend(y: number): string {
  const items: string[] = [];
  let x = MARGIN;
  const box = (name: string, text: string) => {
    const s = STYLE[name]!;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    items.push(
      `<rect x="${x}" y="${y}" width="18" height="12" rx="3" fill="${s.fill}" stroke="${s.stroke}"${dash}/>`,
      `<text x="${x + 24}" y="${y + 10}" font-size="11" fill="#424242">${text}</text>`,
    );
    x += 34 + textWidth(text, 11);
  };
  const line = (colour: string, dash: string, text: string) => {
    items.push(
      `<line x1="${x}" y1="${y + 6}" x2="${x + 24}" y2="${y + 6}" stroke="${colour}" stroke-width="1.4"${dash}/>`,
      `<text x="${x + 30}" y="${y + 10}" font-size="11" fill="#424242">${text}</text>`,
    );
    x += 40 + textWidth(text, 11);
  };
  box('enforce', 'segment');
  box('monitor', 'monitor segment');
  box('external', 'external');
  box('selector', 'selector');
  box('cidrs', 'CIDRs');
  line(ALLOW_COLOUR, '', 'allowed (ports)');
  line(DENY_COLOUR, ' stroke-dasharray="6 4"', 'denied');
  return `<g class="legend">${items.join('')}</g>`;
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The SVG in a self-contained page, with the policy name as title. */
export function toHtml(g: PolicyGraph): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>segsync policy ${esc(g.name)}</title>`,
    '<style>body{margin:0;padding:16px;background:#fafafa}svg{max-width:100%;height:auto}</style>',
    '</head><body>',
    toSvg(g),
    '</body></html>',
    '',
  ].join('\n');
}
