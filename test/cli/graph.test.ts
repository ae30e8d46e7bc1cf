import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyGraph } from '../../cli/graph/model.ts';
import { loadPolicy } from '../../core/policy/load.ts';
import { runCli } from '../helpers/cli.ts';

/** Every `<g class="node …" data-id="…">` and `<g class="edge …" data-from data-to data-action>` of an SVG. */
function pictureOf(svg: string) {
  const nodes = [...svg.matchAll(/<g class="node [a-z]+" data-id="([^"]+)"/g)].map((m) => m[1]);
  const edges = [
    ...svg.matchAll(/<g class="edge [^"]+" data-from="([^"]+)" data-to="([^"]+)" data-action="([a-z]+)"/g),
  ].map((m) => `${m[1]} -> ${m[2]} (${m[3]})`);
  return { nodes: nodes.sort(), edges: edges.sort() };
}

const unescape = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('segsync graph', () => {
  it('GIVEN the three-tier example WHEN drawn as SVG THEN every segment, external and ad-hoc party is a node and every rule an edge', async () => {
    const { code, out } = await runCli('graph', 'examples/three-tier.yaml');

    expect(code).toBe(0);
    const picture = pictureOf(unescape(out));
    expect(picture.nodes).toEqual(
      [
        'cidrs:192.168.10.0/24',
        'external:internet',
        'external:mainframe',
        'segment:dev-app',
        'segment:dev-db',
        'segment:dev-web',
        'segment:prod-app',
        'segment:prod-db',
        'segment:prod-web',
        "selector:app == 'shop' && env == 'dev'",
      ].sort(),
    );
    expect(picture.edges).toEqual(
      [
        'external:internet -> segment:prod-web (allow)',
        'segment:prod-web -> segment:prod-app (allow)',
        'segment:prod-app -> segment:prod-db (allow)',
        'segment:prod-app -> external:mainframe (allow)',
        'segment:dev-web -> segment:dev-app (allow)',
        'segment:dev-app -> segment:dev-db (allow)',
        "cidrs:192.168.10.0/24 -> selector:app == 'shop' && env == 'dev' (allow)",
      ].sort(),
    );
    expect(out).toContain('>tcp/1414, udp/500-510<');
    expect(out).toMatch(/data-id="segment:dev-db" data-kind="segment" data-mode="monitor"/);
  });

  it('GIVEN deny rules and a rule from a segment to itself WHEN drawn THEN denies are dashed red edges and the self-flow is a loop', async () => {
    const { code, out } = await runCli('graph', 'examples/deny.yaml');

    expect(code).toBe(0);
    const picture = pictureOf(unescape(out));
    expect(picture.edges).toContain('segment:dev -> segment:prod (deny)');
    expect(picture.edges).toContain('segment:prod -> segment:prod (allow)');
    expect(out).toMatch(/<g class="edge allow loop" data-from="segment:prod"/);
    expect(out).toMatch(/data-action="deny">[^]*?stroke="#c62828" stroke-width="1.4" stroke-dasharray="6 4"/);
  });

  it('GIVEN a policy WHEN the graph is asked for as DOT, Mermaid and data THEN each says the same flows', async () => {
    const policy = loadPolicy('examples/deny.yaml');
    const graph = policyGraph(policy);

    const dot = (await runCli('graph', 'examples/deny.yaml', '--format', 'dot')).out;
    const mermaid = (await runCli('graph', 'examples/deny.yaml', '--format', 'mermaid')).out;
    const json = JSON.parse((await runCli('graph', 'examples/deny.yaml', '--json')).out);

    expect(json).toEqual(JSON.parse(JSON.stringify(graph)));
    for (const e of graph.edges) expect(dot).toContain(`${JSON.stringify(e.from)} -> ${JSON.stringify(e.to)}`);
    expect(dot).toMatch(/"segment:dev" -> "segment:prod" \[label="deny any".*style=dashed/);
    expect(mermaid.split('\n').filter((l) => /-->|-\.->/.test(l))).toHaveLength(graph.edges.length);
    expect(mermaid).toContain('-.->|"deny any"|');
  });

  it('GIVEN --output WHEN drawn as HTML THEN a self-contained page with the SVG is written and stdout stays empty', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'segsync-graph-')), 'shop.html');

    const { code, out, err } = await runCli('graph', 'examples/three-tier.yaml', '-f', 'html', '-o', file);

    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toContain('10 parties, 7 flows');
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it.each([
    [['graph', 'examples/three-tier.yaml', '--format', 'png'], /--format "png" is not one of svg, html, dot, mermaid/],
    [['graph', 'no-such-policy.yaml'], /cannot read policy file no-such-policy.yaml: no such file/],
    [['graph', 'examples/three-tier.yaml', '-o', '/nonexistent-dir/g.svg'], /cannot write \/nonexistent-dir\/g.svg/],
  ])('GIVEN a mistake (%j) WHEN drawn THEN exit 1 with a clear message', async (argv, message) => {
    const { code, err } = await runCli(...argv);

    expect(code).toBe(1);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe('segsync graph with except', () => {
  it('GIVEN an external and a cidrs peer with except WHEN drawn THEN the carve-out is part of what the picture says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segsync-graph-except-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(
      file,
      `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: carve }
spec:
  externals:
    - { name: internet, cidrs: [0.0.0.0/0], except: [10.0.0.0/8] }
  segments:
    - { name: web, selector: "tier == 'web'" }
  rules:
    - { name: in, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: office, from: { cidrs: [192.168.0.0/16], except: [192.168.9.0/24] }, to: web, ports: [tcp/22] }
`,
    );

    const graph = JSON.parse((await runCli('graph', file, '--json')).out) as ReturnType<typeof policyGraph>;

    expect(graph.nodes.find((n) => n.id === 'external:internet')?.detail).toBe('0.0.0.0/0 except 10.0.0.0/8');
    expect(graph.nodes.map((n) => n.id)).toContain('cidrs:192.168.0.0/16 except 192.168.9.0/24');
  });
});
