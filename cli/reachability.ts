/**
 * The demo's reachability summary: for representative endpoints (one workload per segment, one
 * address per external), which of the policy's ports the clouds actually let through, judged by
 * the native evaluators on both ends (egress at the source, ingress at the destination).
 */
import type { Inventory, Workload } from '../core/model/inventory.ts';
import type { NativeState } from '../core/model/native/index.ts';
import { formatAddress } from '../core/model/address.ts';
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

export function reachabilityTable(policy: Policy, inventory: Inventory, native: NativeState): string {
  const evaluators: Record<string, NativeEvaluator> = {
    aws: prepareAws(native.aws),
    azure: prepareAzure(native.azure),
    gcp: prepareGcp(native.gcp),
  };
  const points = representativePoints(policy, inventory);
  const probes = policyProbes(policy);
  const cell = (src: Point, dst: Point): string => {
    if (!src.workload && !dst.workload) return '';
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
    return open.length === probes.length ? 'all' : open.map((p) => p.text).join(' ') || '·';
  };
  const rows = points.map((src) => [src.name, ...points.map((dst) => (src === dst ? '' : cell(src, dst)))]);
  const header = ['from \\ to', ...points.map((p) => p.name)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) =>
    cols
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
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
    const c = e.cidrs.find((x) => x.family === 'ipv4');
    if (c) points.push({ name: e.name, address: formatAddress('ipv4', c.prefix === 0 ? 0xcb00710an : c.base + 10n) });
  }
  return points;
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
