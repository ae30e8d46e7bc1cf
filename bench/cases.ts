/** Benchmark cases (size × policy shape × AWS budget) and the command-line arguments of `npm run bench`. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompileContext } from '../core/model/budgets.ts';
import type { Cloud } from '../core/policy/labels.ts';
import { fmtInt } from './measure.ts';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '..');
export const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'gcp'];
export const DEPLOYMENT = 'bench';

/**
 * One benchmark case: estate size, policy size, policy shape (bench/generate.ts PolicyOptions.shape)
 * and the AWS per-interface budget: 'default' = 60 rules × 5 groups (AWS defaults), 'max' =
 * 200 × 5 = 1,000 rules per ENI per direction and family, the most AWS grants (CLOUD-FACTS §1.2);
 * 'unbounded' = every per-object budget of every cloud lifted in the compile context, to measure
 * the algorithmic cost of compile + plan where the real budgets refuse; the sandboxes enforce
 * real quotas, so such a case stops after plan ∅ (compile and plan are pure: no cloud needed).
 */
export interface Case {
  workloads: number;
  segments: number;
  rules: number;
  shape: 'sparse' | 'realistic' | 'local';
  aws: 'default' | 'max' | 'unbounded';
  v4only?: boolean;
  /**
   * Address plan of the estate (EstateOptions.addressPlan): 'segment' = segment-aligned subnets;
   * 'compress' = segment-aligned subnets declared in spec.addressPlans, so compile may compress;
   * 'compress-admit' = the same with `unusedBlocks: admit`.
   * Absent: today's scattered addresses.
   */
  addresses?: 'segment' | 'compress' | 'compress-admit';
  /** Every network's /16 declared end-to-end enforced in the policy (spec.endToEnd); suffix `/e2e`. */
  endToEnd?: boolean;
}

export const caseKey = (c: Case) =>
  `${short(c.workloads)}/${c.segments}/${short(c.rules)}/${c.shape}/${c.aws === 'unbounded' ? 'unbounded' : `aws-${c.aws}`}${c.v4only ? '/v4' : ''}${c.addresses ? `/${c.addresses}` : ''}${c.endToEnd ? '/e2e' : ''}`;
export const caseLabel = (c: Case) =>
  `${short(c.workloads)} · ${fmtInt(c.segments)} · ${short(c.rules)} · ${c.shape}${c.aws === 'max' ? ' · AWS 1000' : c.aws === 'unbounded' ? ' · unbounded' : ''}${c.v4only ? ' · IPv4 only' : ''}${c.addresses === 'segment' ? ' · segment-aligned' : c.addresses === 'compress' ? ' · segment-aligned + compression' : c.addresses === 'compress-admit' ? ' · segment-aligned + compression (unused blocks admitted)' : ''}${c.endToEnd ? ' · end-to-end' : ''}`;
export const AWS_MAX = { rulesPerGroupPerDirectionPerFamily: 200, groupsPerInterface: 5 };
export const BIG = 1_000_000_000;
export const UNBOUNDED: NonNullable<CompileContext['limits']> = {
  aws: { rulesPerGroupPerDirectionPerFamily: BIG, groupsPerInterface: BIG, prefixListMaxEntries: BIG },
  azure: {
    rulesPerNsg: BIG,
    prefixesPerNsgSide: BIG,
    asgsPerIpConfiguration: BIG,
    asgsPerNsg: BIG,
    asgsPerRuleSide: BIG,
  },
  gcp: {
    firewallsPerProject: BIG,
    tagsPerInstance: BIG,
    sourceTagsPerRule: BIG,
    targetTagsPerRule: BIG,
    rangesPerRule: BIG,
  },
};
export function short(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`bad size "${s}"`);
  return Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1000 : m[2]?.toLowerCase() === 'm' ? 1_000_000 : 1));
}
export function parseCase(s: string, defaults: Pick<Case, 'shape' | 'aws'>): Case {
  const [w, seg, r, ...rest] = s.split('/');
  if (!w || !seg || !r)
    throw new Error(
      `bad case "${s}": want WORKLOADS/SEGMENTS/RULES[/sparse|realistic][/aws-max|aws-default][/segment|compress|compress-admit][/e2e], e.g. 100k/1000/5k/sparse/aws-max`,
    );
  const shape = rest.includes('realistic')
    ? 'realistic'
    : rest.includes('sparse')
      ? 'sparse'
      : rest.includes('local')
        ? 'local'
        : defaults.shape;
  const aws = rest.includes('aws-max')
    ? 'max'
    : rest.includes('aws-default')
      ? 'default'
      : rest.includes('unbounded') || rest.includes('aws-unbounded')
        ? 'unbounded'
        : defaults.aws;
  return {
    workloads: parseSize(w),
    segments: parseSize(seg),
    rules: parseSize(r),
    shape,
    aws,
    ...(rest.includes('v4') ? { v4only: true } : {}),
    ...(rest.includes('compress-admit')
      ? { addresses: 'compress-admit' }
      : rest.includes('compress')
        ? { addresses: 'compress' }
        : rest.includes('segment')
          ? { addresses: 'segment' }
          : {}),
    ...(rest.includes('e2e') ? { endToEnd: true } : {}),
  };
}

/**
 * The default matrix: where the real quotas refuse, the realistic and sparse estates that fit
 * (segment-aligned subnets from 10k), the local estate from 1k to 100k, and compile + plan alone
 * with the budgets lifted up to the target size; each reported as far as it gets within the time
 * limit.
 */
