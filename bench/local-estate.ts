/**
 * What the rollout and event benchmarks share: their command-line arguments (`--sizes=10k,100k
 * --segments= --rules= --seed=`), the compile context at the AWS maximum, and sandbox clouds whose
 * object quotas are raised far enough to hold a 100k estate (the per-interface and per-group
 * budgets stay real). The estate shape itself is bench/cases.ts LOCAL_ESTATE.
 */
import { SandboxAws } from '../adapters/sandbox/aws.ts';
import { SandboxAzure } from '../adapters/sandbox/azure.ts';
import type { Estate } from '../adapters/sandbox/estate-types.ts';
import { SandboxGcp } from '../adapters/sandbox/gcp.ts';
import type { CompileContext } from '../core/model/budgets.ts';
import { AWS_MAX, DEPLOYMENT, parseSize } from './cases.ts';

export interface LocalBenchArgs {
  sizes: number[];
  segments: number;
  rules: number;
  seed: number;
}

export function localBenchArgs(argv: readonly string[] = process.argv): LocalBenchArgs {
  const arg = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    sizes: (arg('sizes') ?? '10k,100k').split(',').map(parseSize),
    segments: Number(arg('segments') ?? 100),
    rules: Number(arg('rules') ?? 1000),
    seed: Number(arg('seed') ?? 42),
  };
}

export const LOCAL_CTX: CompileContext = { deploymentId: DEPLOYMENT, limits: { aws: AWS_MAX } };

export function localSandbox(estate: Estate) {
  return {
    aws: SandboxAws.fromEstate(estate, {
      limits: { groupsPerRegion: 20_000, prefixListsPerRegion: 10_000, rulesPerGroupPerDirectionPerFamily: 200 },
    }),
    azure: SandboxAzure.fromEstate(estate),
    gcp: SandboxGcp.fromEstate(estate, { limits: { firewallsPerProject: 50_000 } }),
  };
}
