/**
 * The demo's reachability summary: for representative endpoints (one workload per segment, one
 * address per external), which of the policy's ports the clouds actually let through, judged by
 * the native evaluators on both ends (egress at the source, ingress at the destination).
 */
import type { Inventory, Workload } from '../core/model/inventory.ts';
import type { NativeState } from '../core/model/native/index.ts';
import { cidrContains, cidrRange, formatAddress } from '../core/model/address.ts';
import type { Protocol } from '../core/model/ports.ts';
import { restrictLabels } from '../core/policy/labels.ts';
import { selectorMatches } from '../core/policy/selector/index.ts';
import type { Policy } from '../core/policy/types.ts';
import { prepareAws, prepareAzure, prepareGcp, type NativeEvaluator } from '../core/verify/index.ts';

interface Point {
  name: string;
  address: string;
  workload?: Workload;
}
interface Probe {
  protocol: Protocol;
  port?: number;
  text: string;
}

/** Who reaches whom, as the clouds enforce it: one row and column per representative point. */
export interface ReachabilityMatrix {
  points: Array<{ name: string; kind: 'segment' | 'external' }>;
  /** Every port the policy's rules name, probed once each (tcp/443, udp/53, icmp…). */
  probes: string[];
  /** cells[from][to]: the probes that get through, or null where neither end is a workload (or from = to). */
  cells: Array<Array<string[] | null>>;
}

export function reachabilityMatrix(policy: Policy, inventory: Inventory, native: NativeState): ReachabilityMatrix {
  const evaluators: Record<string, NativeEvaluator> = {
    aws: prepareAws(native.aws),
    azure: prepareAzure(native.azure),
    gcp: prepareGcp(native.gcp),
  };
  const points = representativePoints(policy, inventory);
  const probes = policyProbes(policy);
  const cell = (src: Point, dst: Point): string[] | null => {
    if (src === dst || (!src.workload && !dst.workload)) return null;
    const open = probes.filter((p) => {
      const flow = {
        src: { address: src.address, attachment: src.workload?.attachments[0]?.id },
        dst: { address: dst.address, attachment: dst.workload?.attachments[0]?.id },
        protocol: p.protocol,
        ...(p.port !== undefined ? { port: p.port } : {}),
      };
      const out = src.workload ? evaluators[src.workload.cloud]!.egress(flow).allowed : true;
      return out && (dst.workload ? evaluators[dst.workload.cloud]!.ingress(flow).allowed : true);
    });
    return open.map((p) => p.text);
  };
  return {
    points: points.map((p) => ({ name: p.name, kind: p.workload ? 'segment' : 'external' })),
    probes: probes.map((p) => p.text),
    cells: points.map((src) => points.map((dst) => cell(src, dst))),
  };
}

/** The demo's table: one column per point, the open ports spelt out ("all" when every probe passes). */
export function reachabilityTable(policy: Policy, inventory: Inventory, native: NativeState): string {
  return renderWide(reachabilityMatrix(policy, inventory, native));
}

export function renderWide(m: ReachabilityMatrix): string {
  const text = (open: string[] | null) =>
    open === null ? '' : open.length === m.probes.length ? 'all' : open.join(' ') || '·';
  const rows = m.points.map((src, i) => [src.name, ...m.cells[i]!.map(text)]);
  const header = ['from \\ to', ...m.points.map((p) => p.name)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) =>
    cols
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * One character per cell, columns numbered like the rows, so 100 segments fit in about 110
 * columns: '#' every probed port passes, '+' some, '.' none, blank where nothing is enforced.
 */
export function renderCompact(m: ReachabilityMatrix): string {
  const n = m.points.length;
  const label = (i: number) => String(i + 1).padStart(String(n).length);
  const nameWidth = Math.min(28, Math.max(...m.points.map((p) => p.name.length)));
  const gutter = ' '.repeat(label(0).length + 1 + nameWidth + 1);
  const digits = String(n).length;
  const header = Array.from({ length: digits }, (_, d) =>
    (gutter + m.points.map((_, j) => label(j)[d]!).join('')).trimEnd(),
  );
  const symbol = (open: string[] | null) =>
    open === null ? ' ' : open.length === 0 ? '.' : open.length === m.probes.length ? '#' : '+';
  const rows = m.points.map((p, i) => {
    const name = p.name.length > nameWidth ? `${p.name.slice(0, nameWidth - 1)}…` : p.name.padEnd(nameWidth);
    return `${label(i)} ${name} ${m.cells[i]!.map(symbol).join('')}`.trimEnd();
  });
  const legend = `# all ${m.probes.length} probed ports pass   + some   . none   (rows: from, columns: to; probes: ${m.probes.join(' ')})`;
  return [...header, ...rows, '', legend].join('\n');
}

function representativePoints(policy: Policy, inventory: Inventory): Point[] {
  const points: Point[] = [];
  for (const s of policy.segments) {
    const w = [...inventory.workloads]
      .sort((a, b) => a.id.localeCompare(b.id))
      .find((x) => x.managed && selectorMatches(s.selector, restrictLabels(x.labels, policy.labelKeys)));
    if (w) points.push({ name: `${s.name} (${w.nativeId})`, address: w.addresses[0]!, workload: w });
  }
  for (const e of policy.externals) {
    const address = externalAddress(e);
    if (address) points.push({ name: e.name, address });
  }
  return points;
}

/**
 * An IPv4 address that stands for an external: inside its CIDRs and outside its `except`
 * (203.0.113.10, a documentation address, for 0.0.0.0/0; else the 10th address of a CIDR).
 */
function externalAddress(e: Policy['externals'][number]): string | undefined {
  const excluded = (v: bigint) => e.except.some((x) => x.family === 'ipv4' && cidrContains(x, 'ipv4', v));
  for (const c of e.cidrs.filter((x) => x.family === 'ipv4')) {
    const [first, last] = cidrRange(c);
    const candidates = [c.prefix === 0 ? 0xcb00710an : first + 10n, first, last];
    const hit = candidates.find((v) => v >= first && v <= last && !excluded(v));
    if (hit !== undefined) return formatAddress('ipv4', hit);
  }
  return undefined;
}

function policyProbes(policy: Policy): Probe[] {
  const seen = new Map<string, Probe>();
  for (const r of policy.rules) {
    for (const p of r.ports) {
      if (p.protocol === 'any') continue;
      const probe: Probe =
        p.protocol === 'icmp'
          ? { protocol: 'icmp', text: 'icmp' }
          : { protocol: p.protocol, port: p.from, text: `${p.protocol}/${p.from}` };
      seen.set(probe.text, probe);
    }
  }
  return [...seen.values()].sort((a, b) => a.text.localeCompare(b.text, 'en', { numeric: true }));
}
