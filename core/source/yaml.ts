/**
 * Reads a YAML document keeping node positions, for every file segsync reads from users
 * (policies, estates). Pure: text in, data and positions out; YAML syntax errors and duplicate
 * keys come back as diagnostics with file:line:column, never as exceptions.
 */
import { LineCounter, parseDocument } from 'yaml';
import { sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { PositionIndex } from './positions.ts';

export interface YamlSource {
  /** The document as plain data; absent when the YAML itself does not parse. */
  data?: unknown;
  pos: PositionIndex;
  diagnostics: Diagnostic[];
}

export function readYaml(text: string, filename: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const pos = new PositionIndex(doc, lines, filename);
  const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
    code: e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
    severity: 'error',
    path: [],
    source: pos.ofOffset(e.pos[0]),
    message: e.message.split('\n')[0]!,
    hint:
      e.code === 'DUPLICATE_KEY'
        ? 'a key may appear once per mapping; remove or rename one'
        : 'check indentation and quoting around this position',
  }));
  if (diagnostics.length > 0) return { pos, diagnostics: sortDiagnostics(diagnostics) };
  return { data: doc.toJS() as unknown, pos, diagnostics: [] };
}
