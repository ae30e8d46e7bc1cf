/**
 * Monitor mode is the crawl step (DESIGN.md §2 "Rollout"): for each `monitor` segment, the flows
 * the native state allows today that enforcing the segment would cut, counted, with a few
 * examples, so a user can switch it to `enforce` with confidence. Pure.
 *
 * For segment S: the workloads S would newly enforce (selected by S, enforced by no other
 * segment today); for every flow of verify's sample with such a workload at one end, the native
 * evaluator of that end's cloud says what the clouds do today at that side, and the intent oracle
 * with S set to `enforce` says what that side would allow. Native allows, oracle denies: a cut.
 */
import { prepareIntent, workloadStatus } from '../policy/intent.ts';
import type { Policy } from '../policy/types.ts';
import type { Inventory } from '../model/inventory.ts';
import type { NativeState } from '../model/native/index.ts';
import type { Protocol } from '../model/ports.ts';
import type { Side } from './flow.ts';
import { judge, pairIsChecked, prepareVerify, type Point, type VerifyOptions } from './index.ts';

export interface CutFlow {
  src: string;
  dst: string;
  protocol: Protocol;
  port?: number;
  /** The side the newly enforced workload would refuse it at. */
  side: Side;
  /** The native rule that allows it today. */
  nativeRule: string;
}

export interface MonitorReport {
  segment: string;
  /** Workloads enforcing the segment would newly enforce. */
  workloads: number;
  /** Sides of flows checked. */
  checked: number;
  /** Flows allowed today that enforcement would cut. */
  cut: number;
  examples: CutFlow[];
}

export const MONITOR_EXAMPLES = 3;

/**
 * @example
 * monitorReports(policy, inventory, native);
 * // [{ segment: 'db', workloads: 2, checked: 5120, cut: 96, examples: [{ src: 'i-bastion', dst: 'vm-db1', protocol: 'tcp', port: 22, side: 'ingress', … }] }]
 */
export function monitorReports(
  policy: Policy,
  inventory: Inventory,
  native: NativeState,
  options: VerifyOptions = {},
): MonitorReport[] {
  const monitors = policy.segments.filter((s) => s.mode === 'monitor');
  if (monitors.length === 0) return [];
  const { evaluators, ports, points } = prepareVerify(policy, inventory, native, options);
  return monitors.map((segment) => {
    const enforced: Policy = {
      ...policy,
      segments: policy.segments.map((s) => (s.name === segment.name ? { ...s, mode: 'enforce' as const } : s)),
    };
    const fresh = new Set(
      inventory.workloads
        .filter((w) => workloadStatus(policy, w) === 'monitored' && workloadStatus(enforced, w) === 'enforced')
        .map((w) => w.id),
    );
    const report: MonitorReport = { segment: segment.name, workloads: fresh.size, checked: 0, cut: 0, examples: [] };
    if (fresh.size === 0) return report;
    const oracle = prepareIntent(enforced);
    const isFresh = (p: Point) => p.workload !== undefined && fresh.has(p.workload.id);
    for (const src of points) {
      for (const dst of points) {
        if (!pairIsChecked(src, dst) || !(isFresh(src) || isFresh(dst))) continue;
        const decide = oracle.between(src.oracle, dst.oracle);
        for (const p of ports) {
          const checks = decide(p.protocol, p.port).checks;
          for (const side of ['ingress', 'egress'] as const) {
            const at = side === 'ingress' ? dst : src;
            if (!isFresh(at) || checks[side] === undefined) continue;
            report.checked++;
            if (checks[side]) continue;
            const today = judge(evaluators, side, src, dst, p);
            if (!today.allowed) continue;
            report.cut++;
            const seen = report.examples.some((e) => e.src === src.label && e.dst === dst.label);
            if (report.examples.length < MONITOR_EXAMPLES && !seen)
              report.examples.push({
                src: src.label,
                dst: dst.label,
                protocol: p.protocol,
                ...(p.port !== undefined ? { port: p.port } : {}),
                side,
                nativeRule: today.by,
              });
          }
        }
      }
    }
    return report;
  });
}

/**
 * One line per monitor segment, for a terminal.
 * @example
 * monitorLine(report); // 'monitor segment db: enforcing it would cut 96 flows allowed today (2 workloads): e.g. …'
 */
export function monitorLine(r: MonitorReport): string {
  const who = `${r.workloads} workload${r.workloads === 1 ? '' : 's'}`;
  if (r.workloads === 0)
    return `monitor segment ${r.segment}: enforcing it would enforce no workload that is not already enforced`;
  if (r.cut === 0) return `monitor segment ${r.segment}: enforcing it would cut no flow allowed today (${who})`;
  const eg = r.examples
    .map(
      (e) =>
        `${e.src} → ${e.dst} ${e.protocol}${e.port !== undefined ? `/${e.port}` : ''} (${e.side}, today ${e.nativeRule})`,
    )
    .join('; ');
  return `monitor segment ${r.segment}: enforcing it would cut ${r.cut} flow${r.cut === 1 ? '' : 's'} allowed today (${who}): e.g. ${eg}${r.cut > r.examples.length ? '; …' : ''}`;
}
