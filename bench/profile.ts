/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, written by `npm run bench -- --profile`):
 * the functions with the most self time, and the repository functions with the most total
 * (inclusive) time, each with file:line.
 *
 *   node --import tsx bench/profile.ts bench/profiles/100000-1000-5000-core.cpuprofile [--top=15]
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

const sources = new Map<string, string[] | undefined>();

/**
 * tsx hands V8 transformed code, so a frame's line number is not the TypeScript line; the
 * function's definition is looked up in the source by name instead (first match).
 */
function definitionLine(path: string, fn: string, fallback: number): number {
  if (!sources.has(path)) {
    try {
      sources.set(path, readFileSync(resolve(ROOT, path), 'utf8').split('\n'));
    } catch {
      sources.set(path, undefined);
    }
  }
  const lines = sources.get(path);
  if (!lines || !fn || fn === '(anonymous)') return fallback;
  const name = fn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/^get /, '');
  const patterns = [
    new RegExp(`\\bfunction\\*?\\s+${name}\\b`),
    new RegExp(
      `^\\s*(?:(?:private|public|protected|static|readonly|async|get|set)\\s+)*${name}\\s*(?:<[^>]*>)?\\(.*[{,]\\s*$`,
    ),
    new RegExp(`^\\s*(?:export\\s+)?(?:const|let)\\s+${name}\\s*=\\s*(?:async\\s*)?(?:function|\\(|\\w+\\s*=>)`),
    new RegExp(`\\b${name}\\s*[=:]\\s*(?:async\\s*)?(?:\\([^)]*\\)|\\w+)\\s*=>`),
  ];
  for (const re of patterns) {
    const i = lines.findIndex((l) => re.test(l));
    if (i >= 0) return i + 1;
  }
  return fallback;
}

function where(cf: CallFrame): string {
  if (!cf.url) return `(${cf.functionName || 'native'})`;
  const path = cf.url.startsWith('file://') ? relative(ROOT, fileURLToPath(cf.url)) : cf.url;
  if (path.startsWith('node:') || path.startsWith('..') || path.includes('node_modules'))
    return `${path}:${cf.lineNumber + 1}`;
  return `${path}:${definitionLine(path, cf.functionName, cf.lineNumber + 1)}`;
}

const keyOf = (cf: CallFrame) => `${cf.functionName || '(anonymous)'} ${where(cf)}`;

export interface Hotspot {
  fn: string;
  at: string;
  selfMs: number;
  totalMs: number;
  selfPct: number;
  totalPct: number;
}

export function summarise(profile: CpuProfile): { totalMs: number; bySelf: Hotspot[]; byTotal: Hotspot[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const totalT = new Map<string, number>();
  const frames = new Map<string, CallFrame>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const k = keyOf(node.callFrame);
    frames.set(k, node.callFrame);
    self.set(k, (self.get(k) ?? 0) + us);
    // Inclusive: every distinct function on the stack gets the sample once (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const kk = keyOf(n.callFrame);
      frames.set(kk, n.callFrame);
      if (seen.has(kk)) continue;
      seen.add(kk);
      totalT.set(kk, (totalT.get(kk) ?? 0) + us);
    }
  }
  const totalUs = [...selfUs.values()].reduce((s, n) => s + n, 0);
  const spots = [...frames.keys()].map((k): Hotspot => {
    const cf = frames.get(k)!;
    const s = (self.get(k) ?? 0) / 1000;
    const t = (totalT.get(k) ?? 0) / 1000;
    return {
      fn: cf.functionName || '(anonymous)',
      at: where(cf),
      selfMs: s,
      totalMs: t,
      selfPct: (100 * s * 1000) / totalUs,
      totalPct: (100 * t * 1000) / totalUs,
    };
  });
  return {
    totalMs: totalUs / 1000,
    bySelf: spots
      .filter((h) => h.selfMs > 0 && !/^\((garbage collector|idle|program|root)\)$/.test(h.fn))
      .sort((a, b) => b.selfMs - a.selfMs),
    byTotal: spots.filter((h) => /^(core|adapters|bench)\//.test(h.at)).sort((a, b) => b.totalMs - a.totalMs),
  };
}

function main(): void {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile.ts FILE.cpuprofile [--top=N]\n');
    process.exit(2);
  }
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 15);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const s = summarise(profile);
  const gcMs = profile.nodes
    .filter((n) => n.callFrame.functionName === '(garbage collector)')
    .reduce((sum, n) => {
      let us = 0;
      profile.samples.forEach((id, i) => {
        if (id === n.id) us += profile.timeDeltas[i] ?? 0;
      });
      return sum + us / 1000;
    }, 0);
  const row = (h: Hotspot) =>
    `| ${h.fn} | \`${h.at}\` | ${h.selfMs.toFixed(0)} ms (${h.selfPct.toFixed(1)}%) | ${h.totalMs.toFixed(0)} ms (${h.totalPct.toFixed(1)}%) |`;
  const out = [
    `Profile ${file}: ${(s.totalMs / 1000).toFixed(1)} s sampled, of which garbage collector ${(gcMs / 1000).toFixed(1)} s.`,
    '',
    `Top ${top} by self time:`,
    '',
    '| function | where | self | total |',
    '|---|---|---:|---:|',
    ...s.bySelf.slice(0, top).map(row),
    '',
    `Top ${top} repository functions by total (inclusive) time:`,
    '',
    '| function | where | self | total |',
    '|---|---|---:|---:|',
    ...s.byTotal.slice(0, top).map(row),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
