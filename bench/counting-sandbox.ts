/** The sandbox clouds of one case, quotas raised, with every mutating API call counted per method. */
import { awsAdapter } from '../adapters/aws/index.ts';
import { azureAdapter } from '../adapters/azure/index.ts';
import { gcpAdapter } from '../adapters/gcp/index.ts';
import type { Clouds } from '../adapters/reconcile.ts';
import { SandboxAws, type AwsLimits } from '../adapters/sandbox/aws.ts';
import { SandboxAzure, type AzureLimits } from '../adapters/sandbox/azure.ts';
import type { Estate } from '../adapters/sandbox/estate-types.ts';
import { SandboxGcp, type GcpLimits } from '../adapters/sandbox/gcp.ts';
import type { NativeState } from '../core/model/native/index.ts';
import type { Step } from '../core/plan/step.ts';
import type { Cloud } from '../core/policy/labels.ts';
import { CLOUDS, type Case, AWS_MAX } from './cases.ts';

/**
 * Region/project-wide quotas are raised (all are adjustable on request in the real clouds; the
 * native-size table compares usage with the defaults). Per-object quotas (rules per group/NSG,
 * groups per ENI, ASGs per NIC, tags per instance, prefix-list entries) stay at their defaults:
 * those are the budgets the compiler must fit.
 */
export const SANDBOX_LIMITS = {
  aws: { groupsPerRegion: 20_000, prefixListsPerRegion: 10_000 } satisfies Partial<AwsLimits>,
  azure: {} satisfies Partial<AzureLimits>,
  gcp: { firewallsPerProject: 50_000 } satisfies Partial<GcpLimits>,
};

export type Counts = Record<Cloud, Record<string, number>>;

/** Wraps an API object so that every mutating call (not describe*, list*, get*) is counted. */
export function counting<T extends object>(api: T, cloud: Cloud, counts: Counts): T {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (/^(describe|list|get)/.test(prop)) return fn.bind(target);
      return (...args: unknown[]) => {
        counts[cloud][prop] = (counts[cloud][prop] ?? 0) + 1;
        return fn.apply(target, args);
      };
    },
  });
}

export interface BenchSandbox {
  aws: SandboxAws;
  azure: SandboxAzure;
  gcp: SandboxGcp;
  clouds: Clouds;
  counts: Counts;
  resetCounts(): void;
  snapshot(): NativeState;
}

export function benchSandbox(estate: Estate, awsBudget: Case['aws']): BenchSandbox {
  const aws = SandboxAws.fromEstate(estate, {
    limits: { ...SANDBOX_LIMITS.aws, ...(awsBudget === 'max' ? AWS_MAX : {}) },
  });
  const azure = SandboxAzure.fromEstate(estate, { limits: SANDBOX_LIMITS.azure });
  const gcp = SandboxGcp.fromEstate(estate, { limits: SANDBOX_LIMITS.gcp });
  const counts: Counts = { aws: {}, azure: {}, gcp: {} };
  const clouds: Clouds = {
    aws: awsAdapter(aws.scopes().map((s) => counting(aws.api(s), 'aws', counts))),
    azure: azureAdapter(azure.subscriptions().map((s) => counting(azure.api(s), 'azure', counts))),
    gcp: gcpAdapter(gcp.projects().map((p) => counting(gcp.api(p), 'gcp', counts))),
  };
  return {
    aws,
    azure,
    gcp,
    clouds,
    counts,
    resetCounts() {
      for (const c of CLOUDS) counts[c] = {};
    },
    snapshot: () => ({ aws: aws.snapshot(), azure: azure.snapshot(), gcp: gcp.snapshot() }),
  };
}

export const total = (m: Record<string, number>): number => Object.values(m).reduce((s, n) => s + n, 0);

export function stepsPerCloud(steps: readonly Step[]): Record<Cloud, number> {
  const out: Record<Cloud, number> = { aws: 0, azure: 0, gcp: 0 };
  for (const s of steps) out[s.cloud]++;
  return out;
}
