/**
 * Maps a path inside a YAML document to file:line:column, so every diagnostic points at the node
 * the user wrote. Pure: works on the parsed document and its line counter.
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourcePosition } from '../diagnostics.ts';

export class PositionIndex {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  /** Position of the node at `path`, or of its nearest existing ancestor. */
  at(path: ReadonlyArray<PropertyKey>, opts: { key?: string; column?: number } = {}): SourcePosition | undefined {
    let node: unknown = this.doc.contents;
    for (const part of path) {
      const next = child(node, part);
      if (next === undefined) break;
      node = next;
    }
    if (opts.key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === opts.key);
      if (pair && isNode(pair.key)) node = pair.key;
    }
    return this.offsetPosition(node, opts.column);
  }

  /** Position of a raw character offset (YAML syntax errors carry offsets). */
  ofOffset(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  private offsetPosition(node: unknown, columnInValue?: number): SourcePosition | undefined {
    if (!isNode(node) || !node.range) return undefined;
    let offset = node.range[0];
    if (columnInValue !== undefined && isScalar(node)) {
      // Quoted scalars start with their quote; the selector's column 1 is the character after it.
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      offset += (quoted ? 1 : 0) + columnInValue - 1;
    }
    return this.ofOffset(offset);
  }
}

function child(node: unknown, part: PropertyKey): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
    return isNode(pair?.value) ? pair.value : isNode(pair?.key) ? pair.key : undefined;
  }
  if (isSeq(node) && typeof part === 'number') {
    const item = node.items[part];
    return isNode(item) ? item : undefined;
  }
  return undefined;
}
