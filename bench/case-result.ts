/** What one case reports, and the `@@tag json` line protocol by which the child process reports it. */
import type { Cloud } from '../core/policy/labels.ts';
import type { PhaseResult } from './measure.ts';
import type { Case } from './cases.ts';
import type { Counts } from './counting-sandbox.ts';
import type { NativeSize, Naive, DesiredSize } from './sizes.ts';

export interface RetagResult {
  cloud: Cloud;
  workload: string;
  change: string;
  readMs: number;
  compileMs: number;
  planMs: number;
  steps: Record<Cloud, number>;
  stepKinds: Record<string, number>;
  writes: Counts;
  writesTotal: Record<Cloud, number>;
  /** Steps left after applying (0 = converged); undefined when not checked (too slow). */
  remaining?: number;
  /** The step whose apply failed, if one did (the rest were not applied). */
  failedStep?: string;
  findings?: Record<string, number>;
  /** Why the plan was not applied: it has error findings (what reconcile() refuses). */
  blocked?: string;
  error?: string;
}

export interface CaseResult {
  case: Case;
  seed: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memGiB: number;
    node: string;
    gc: boolean;
    loadStart: number;
    loadEnd?: number;
  };
  counts: {
    workloads: number;
    enforced: number;
    monitored: number;
    unmanaged: number;
    quarantined: number;
    classes: number;
    networks: number;
    policyLines: number;
    denyRules: number;
  };
  phases: PhaseResult[];
  planEmpty?: { steps: Record<Cloud, number>; findings: Record<string, number> };
  applyWrites?: Record<Cloud, number>;
  planUptodateSteps?: number;
  verify?: {
    maxFlows: number;
    flows: number;
    checked: number;
    truncated: boolean;
    disagreements: number;
    sample: string[];
  };
  native?: NativeSize;
  naive?: Naive;
  desiredSize?: DesiredSize;
  retags: RetagResult[];
  error?: string;
}

export function emit(tag: string, value: unknown): void {
  process.stdout.write(`@@${tag} ${JSON.stringify(value)}\n`);
}
