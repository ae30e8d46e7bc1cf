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
import type { Cloud } from '../policy/labels.ts';

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

/** Something the plan reports but does not change, e.g. a foreign security group that widens access. */
export interface Finding {
  severity: 'warning' | 'error';
  code: string;
  cloud: Cloud;
  target: string;
  message: string;
  hint?: string;
}

/** Everything a compiler and planner need besides their data. */
export interface CompileContext {
  deploymentId: string;
  limits?: {
    aws?: Partial<AwsBudget>;
    azure?: Partial<AzureBudget>;
    gcp?: Partial<GcpBudget>;
  };
}

export interface AwsBudget {
  rulesPerGroupPerDirectionPerFamily: number;
  groupsPerInterface: number;
  prefixListMaxEntries: number;
  /** Member address sets of at most this many CIDRs are written inline instead of as a prefix list. */
  inlineCidrsMax: number;
}
export interface AzureBudget {
  rulesPerNsg: number;
  prefixesPerNsgSide: number;
  asgsPerIpConfiguration: number;
  asgsPerNsg: number;
  asgsPerRuleSide: number;
  priorityMin: number;
  priorityMax: number;
}
export interface GcpBudget {
  tagsPerInstance: number;
  sourceTagsPerRule: number;
  targetTagsPerRule: number;
  rangesPerRule: number;
}

export const DEFAULT_BUDGETS = {
  aws: {
    rulesPerGroupPerDirectionPerFamily: 60,
    groupsPerInterface: 5,
    prefixListMaxEntries: 1000,
    inlineCidrsMax: 3,
  } satisfies AwsBudget,
  azure: {
    rulesPerNsg: 1000,
    prefixesPerNsgSide: 4000,
    asgsPerIpConfiguration: 20,
    asgsPerNsg: 100,
    asgsPerRuleSide: 10,
    priorityMin: 100,
    priorityMax: 4096,
  } satisfies AzureBudget,
  gcp: { tagsPerInstance: 64, sourceTagsPerRule: 30, targetTagsPerRule: 70, rangesPerRule: 5000 } satisfies GcpBudget,
};
