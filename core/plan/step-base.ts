/**
 * What every plan step has, whatever its cloud (STYLE G5). The per-cloud step unions
 * (core/plan/aws.ts, azure.ts, gcp.ts) extend this; core/plan/step.ts joins them.
 *
 * Phases, in apply order (make-before-break, DESIGN.md §3):
 *   create     new owned objects, complete with their rules, not attached to anything yet
 *   authorize  rules / address-set entries that widen existing owned objects
 *   membership attach/detach workloads (ENI group sets, NIC ASGs/NSG, instance network tags)
 *   revoke     rules / address-set entries no longer wanted
 *   delete     owned objects no longer wanted, in reverse dependency order
 */
import type { Cloud } from '../model/cloud.ts';

export type Phase = 'create' | 'authorize' | 'membership' | 'revoke' | 'delete';
export const PHASES: readonly Phase[] = ['create', 'authorize', 'membership', 'revoke', 'delete'];

export interface StepBase {
  cloud: Cloud;
  /** aws: `<account>/<region>`; azure: `<subscription>`; gcp: `<project>`. */
  scope: string;
  /** Cloud-qualified network the step belongs to (for grouping the rendered plan). */
  network: string;
  phase: Phase;
  /** kebab-case step kind, e.g. 'create-group', 'authorize', 'set-membership'. */
  kind: string;
  /** The owned object (or, for membership, the workload attachment) the step writes. */
  target: string;
  /** One line for people: what changes. */
  summary: string;
}