export const DEFAULT_CASES = [
  // Real quotas: where today's compiler refuses.
  '1k/100/1k/realistic/aws-default',
  '1k/100/1k/sparse/aws-default',
  '1k/100/1k/sparse/aws-max',
  '10k/100/1k/sparse/aws-max',
  // Realistic and sparse estates that fit (issue 9), through the whole pipeline: apply, verify, re-tags.
  '1k/100/1k/realistic/aws-max',
  '1k/100/1k/realistic/aws-max/compress',
  '10k/100/1k/realistic/aws-max/compress',
  '10k/100/1k/sparse/aws-max/compress',
  // The whole pipeline through the sandbox, and the cost of one re-tag, 1k → 100k.
  '1k/100/1k/local/aws-max',
  '10k/100/1k/local/aws-max',
  '100k/100/1k/local/aws-max',
  '100k/100/1k/local/aws-max/v4',
  // compile + plan alone, budgets lifted: growth with N, and with the policy.
  '1k/100/1k/sparse/unbounded',
  '10k/100/1k/sparse/unbounded',
  '100k/100/1k/sparse/unbounded',
  '1k/1000/5k/sparse/unbounded',
  // The target: 100k workloads, 1,000 segments, 5,000 rules.
  '100k/1000/5k/sparse/unbounded',
];
export const SIZES = [1000, 10_000, 100_000];

/**
 * The estate of 'local' cases: every app in one network, and Azure at 15% of the workloads: the
 * sandbox Azure scans every NIC on each NIC update (adapters/sandbox/azure-model.ts asgVnets), so
 * a full apply there is quadratic in Azure NICs (10k NICs: 7 s; 30k would take minutes). Their
 * policy has no monitor-mode segment (monitored classes are referenced by address, see BENCHMARKS.md).
 */
export const LOCAL_ESTATE = {
  multiCloudApps: 0,
  otherRegion: 0,
  singleNetworkApps: true,
  cloudShares: { aws: 0.55, azure: 0.15, gcp: 0.3 },
};

export interface Args {
  help: boolean;
  cases: Case[];
  seed: number;
  maxFlows: number;
  timeoutSec: number;
  write: boolean;
  profile: boolean;
  coreOnly: boolean;
  ticks: boolean;
  retagAll: boolean;
  /** Share of monitor-mode segments (PolicyOptions.monitorShare); default 0.05, 0 for 'local'. */
  monitor?: number;
  json?: string;
  child?: Case;
  /** No --cases/--sizes/--shapes/--quick/--full: the default matrix, plus the issue 9 runs unless --no-scale. */
  defaultMatrix: boolean;
  scale: boolean;
}

/** What `npm run bench -- --help` prints. */
export const USAGE = `npm run bench [-- options]      the size matrix of DESIGN.md §6.5, each case in its own process

  (no options)                the default matrix (DEFAULT_CASES in bench/cases.ts), ~10-20 min
  --quick                     1k workloads only
  --sizes=1k,10k              estate sizes (workloads)
  --shapes=100/1000,...       policy shapes: segments/rules
  --full                      every size × {100,1000} segments × {1k,5k} rules
  --cases=N/S/R[/shape][/aws-default|aws-max|unbounded][/v4][/segment|compress|compress-admit][/e2e],...   explicit cases, e.g. --cases=200/10/20
                              segment: segment-aligned subnets; compress: also declared in spec.addressPlans
                              (compress-admit: with unusedBlocks: admit); e2e: every network's /16 declared
                              end-to-end enforced (spec.endToEnd)
  --shape=sparse|realistic|local   default shape of --sizes/--cases (sparse)
  --aws=default|max|unbounded      default AWS budget (max)
  --seed=N  --max-flows=200k  --timeout=SECONDS  --monitor=N  --retag-all
  --core-only  --profile  --ticks  CPU profiles of compile + plan (bench/profiles/)
  --json=FILE                 where the raw outcomes go (bench/results/latest.json)
  --no-scale                  skip the issue 9 runs the default matrix adds (fit, re-tag at 100k, AWS re-tags)
  --write                     also rewrite the generated part of BENCHMARKS.md (default matrix only)
  --help                      this text
`;

export function parseArgs(argv: readonly string[]): Args {
  const get = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const has = (name: string): boolean => argv.includes(`--${name}`);
  const defaults = { shape: (get('shape') ?? 'sparse') as Case['shape'], aws: (get('aws') ?? 'max') as Case['aws'] };
  const shapes = has('full')
    ? [100, 1000].flatMap((segments) => [1000, 5000].map((rules) => `${segments}/${rules}`))
    : get('shapes')?.split(',');
  const sizes = has('quick') ? ['1k'] : get('sizes')?.split(',');
  const explicit = get('cases')?.split(',');
  const cases = (
    explicit ??
    (sizes || shapes
      ? (sizes ?? SIZES.map(short)).flatMap((n) => (shapes ?? ['100/1000', '1000/5000']).map((sh) => `${n}/${sh}`))
      : DEFAULT_CASES)
  ).map((s) => parseCase(s, defaults));
  const child = get('case');
  const json = get('json');
  const monitor = get('monitor');
  return {
    help: has('help') || argv.includes('-h'),
    cases,
    seed: Number(get('seed') ?? 42),
    maxFlows: parseSize(get('max-flows') ?? '200k'),
    timeoutSec: Number(get('timeout') ?? 450),
    write: has('write'),
    defaultMatrix: !explicit && !sizes && !shapes,
    scale: !explicit && !sizes && !shapes && !has('no-scale'),
    profile: has('profile'),
    coreOnly: has('core-only'),
    ticks: has('ticks'),
    retagAll: has('retag-all'),
    ...(json !== undefined ? { json } : {}),
    ...(monitor !== undefined ? { monitor: Number(monitor) } : {}),
    ...(child !== undefined ? { child: parseCase(child, defaults) } : {}),
  };
}
