import type { Command } from 'commander';
import { ExitRequest, type Io } from '../io.ts';

const FORMATS = ['svg', 'html', 'dot', 'mermaid'] as const;
type Format = (typeof FORMATS)[number];

/** `segsync graph POLICY`: the segment graph as a picture (SVG, HTML page) or as DOT / Mermaid text. */
export function registerGraph(program: Command, io: Io): void {
  program
    .command('graph')
    .description('draw the segment graph: segments, externals, allowed flows with ports, denies')
    .argument('<policy>', 'policy YAML file')
    .option('-f, --format <format>', `one of ${FORMATS.join(', ')}`, 'svg')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--json', 'print the graph as data (nodes and edges)')
    .action(async (file: string, opts: { format: string; output?: string; json?: boolean }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        io.err(`error: --format "${opts.format}" is not one of ${FORMATS.join(', ')}\n`);
        throw new ExitRequest(1);
      }
      const { loadPolicyOrExit } = await import('../context.ts');
      const { policyGraph } = await import('../graph/model.ts');
      const graph = policyGraph(loadPolicyOrExit(file, io));
      const text = opts.json ? `${JSON.stringify(graph, null, 2)}\n` : await render(graph, opts.format as Format);
      if (!opts.output) return io.out(text);
      const { writeFileSync } = await import('node:fs');
      try {
        writeFileSync(opts.output, text);
      } catch (e) {
        const reason = (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
        io.err(`error: cannot write ${opts.output}: ${reason}\n`);
        throw new ExitRequest(1);
      }
      io.err(`wrote ${opts.output} (${graph.nodes.length} parties, ${graph.edges.length} flows)\n`);
    });
}

async function render(graph: import('../graph/model.ts').PolicyGraph, format: Format): Promise<string> {
  if (format === 'dot' || format === 'mermaid') {
    const { toDot, toMermaid } = await import('../graph/text.ts');
    return format === 'dot' ? toDot(graph) : toMermaid(graph);
  }
  const { toHtml, toSvg } = await import('../graph/svg.ts');
  return format === 'html' ? toHtml(graph) : toSvg(graph);
}
