/**
 * `npm run bench`: the size matrix of DESIGN.md §6.5 / issue 4, measured.
 *
 *   npm run bench                              # default matrix (see DEFAULT_CASES), ~10-20 min
 *   npm run bench -- --quick                   # 1k workloads only
 *   npm run bench -- --sizes=1k,10k --shapes=100/1000,1000/5000
 *   npm run bench -- --full                    # every size × {100,1000} segments × {1k,5k} rules
 *   npm run bench -- --cases=100k/1000/5000 --core-only --profile   # CPU profile of compile + plan
 *   npm run bench -- --write                   # also rewrite the generated part of BENCHMARKS.md
 *
 * Each case runs in its own child process (`node --expose-gc --import tsx bench/run.ts
 * --case=N/S/R`), so its peak memory is its own and a case that runs out of time or memory is
 * reported, not fatal. The child prints one `@@phase` line per finished phase and one `@@result`
 * line at the end; the parent turns them into the tables.
 *
 * Phases of a case (all through the real code: sandbox clouds + adapters + core):
 *   generate      estate + policy text (bench/generate.ts), parsePolicy
 *   seed          sandbox clouds from the estate (quotas raised, see SANDBOX_LIMITS)
 *   read          readWorld: inventory + actual state (nothing owned yet)
 *   compile       compile(policy, inventory): the full compile
 *   plan-empty    plan(desired, actual with nothing owned)
 *   apply         applySteps through the sandbox APIs (API writes counted per method)
 *   read-applied  readWorld again
 *   plan-uptodate plan(desired, the state just read): must be 0 steps
 *   verify        verify(policy, inventory, state, { maxFlows })
 *   retag-<cloud> one workload per cloud re-tagged (tier changes, same network): readWorld, then
 *                 recompute (compile) + plan timed, then the steps applied through the sandbox
 *                 with every mutating API call counted: the cost of change.
 */
import { execSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsAdapter } from '../adapters/aws/index.ts';
import { azureAdapter } from '../adapters/azure/index.ts';
import { gcpAdapter } from '../adapters/gcp/index.ts';
import { applySteps, readWorld, type Clouds } from '../adapters/reconcile.ts';
import { SandboxAws, type AwsLimits } from '../adapters/sandbox/aws.ts';
import { SandboxAzure, type AzureLimits } from '../adapters/sandbox/azure.ts';
import type { Estate } from '../adapters/sandbox/estate-types.ts';
import { SandboxGcp, type GcpLimits } from '../adapters/sandbox/gcp.ts';
import { compile, type Desired } from '../core/compile/index.ts';
import type { NativeState } from '../core/model/native/index.ts';
import type { Workload } from '../core/model/inventory.ts';
import { plan, type Plan } from '../core/plan/index.ts';
import { DEFAULT_BUDGETS, type CompileContext } from '../core/model/budgets.ts';
import type { Step } from '../core/plan/step.ts';
import { isOwnedAws, isOwnedAzure, isOwnedGcpFirewall } from '../core/ownership.ts';
import type { Cloud } from '../core/model/cloud.ts';
import { parsePolicy } from '../core/policy/parse.ts';
import { selectorMatches } from '../core/policy/selector/index.ts';
import type { Peer, Policy } from '../core/policy/types.ts';
import { verify } from '../core/verify/index.ts';
import { generateEstate, generatePolicy, Rng } from './generate.ts';
import {
  fmtBytes,
  fmtInt,
  fmtMs,
  gcExposed,
  growthExponent,
  markdownTable,
  Meter,
  type PhaseResult,
} from './measure.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'gcp'];
const DEPLOYMENT = 'bench';

/**
 * Region/project-wide quotas are raised (all are adjustable on request in the real clouds; the
 * native-size table compares usage with the defaults). Per-object quotas (rules per group/NSG,
 * groups per ENI, ASGs per NIC, tags per instance, prefix-list entries) stay at their defaults:
 * those are the budgets the compiler must fit.
 */
const SANDBOX_LIMITS = {
  aws: { groupsPerRegion: 20_000, prefixListsPerRegion: 10_000 } satisfies Partial<AwsLimits>,
  azure: {} satisfies Partial<AzureLimits>,
  gcp: { firewallsPerProject: 50_000 } satisfies Partial<GcpLimits>,
};
const DEFAULT_QUOTAS = { awsGroupsPerRegion: 2500, awsPrefixListsPerRegion: 100, gcpFirewallsPerProject: 500 };

// ---------------------------------------------------------------------------------------------
// Cases and arguments

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
}

const caseKey = (c: Case) =>
  `${short(c.workloads)}/${c.segments}/${short(c.rules)}/${c.shape}/${c.aws === 'unbounded' ? 'unbounded' : `aws-${c.aws}`}${c.v4only ? '/v4' : ''}`;
const caseLabel = (c: Case) =>
  `${short(c.workloads)} · ${fmtInt(c.segments)} · ${short(c.rules)} · ${c.shape}${c.aws === 'max' ? ' · AWS 1000' : c.aws === 'unbounded' ? ' · unbounded' : ''}${c.v4only ? ' · IPv4 only' : ''}`;
const AWS_MAX = { rulesPerGroupPerDirectionPerFamily: 200, groupsPerInterface: 5 };
const BIG = 1_000_000_000;
const UNBOUNDED: NonNullable<CompileContext['limits']> = {
  aws: { rulesPerGroupPerDirectionPerFamily: BIG, groupsPerInterface: BIG, prefixListMaxEntries: BIG },
  azure: {
    rulesPerNsg: BIG,
    prefixesPerNsgSide: BIG,
    asgsPerIpConfiguration: BIG,
    asgsPerNsg: BIG,
    asgsPerRuleSide: BIG,
  },
  gcp: { tagsPerInstance: BIG, sourceTagsPerRule: BIG, targetTagsPerRule: BIG, rangesPerRule: BIG },
};
function short(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`bad size "${s}"`);
  return Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1000 : m[2]?.toLowerCase() === 'm' ? 1_000_000 : 1));
}
function parseCase(s: string, defaults: Pick<Case, 'shape' | 'aws'>): Case {
  const [w, seg, r, ...rest] = s.split('/');
  if (!w || !seg || !r)
    throw new Error(
      `bad case "${s}": want WORKLOADS/SEGMENTS/RULES[/sparse|realistic][/aws-max|aws-default], e.g. 100k/1000/5k/sparse/aws-max`,
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
  };
}

/**
 * The default matrix. Sparse policies with the AWS budget at its maximum are the ones today's
 * compiler can finish (BENCHMARKS.md says why); the realistic policy and the target size are run
 * too, and reported as far as they get within the time limit.
 */
const DEFAULT_CASES = [
  // Real quotas: where today's compiler refuses.
  '1k/100/1k/realistic/aws-default',
  '1k/100/1k/sparse/aws-default',
  '1k/100/1k/sparse/aws-max',
  '10k/100/1k/sparse/aws-max',
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
const SIZES = [1000, 10_000, 100_000];

/**
 * The estate of 'local' cases: every app in one network, and Azure at 15% of the workloads: the
 * sandbox Azure scans every NIC on each NIC update (adapters/sandbox/azure-model.ts asgVnets), so
 * a full apply there is quadratic in Azure NICs (10k NICs: 7 s; 30k would take minutes). Their
 * policy has no monitor-mode segment (monitored classes are referenced by address, see BENCHMARKS.md).
 */
const LOCAL_ESTATE = {
  multiCloudApps: 0,
  otherRegion: 0,
  singleNetworkApps: true,
  cloudShares: { aws: 0.55, azure: 0.15, gcp: 0.3 },
};

interface Args {
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
}

function parseArgs(argv: readonly string[]): Args {
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
    cases,
    seed: Number(get('seed') ?? 42),
    maxFlows: parseSize(get('max-flows') ?? '200k'),
    timeoutSec: Number(get('timeout') ?? 450),
    write: has('write'),
    profile: has('profile'),
    coreOnly: has('core-only'),
    ticks: has('ticks'),
    retagAll: has('retag-all'),
    ...(json !== undefined ? { json } : {}),
    ...(monitor !== undefined ? { monitor: Number(monitor) } : {}),
    ...(child !== undefined ? { child: parseCase(child, defaults) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The sandbox, with API writes counted

type Counts = Record<Cloud, Record<string, number>>;

/** Wraps an API object so that every mutating call (not describe*, list*, get*) is counted. */
function counting<T extends object>(api: T, cloud: Cloud, counts: Counts): T {
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

interface BenchSandbox {
  aws: SandboxAws;
  azure: SandboxAzure;
  gcp: SandboxGcp;
  clouds: Clouds;
  counts: Counts;
  resetCounts(): void;
  snapshot(): NativeState;
}

function benchSandbox(estate: Estate, awsBudget: Case['aws']): BenchSandbox {
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

const total = (m: Record<string, number>): number => Object.values(m).reduce((s, n) => s + n, 0);

function stepsPerCloud(steps: readonly Step[]): Record<Cloud, number> {
  const out: Record<Cloud, number> = { aws: 0, azure: 0, gcp: 0 };
  for (const s of steps) out[s.cloud]++;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Native size, quotas, and the naive reference

interface NativeSize {
  aws: {
    groups: number;
    ruleUnits: number;
    prefixLists: number;
    prefixListEntries: number;
    maxGroupsPerRegion: number;
    maxPrefixListsPerRegion: number;
    maxRulesPerGroupDirFamily: number;
    maxGroupsPerEni: number;
    maxPrefixListEntries: number;
  };
  azure: {
    nsgs: number;
    rules: number;
    asgs: number;
    maxRulesPerNsg: number;
    maxAsgsPerIpConfig: number;
    maxAsgsPerNsg: number;
    maxPrefixesPerNsgSide: number;
  };
  gcp: {
    firewalls: number;
    maxFirewallsPerProject: number;
    maxTagsPerInstance: number;
    maxRangesPerRule: number;
    maxSourceTagsPerRule: number;
    maxTargetTagsPerRule: number;
  };
}

function nativeSize(state: NativeState, desired: Desired): NativeSize {
  const max = (xs: Iterable<number>): number => {
    let m = 0;
    for (const x of xs) if (x > m) m = x;
    return m;
  };
  const countBy = <T>(xs: readonly T[], key: (x: T) => string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
    return m;
  };
  // AWS
  const sgs = state.aws.SecurityGroups.filter((g) => isOwnedAws(g.Tags, DEPLOYMENT));
  const pls = state.aws.PrefixLists.filter((p) => isOwnedAws(p.Tags, DEPLOYMENT));
  const plById = new Map(state.aws.PrefixLists.map((p) => [p.PrefixListId, p]));
  let units = 0;
  let maxDirFam = 0;
  for (const g of sgs) {
    for (const perms of [g.IpPermissions, g.IpPermissionsEgress]) {
      // Per family: CIDR and group references count 1, a prefix list counts its MaxEntries.
      let v4 = 0;
      let v6 = 0;
      for (const p of perms) {
        units += p.IpRanges.length + p.Ipv6Ranges.length + p.PrefixListIds.length + p.UserIdGroupPairs.length;
        v4 += p.IpRanges.length + p.UserIdGroupPairs.length;
        v6 += p.Ipv6Ranges.length + p.UserIdGroupPairs.length;
        for (const ref of p.PrefixListIds) {
          const pl = plById.get(ref.PrefixListId);
          if (pl?.AddressFamily === 'IPv6') v6 += pl.MaxEntries;
          else v4 += pl?.MaxEntries ?? 1;
        }
      }
      maxDirFam = Math.max(maxDirFam, v4, v6);
    }
  }
  // Per (account, Region): from the desired objects, which carry their scope.
  const aws = {
    groups: sgs.length,
    ruleUnits: units,
    prefixLists: pls.length,
    prefixListEntries: pls.reduce((n, p) => n + p.Entries.length, 0),
    maxGroupsPerRegion: max(countBy(desired.aws.groups, (g) => g.scope).values()),
    maxPrefixListsPerRegion: max(countBy(desired.aws.prefixLists, (p) => p.scope).values()),
    maxRulesPerGroupDirFamily: maxDirFam,
    maxGroupsPerEni: max(state.aws.NetworkInterfaces.map((e) => e.Groups.length)),
    maxPrefixListEntries: max(pls.map((p) => p.Entries.length)),
  };
  // Azure
  const nsgs = state.azure.networkSecurityGroups.filter((n) => isOwnedAzure(n.tags, DEPLOYMENT));
  const asgsPerNsg = (n: (typeof nsgs)[number]) =>
    new Set(
      n.properties.securityRules.flatMap((r) =>
        [
          ...(r.properties.sourceApplicationSecurityGroups ?? []),
          ...(r.properties.destinationApplicationSecurityGroups ?? []),
        ].map((a) => a.id.toLowerCase()),
      ),
    ).size;
  const prefixes = (n: (typeof nsgs)[number], side: 'source' | 'destination') =>
    n.properties.securityRules.reduce((s, r) => {
      const p = r.properties;
      const list =
        side === 'source'
          ? [...(p.sourceAddressPrefixes ?? []), ...(p.sourceAddressPrefix ? [p.sourceAddressPrefix] : [])]
          : [
              ...(p.destinationAddressPrefixes ?? []),
              ...(p.destinationAddressPrefix ? [p.destinationAddressPrefix] : []),
            ];
      return s + list.filter((x) => /[\d:]/.test(x)).length;
    }, 0);
  const azure = {
    nsgs: nsgs.length,
    rules: nsgs.reduce((n, g) => n + g.properties.securityRules.length, 0),
    asgs: state.azure.applicationSecurityGroups.filter((a) => isOwnedAzure(a.tags, DEPLOYMENT)).length,
    maxRulesPerNsg: max(nsgs.map((n) => n.properties.securityRules.length)),
    maxAsgsPerIpConfig: max(
      state.azure.networkInterfaces.flatMap((n) =>
        n.properties.ipConfigurations.map((c) => c.properties.applicationSecurityGroups?.length ?? 0),
      ),
    ),
    maxAsgsPerNsg: max(nsgs.map(asgsPerNsg)),
    maxPrefixesPerNsgSide: max(nsgs.flatMap((n) => [prefixes(n, 'source'), prefixes(n, 'destination')])),
  };
  // GCP
  const fws = state.gcp.firewalls.filter((f) => isOwnedGcpFirewall(f, DEPLOYMENT));
  const projectOf = (network: string) => /projects\/([^/]+)/.exec(network)?.[1] ?? network;
  const gcp = {
    firewalls: fws.length,
    maxFirewallsPerProject: max(countBy(state.gcp.firewalls, (f) => projectOf(f.network)).values()),
    maxTagsPerInstance: max(state.gcp.instances.map((i) => i.tags.items?.length ?? 0)),
    maxRangesPerRule: max(fws.map((f) => Math.max(f.sourceRanges?.length ?? 0, f.destinationRanges?.length ?? 0))),
    maxSourceTagsPerRule: max(fws.map((f) => f.sourceTags?.length ?? 0)),
    maxTargetTagsPerRule: max(fws.map((f) => f.targetTags?.length ?? 0)),
  };
  return { aws, azure, gcp };
}

interface Naive {
  rules: Record<Cloud, number>;
  maxPerWorkload: Record<Cloud, number>;
}

/** What compile asks for, before any cloud: objects and rules per cloud (also for unbounded cases). */
interface DesiredSize {
  aws: {
    groups: number;
    ruleUnits: number;
    prefixLists: number;
    maxPrefixListEntries: number;
    maxGroupsPerClass: number;
  };
  azure: { nsgs: number; rules: number; asgs: number; maxRulesPerNsg: number };
  gcp: { firewalls: number; maxRangesPerRule: number };
}

function desiredSize(d: Desired): DesiredSize {
  const max = (xs: number[]): number => xs.reduce((m, x) => (x > m ? x : m), 0);
  const groupsPerClass = new Map<string, number>();
  for (const g of d.aws.groups)
    groupsPerClass.set(
      `${g.scope}|${g.vpcId}|${g.classId}`,
      (groupsPerClass.get(`${g.scope}|${g.vpcId}|${g.classId}`) ?? 0) + 1,
    );
  return {
    aws: {
      groups: d.aws.groups.length,
      ruleUnits: d.aws.groups.reduce((n, g) => n + g.ingress.length + g.egress.length, 0),
      prefixLists: d.aws.prefixLists.length,
      maxPrefixListEntries: max(d.aws.prefixLists.map((p) => p.entries.length)),
      maxGroupsPerClass: max([...groupsPerClass.values()]),
    },
    azure: {
      nsgs: d.azure.nsgs.length,
      rules: d.azure.nsgs.reduce((n, x) => n + x.rules.length, 0),
      asgs: d.azure.asgs.length,
      maxRulesPerNsg: max(d.azure.nsgs.map((x) => x.rules.length)),
    },
    gcp: {
      firewalls: d.gcp.firewalls.length,
      maxRangesPerRule: max(
        d.gcp.firewalls.map((f) =>
          Math.max(f.firewall.sourceRanges?.length ?? 0, f.firewall.destinationRanges?.length ?? 0),
        ),
      ),
    },
  };
}

/**
 * The naive reference: every enforced workload gets its own firewall, and every allow rule
 * becomes one native rule per (peer address, port spec) on it — ingress at each enforced
 * destination, egress at each enforced source (when egress is denied by default). Deny rules
 * cannot be expressed this way on AWS at all; they are ignored (so naive is an under-estimate).
 * Computed per class (members agree on every selector), so it is cheap.
 */
function naiveTranslation(policy: Policy, desired: Desired): Naive {
  const classes = desired.reach.classification.classes;
  const externalCidrs = (peer: Peer): number => {
    if (peer.kind === 'cidrs') return peer.cidrs.length;
    if (peer.kind === 'external') return policy.externals.find((e) => e.name === peer.name)?.cidrs.length ?? 0;
    return policy.externals
      .filter((e) => selectorMatches(peer.selector, e.labels))
      .reduce((s, e) => s + e.cidrs.length, 0);
  };
  const matchingClasses = (peer: Peer) =>
    peer.kind === 'segment' || peer.kind === 'selector'
      ? classes.filter((c) => selectorMatches(peer.selector, c.labels))
      : [];
  const rules: Record<Cloud, number> = { aws: 0, azure: 0, gcp: 0 };
  const perClass = new Map<string, number>();
  const egressDenied = policy.defaults.egress === 'deny';
  for (const r of policy.rules) {
    if (r.action !== 'allow') continue;
    const from = matchingClasses(r.from);
    const to = matchingClasses(r.to);
    const fromPeers = from.reduce((s, c) => s + c.members.length, 0) + externalCidrs(r.from);
    const toPeers = to.reduce((s, c) => s + c.members.length, 0) + externalCidrs(r.to);
    const ports = r.ports.length;
    for (const c of to) {
      if (c.status !== 'enforced') continue;
      const each = fromPeers * ports;
      perClass.set(c.id, (perClass.get(c.id) ?? 0) + each);
      for (const w of c.members) rules[w.cloud] += each;
    }
    if (!egressDenied) continue;
    for (const c of from) {
      if (c.status !== 'enforced') continue;
      const each = toPeers * ports;
      perClass.set(c.id, (perClass.get(c.id) ?? 0) + each);
      for (const w of c.members) rules[w.cloud] += each;
    }
  }
  const maxPerWorkload: Record<Cloud, number> = { aws: 0, azure: 0, gcp: 0 };
  for (const c of classes) {
    const n = perClass.get(c.id) ?? 0;
    for (const cloud of new Set(c.members.map((w) => w.cloud)))
      maxPerWorkload[cloud] = Math.max(maxPerWorkload[cloud], n);
  }
  return { rules, maxPerWorkload };
}

// ---------------------------------------------------------------------------------------------
// One case (child process)

interface RetagResult {
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

function emit(tag: string, value: unknown): void {
  process.stdout.write(`@@${tag} ${JSON.stringify(value)}\n`);
}

async function runCase(c: Case, args: Args): Promise<CaseResult> {
  const meter = new Meter();
  meter.onStart = (name) => emit('start', name);
  meter.onEnd = (r) => emit('phase', r);
  const ctx: CompileContext = {
    deploymentId: DEPLOYMENT,
    ...(c.aws === 'max' ? { limits: { aws: AWS_MAX } } : c.aws === 'unbounded' ? { limits: UNBOUNDED } : {}),
  };
  const result: CaseResult = {
    case: c,
    seed: args.seed,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      gc: gcExposed(),
      loadStart: loadavg()[0] ?? 0,
    },
    counts: {
      workloads: c.workloads,
      enforced: 0,
      monitored: 0,
      unmanaged: 0,
      quarantined: 0,
      classes: 0,
      networks: 0,
      policyLines: 0,
      denyRules: 0,
    },
    phases: meter.phases,
    retags: [],
  };
  try {
    const { estate, policy, text } = await meter.phase('generate', () => {
      // 'local': every app in one network (no second cloud or region), see PolicyOptions.shape.
      const generated = generateEstate({
        seed: args.seed,
        workloads: c.workloads,
        segments: c.segments,
        ...(c.shape === 'local' ? LOCAL_ESTATE : {}),
        ...(c.v4only ? { ipv6: 0 } : {}),
      });
      const policyText = generatePolicy({
        seed: args.seed,
        segments: c.segments,
        rules: c.rules,
        shape: c.shape,
        monitorShare: args.monitor ?? (c.shape === 'local' ? 0 : 0.05),
      });
      return { estate: generated.estate, text: policyText, policy: parsePolicy(policyText, 'bench.yaml') };
    });
    result.counts.policyLines = text.split('\n').length;
    result.counts.denyRules = policy.rules.filter((r) => r.action === 'deny').length;
    const sb = await meter.phase('seed', () => benchSandbox(estate, c.aws));
    const world0 = await meter.phase('read', () => readWorld(sb.clouds));
    const desired = await meter.phase('compile', () => compile(policy, world0.inventory, ctx));
    const cls = desired.reach.classification;
    for (const w of world0.inventory.workloads) {
      const status = cls.classOf.get(w.id)?.status;
      if (status === 'enforced') result.counts.enforced++;
      else if (status === 'monitored') result.counts.monitored++;
      else if (status === 'quarantined') result.counts.quarantined++;
      else result.counts.unmanaged++;
    }
    result.counts.classes = cls.classes.length;
    result.counts.networks = new Set(world0.inventory.workloads.map((w) => w.network)).size;
    const p0 = await meter.phase('plan-empty', () => plan(desired, world0.state, ctx, { exclusive: policy.exclusive }));
    result.planEmpty = { steps: stepsPerCloud(p0.steps), findings: findingCounts(p0) };
    result.naive = naiveTranslation(policy, desired);
    result.desiredSize = desiredSize(desired);
    if (args.coreOnly || c.aws === 'unbounded') return result;

    const blocking = p0.findings.filter((f) => f.severity === 'error');
    if (blocking.length > 0)
      throw new Error(
        `the full plan has ${blocking.length} error finding(s) (reconcile would refuse it): ${blocking
          .slice(0, 3)
          .map((f) => f.message)
          .join(' | ')}`,
      );
    sb.resetCounts();
    await meter.phase('apply', () => applySteps(p0.steps, sb.clouds, { sleep: async () => {} }));
    result.applyWrites = { aws: total(sb.counts.aws), azure: total(sb.counts.azure), gcp: total(sb.counts.gcp) };
    const world1 = await meter.phase('read-applied', () => readWorld(sb.clouds));
    const p1 = await meter.phase('plan-uptodate', () =>
      plan(desired, world1.state, ctx, { exclusive: policy.exclusive }),
    );
    result.planUptodateSteps = p1.steps.length;
    result.native = nativeSize(world1.state, desired);
    const v = await meter.phase('verify', () =>
      verify(policy, world1.inventory, world1.state, { maxFlows: args.maxFlows }),
    );
    result.verify = {
      maxFlows: args.maxFlows,
      flows: v.flows,
      checked: v.checked,
      truncated: v.truncated,
      disagreements: v.disagreements.length,
      sample: v.disagreements
        .slice(0, 3)
        .map(
          (d) =>
            `${d.side} ${d.flow.src} → ${d.flow.dst} ${d.flow.protocol}/${d.flow.port ?? ''}: policy ${d.intended}, cloud ${d.actual} (${d.nativeRule})`,
        ),
    };

    // Cost of change: one re-tag per cloud, each in its own round.
    // When a compile takes minutes, one re-tag (AWS) and no convergence check keep the case in budget.
    const rng = new Rng(args.seed + 99);
    let inventory = world1.inventory;
    const compileMs = meter.get('compile')?.ms ?? 0;
    for (const cloud of args.retagAll || compileMs < 60_000 ? CLOUDS : CLOUDS.slice(0, 1)) {
      const r = await retagOnce(cloud, {
        sb,
        estate,
        policy,
        ctx,
        inventory,
        desired,
        meter,
        rng,
        slowCompile: compileMs > 20_000,
      });
      result.retags.push(r.result);
      inventory = r.inventory;
    }
  } catch (e) {
    result.error =
      e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}` : String(e);
  } finally {
    meter.close();
    result.machine.loadEnd = loadavg()[0] ?? 0;
  }
  return result;
}

const NEXT_TIER: Record<string, string> = { web: 'api', api: 'web', app: 'api', db: 'cache', cache: 'db' };

async function retagOnce(
  cloud: Cloud,
  env: {
    sb: BenchSandbox;
    estate: Estate;
    policy: Policy;
    ctx: CompileContext;
    inventory: { workloads: Workload[] };
    desired: Desired;
    meter: Meter;
    rng: Rng;
    slowCompile: boolean;
  },
): Promise<{ result: RetagResult; inventory: { workloads: Workload[] } }> {
  const { sb, estate, policy, ctx, meter } = env;
  const cls = env.desired.reach.classification;
  const segmentNames = new Set(policy.segments.filter((s) => s.mode === 'enforce').map((s) => s.name));
  const candidates = env.inventory.workloads
    .filter((w) => w.cloud === cloud && cls.classOf.get(w.id)?.status === 'enforced' && w.labels.app && w.labels.tier)
    .filter((w) => segmentNames.has(`${w.labels.app}-${NEXT_TIER[w.labels.tier!] ?? ''}`))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const w = candidates.length > 0 ? candidates[env.rng.int(candidates.length)] : undefined;
  const base: RetagResult = {
    cloud,
    workload: '–',
    change: '–',
    readMs: 0,
    compileMs: 0,
    planMs: 0,
    steps: { aws: 0, azure: 0, gcp: 0 },
    stepKinds: {},
    writes: { aws: {}, azure: {}, gcp: {} },
    writesTotal: { aws: 0, azure: 0, gcp: 0 },
  };
  if (!w) return { result: { ...base, error: `no enforced ${cloud} workload to re-tag` }, inventory: env.inventory };
  const from = w.labels.tier!;
  const to = NEXT_TIER[from]!;
  const result: RetagResult = {
    ...base,
    workload: w.nativeId,
    change: `tier ${from} → ${to} (${w.labels.app}, same network)`,
  };
  if (cloud === 'aws') {
    const inst = estate.aws.find((x) => x.id === w.nativeId)!;
    const tags: Record<string, string | null> = {};
    for (const k of Object.keys(inst.tags)) if (k.toLowerCase() === 'tier' && k !== 'tier') tags[k] = null;
    tags.tier = to;
    sb.aws.tagInstance({ account: w.location.account, region: w.location.region }, w.nativeId, tags);
  } else if (cloud === 'azure') {
    sb.azure.tagVm(w.location.account, w.nativeId, { tier: to });
  } else {
    const inst = estate.gcp.find((x) => x.id === w.nativeId)!;
    sb.gcp.setLabels(inst.project, inst.zone, inst.id, { tier: to });
  }
  try {
    const world = await meter.phase(`retag-${cloud}-read`, () => readWorld(sb.clouds));
    const desired = await meter.phase(`retag-${cloud}-compile`, () => compile(policy, world.inventory, ctx));
    const p = await meter.phase(`retag-${cloud}-plan`, () =>
      plan(desired, world.state, ctx, { exclusive: policy.exclusive }),
    );
    result.readMs = meter.get(`retag-${cloud}-read`)!.ms;
    result.compileMs = meter.get(`retag-${cloud}-compile`)!.ms;
    result.planMs = meter.get(`retag-${cloud}-plan`)!.ms;
    result.steps = stepsPerCloud(p.steps);
    for (const s of p.steps)
      result.stepKinds[`${s.cloud} ${s.kind}`] = (result.stepKinds[`${s.cloud} ${s.kind}`] ?? 0) + 1;
    result.findings = findingCounts(p);
    const blocking = p.findings.filter((f) => f.severity === 'error');
    if (blocking.length > 0) {
      // reconcile() refuses such a plan before any write (PlanBlockedError); so does the bench.
      result.blocked = `${blocking.length} error finding(s): ${[...new Set(blocking.map((f) => f.code))].join(', ')}; first: ${blocking[0]!.message}`;
      return { result, inventory: world.inventory };
    }
    sb.resetCounts();
    let applied = 0;
    try {
      await applySteps(p.steps, sb.clouds, { sleep: async () => {}, attempts: 1, onStep: () => void applied++ });
    } catch (e) {
      const step = p.steps[applied];
      result.failedStep = `step ${applied + 1}/${p.steps.length} (${step?.cloud} ${step?.kind} ${step?.target}): ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      result.writes = structuredClone(sb.counts);
      result.writesTotal = { aws: total(sb.counts.aws), azure: total(sb.counts.azure), gcp: total(sb.counts.gcp) };
    }
    if (!env.slowCompile) {
      const again = await readWorld(sb.clouds);
      result.remaining = plan(compile(policy, again.inventory, ctx), again.state, ctx, {
        exclusive: policy.exclusive,
      }).steps.length;
    }
    return { result, inventory: world.inventory };
  } catch (e) {
    return {
      result: { ...result, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) },
      inventory: env.inventory,
    };
  }
}

function findingCounts(p: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of p.findings) out[`${f.severity}:${f.code}`] = (out[`${f.severity}:${f.code}`] ?? 0) + 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parent: run every case in its own process, then report

interface Outcome {
  case: Case;
  result?: CaseResult;
  phases: PhaseResult[];
  killedIn?: string;
  killedWhy?: string;
  stderr: string;
  wallMs: number;
  peakRssChild: number;
}

function runChild(c: Case, args: Args): Promise<Outcome> {
  return new Promise((resolveOutcome) => {
    const nodeArgs = ['--expose-gc', '--max-old-space-size=7168', '--stack-size=4000'];
    if (args.profile) {
      const dir = join(ROOT, 'bench', 'profiles');
      mkdirSync(dir, { recursive: true });
      nodeArgs.push(
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-name=${caseKey(c).replaceAll('/', '-')}${args.coreOnly ? '-core' : ''}.cpuprofile`,
      );
    }
    if (args.ticks) {
      // V8's tick log is written as it runs, so it survives the time limit's SIGKILL (--cpu-prof does not).
      const dir = join(ROOT, 'bench', 'profiles');
      mkdirSync(dir, { recursive: true });
      nodeArgs.push(
        '--prof',
        '--no-logfile-per-isolate',
        `--logfile=${join(dir, `${caseKey(c).replaceAll('/', '-')}.v8.log`)}`,
      );
    }
    const childArgs = [
      ...nodeArgs,
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      `--case=${caseKey(c)}`,
      `--seed=${args.seed}`,
      `--max-flows=${args.maxFlows}`,
      ...(args.coreOnly ? ['--core-only'] : []),
      ...(args.retagAll ? ['--retag-all'] : []),
      ...(args.monitor !== undefined ? [`--monitor=${args.monitor}`] : []),
    ];
    const t0 = performance.now();
    const child = spawn(process.execPath, childArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const outcome: Outcome = { case: c, phases: [], stderr: '', wallMs: 0, peakRssChild: 0 };
    let current: string | undefined;
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^@@(\w+) (.*)$/.exec(line);
        if (!m) continue;
        const value: unknown = JSON.parse(m[2]!);
        if (m[1] === 'start') {
          current = value as string;
          process.stderr.write(`  ${caseKey(c)} ${current}…`);
        } else if (m[1] === 'phase') {
          const ph = value as PhaseResult;
          outcome.phases.push(ph);
          current = undefined;
          process.stderr.write(` ${fmtMs(ph.ms)}, peak ${fmtBytes(ph.peakRss)}\n`);
        } else if (m[1] === 'result') outcome.result = value as CaseResult;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      outcome.stderr = (outcome.stderr + chunk).slice(-4000);
    });
    const kill = (why: string) => {
      if (outcome.killedIn !== undefined || child.exitCode !== null) return;
      outcome.killedIn = current ?? '(between phases)';
      outcome.killedWhy = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`time limit ${args.timeoutSec} s`), args.timeoutSec * 1000);
    const watch = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        const rss = m ? Number(m[1]) * 1024 : 0;
        outcome.peakRssChild = Math.max(outcome.peakRssChild, rss);
        if (rss > 7.5 * 2 ** 30) kill(`memory limit (RSS ${fmtBytes(rss)})`);
      } catch {
        // process gone
      }
    }, 200);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      outcome.wallMs = performance.now() - t0;
      if (!outcome.result && outcome.killedIn === undefined) {
        outcome.killedIn = current ?? '(between phases)';
        outcome.killedWhy = `exit ${code ?? signal}: ${outcome.stderr
          .split('\n')
          .filter((l) => l.trim())
          .slice(-3)
          .join(' | ')}`;
      }
      if (outcome.killedIn !== undefined)
        process.stderr.write(`\n  ${caseKey(c)} stopped in ${outcome.killedIn}: ${outcome.killedWhy}\n`);
      resolveOutcome(outcome);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Report

const ph = (o: Outcome, name: string): PhaseResult | undefined => o.phases.find((p) => p.name === name);
const msOf = (o: Outcome, name: string): string => {
  const p = ph(o, name);
  if (p) return fmtMs(p.ms);
  return o.killedIn === name ? `> ${fmtMs(o.wallMs)} ✗` : '–';
};

function report(outcomes: readonly Outcome[], args: Args, command: string): string {
  const out: string[] = [];
  const mk = (h: string[], rows: string[][]) => out.push(markdownTable(h, rows), '');
  const r0 = outcomes.find((o) => o.result)?.result;

  out.push(
    `Command: \`${command}\` (seed ${args.seed}; each case in its own \`node --expose-gc\` process; code at ${gitState()}).`,
    '',
  );
  out.push('### Time and memory per phase', '');
  mk(
    [
      'case',
      'classes',
      'compile',
      'plan ∅',
      'compile + plan ∅',
      'peak RSS (compile+plan)',
      'RSS before compile',
      'apply (sandbox)',
      'plan ✓',
      'steps ✓',
      'verify',
      'flows',
    ],
    outcomes.map((o) => {
      const c = ph(o, 'compile');
      const p = ph(o, 'plan-empty');
      const both =
        c && p
          ? fmtMs(c.ms + p.ms)
          : o.killedIn === 'compile' || o.killedIn === 'plan-empty'
            ? `> ${fmtMs(o.wallMs)} ✗`
            : '–';
      const v = o.result?.verify;
      return [
        caseLabel(o.case),
        o.result?.counts.classes ? fmtInt(o.result.counts.classes) : '–',
        msOf(o, 'compile'),
        msOf(o, 'plan-empty'),
        both,
        c ? fmtBytes(Math.max(c.peakRss, p?.peakRss ?? 0)) : '–',
        c ? fmtBytes(c.rssBefore) : '–',
        msOf(o, 'apply'),
        msOf(o, 'plan-uptodate'),
        o.result?.planUptodateSteps !== undefined ? fmtInt(o.result.planUptodateSteps) : '–',
        msOf(o, 'verify'),
        v ? `${fmtInt(v.flows)}${v.truncated ? ' (cap)' : ''}, ${fmtInt(v.disagreements)} ✗` : '–',
      ];
    }),
  );
  out.push('### One re-tag (tier changes, same network): recompute + plan, and API writes', '');
  mk(
    [
      'case',
      're-tagged',
      'read',
      'recompute (compile)',
      'plan',
      'recompute + plan',
      'steps aws/azure/gcp',
      'API writes aws/azure/gcp',
      'converged',
    ],
    outcomes.flatMap((o) =>
      (o.result?.retags ?? []).map((r) => [
        caseLabel(o.case),
        `${r.cloud} ${r.workload}`,
        fmtMs(r.readMs),
        fmtMs(r.compileMs),
        fmtMs(r.planMs),
        fmtMs(r.compileMs + r.planMs),
        CLOUDS.map((c) => r.steps[c]).join(' / '),
        CLOUDS.map((c) => r.writesTotal[c]).join(' / '),
        r.error
          ? `error: ${r.error}`
          : r.blocked
            ? `plan blocked, not applied: ${r.blocked}`
            : r.failedStep
              ? `apply failed at ${r.failedStep}`
              : r.remaining === undefined
                ? 'not checked'
                : r.remaining === 0
                  ? 'yes'
                  : `${r.remaining} left`,
      ]),
    ),
  );
  const methods = new Map<string, string[]>();
  for (const o of outcomes) {
    for (const r of o.result?.retags ?? []) {
      const m = CLOUDS.flatMap((c) => Object.entries(r.writes[c]).map(([k, n]) => `${k}×${n}`)).join(', ') || 'none';
      methods.set(`${caseLabel(o.case)} | ${r.cloud}`, [caseLabel(o.case), r.cloud, m]);
    }
  }
  if (methods.size > 0) {
    out.push('API calls made by each re-tag (sandbox, counted by wrapping the API objects):', '');
    mk(['case', 're-tag in', 'calls'], [...methods.values()]);
  }
  out.push('### Native size per cloud (after the full apply) against quotas and the naive translation', '');
  const q = DEFAULT_BUDGETS;
  const flag = (v: number, limit: number) => `${fmtInt(v)}${v > limit ? ' ⚠' : ''}`;
  mk(
    [
      'case',
      'AWS SGs (max/region ≤2500)',
      'AWS rule units',
      'AWS max rules/SG/dir/fam (≤ budget: 60, or 200 with AWS 1000)',
      'AWS max SGs/ENI ≤5',
      'AWS PLs (max/region ≤100)',
      'AWS max PL entries ≤1000',
      'naive AWS rules (max/workload)',
    ],
    outcomes
      .filter((o) => o.result?.native)
      .map((o) => {
        const n = o.result!.native!.aws;
        const nv = o.result!.naive!;
        return [
          caseLabel(o.case),
          `${fmtInt(n.groups)} (${flag(n.maxGroupsPerRegion, DEFAULT_QUOTAS.awsGroupsPerRegion)})`,
          fmtInt(n.ruleUnits),
          flag(
            n.maxRulesPerGroupDirFamily,
            o.case.aws === 'max'
              ? AWS_MAX.rulesPerGroupPerDirectionPerFamily
              : q.aws.rulesPerGroupPerDirectionPerFamily,
          ),
          flag(n.maxGroupsPerEni, q.aws.groupsPerInterface),
          `${fmtInt(n.prefixLists)} (${flag(n.maxPrefixListsPerRegion, DEFAULT_QUOTAS.awsPrefixListsPerRegion)})`,
          flag(n.maxPrefixListEntries, q.aws.prefixListMaxEntries),
          `${fmtInt(nv.rules.aws)} (${fmtInt(nv.maxPerWorkload.aws)})`,
        ];
      }),
  );
  mk(
    [
      'case',
      'Azure NSGs',
      'Azure rules',
      'max rules/NSG ≤1000',
      'ASGs',
      'max ASGs/ipconfig ≤20',
      'max ASGs/NSG ≤100',
      'max prefixes/NSG side ≤4000',
      'naive Azure rules (max/workload)',
    ],
    outcomes
      .filter((o) => o.result?.native)
      .map((o) => {
        const n = o.result!.native!.azure;
        const nv = o.result!.naive!;
        return [
          caseLabel(o.case),
          fmtInt(n.nsgs),
          fmtInt(n.rules),
          flag(n.maxRulesPerNsg, q.azure.rulesPerNsg),
          fmtInt(n.asgs),
          flag(n.maxAsgsPerIpConfig, q.azure.asgsPerIpConfiguration),
          flag(n.maxAsgsPerNsg, q.azure.asgsPerNsg),
          flag(n.maxPrefixesPerNsgSide, q.azure.prefixesPerNsgSide),
          `${fmtInt(nv.rules.azure)} (${fmtInt(nv.maxPerWorkload.azure)})`,
        ];
      }),
  );
  mk(
    [
      'case',
      'GCP firewall rules',
      'max/project ≤500',
      'max tags/instance ≤64',
      'max ranges/rule ≤5000',
      'max source tags/rule ≤30',
      'max target tags/rule ≤70',
      'naive GCP rules (max/workload)',
    ],
    outcomes
      .filter((o) => o.result?.native)
      .map((o) => {
        const n = o.result!.native!.gcp;
        const nv = o.result!.naive!;
        return [
          caseLabel(o.case),
          fmtInt(n.firewalls),
          flag(n.maxFirewallsPerProject, DEFAULT_QUOTAS.gcpFirewallsPerProject),
          flag(n.maxTagsPerInstance, q.gcp.tagsPerInstance),
          flag(n.maxRangesPerRule, q.gcp.rangesPerRule),
          flag(n.maxSourceTagsPerRule, q.gcp.sourceTagsPerRule),
          flag(n.maxTargetTagsPerRule, q.gcp.targetTagsPerRule),
          `${fmtInt(nv.rules.gcp)} (${fmtInt(nv.maxPerWorkload.gcp)})`,
        ];
      }),
  );
  out.push('### The estates', '');
  mk(
    [
      'case',
      'workloads',
      'enforced',
      'monitored',
      'unmanaged',
      'networks',
      'classes',
      'deny rules',
      'plan ∅ steps aws/azure/gcp',
      'apply API writes aws/azure/gcp',
      'plan findings',
    ],
    outcomes
      .filter((o) => o.result)
      .map((o) => {
        const r = o.result!;
        return [
          caseLabel(o.case),
          fmtInt(r.counts.workloads),
          fmtInt(r.counts.enforced),
          fmtInt(r.counts.monitored),
          fmtInt(r.counts.unmanaged),
          fmtInt(r.counts.networks),
          fmtInt(r.counts.classes),
          fmtInt(r.counts.denyRules),
          r.planEmpty ? CLOUDS.map((c) => fmtInt(r.planEmpty!.steps[c])).join(' / ') : '–',
          r.applyWrites ? CLOUDS.map((c) => fmtInt(r.applyWrites![c])).join(' / ') : '–',
          r.planEmpty
            ? Object.entries(r.planEmpty.findings)
                .map(([k, n]) => `${k}×${n}`)
                .join(', ') || 'none'
            : '–',
        ];
      }),
  );
  const sized = outcomes.filter((o) => o.result?.desiredSize);
  if (sized.length > 0) {
    out.push('### What compile asks for (desired objects, before any cloud)', '');
    mk(
      [
        'case',
        'AWS SGs',
        'AWS rule units',
        'AWS max SGs per class',
        'AWS PLs',
        'AWS max PL entries',
        'Azure NSGs',
        'Azure rules',
        'Azure max rules/NSG',
        'ASGs',
        'GCP firewalls',
        'GCP max ranges/rule',
      ],
      sized.map((o) => {
        const d = o.result!.desiredSize!;
        return [
          caseLabel(o.case),
          fmtInt(d.aws.groups),
          fmtInt(d.aws.ruleUnits),
          fmtInt(d.aws.maxGroupsPerClass),
          fmtInt(d.aws.prefixLists),
          fmtInt(d.aws.maxPrefixListEntries),
          fmtInt(d.azure.nsgs),
          fmtInt(d.azure.rules),
          fmtInt(d.azure.maxRulesPerNsg),
          fmtInt(d.azure.asgs),
          fmtInt(d.gcp.firewalls),
          fmtInt(d.gcp.maxRangesPerRule),
        ];
      }),
    );
  }
  // Growth with N, per policy shape.
  const shapeOf = (c: Case) =>
    `${c.segments} seg / ${short(c.rules)} rules / ${c.shape} / AWS ${c.aws}${c.v4only ? ' / IPv4 only' : ''}`;
  const shapes = [...new Set(outcomes.map((o) => shapeOf(o.case)))];
  const growthRows: string[][] = [];
  for (const shape of shapes) {
    const series = outcomes.filter((o) => shapeOf(o.case) === shape);
    for (const name of ['compile', 'plan-empty', 'plan-uptodate', 'apply', 'verify', 'retag-aws-plan']) {
      const pts = series.flatMap((o) => (ph(o, name) ? [[o.case.workloads, ph(o, name)!.ms] as const] : []));
      const k = growthExponent(pts);
      if (pts.length >= 2)
        growthRows.push([
          shape,
          name,
          pts.map(([n, ms]) => `${short(n)}: ${fmtMs(ms)}`).join(', '),
          k === undefined ? '–' : `N^${k.toFixed(2)}`,
        ]);
    }
    const mem = series.flatMap((o) =>
      ph(o, 'compile') ? [[o.case.workloads, ph(o, 'compile')!.peakRss] as const] : [],
    );
    const k = growthExponent(mem);
    if (mem.length >= 2)
      growthRows.push([
        shape,
        'peak RSS in compile',
        mem.map(([n, b]) => `${short(n)}: ${fmtBytes(b)}`).join(', '),
        k === undefined ? '–' : `N^${k.toFixed(2)}`,
      ]);
  }
  if (growthRows.length > 0) {
    out.push('### Growth with N (least-squares slope of log time over log N)', '');
    mk(['policy', 'phase', 'measured', 'growth'], growthRows);
  }
  const failed = outcomes.filter((o) => o.killedIn !== undefined || o.result?.error);
  if (failed.length > 0) {
    out.push('### Cases that did not finish', '');
    for (const o of failed) {
      const error = (o.result?.error ?? '')
        .split('\n')
        .slice(0, 2)
        .map((l) => l.trim())
        .join(' ');
      out.push(
        `- ${caseLabel(o.case)}: ${o.killedIn !== undefined ? `stopped in \`${o.killedIn}\` after ${fmtMs(o.wallMs)} (peak RSS ${fmtBytes(o.peakRssChild)}): ${o.killedWhy}` : `error: ${error}`}`,
      );
    }
    out.push('');
  }
  if (r0) {
    out.push(
      `Machine: ${r0.machine.cpus} × ${r0.machine.cpuModel}, ${r0.machine.memGiB} GiB, Node ${r0.machine.node}, GC exposed: ${r0.machine.gc}.`,
    );
    out.push(
      `1-minute load average at the start / end of each case: ${outcomes
        .filter((o) => o.result)
        .map(
          (o) =>
            `${short(o.case.workloads)}/${o.case.segments}/${o.case.shape}: ${o.result!.machine.loadStart.toFixed(1)} / ${o.result!.machine.loadEnd?.toFixed(1) ?? '?'}`,
        )
        .join('; ')}.`,
      '',
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (args.child) {
    const result = await runCase(args.child, args);
    emit('result', result);
    return;
  }
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  process.stderr.write(`segsync bench: ${args.cases.length} case(s): ${args.cases.map(caseKey).join(', ')}\n`);
  const outcomes: Outcome[] = [];
  for (const c of args.cases) {
    process.stderr.write(`case ${caseLabel(c)}\n`);
    outcomes.push(await runChild(c, args));
  }
  const text = report(outcomes, args, command);
  process.stdout.write(`${text}\n`);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const jsonPath = args.json ?? join(dir, 'latest.json');
  writeFileSync(
    jsonPath,
    JSON.stringify(
      outcomes.map(({ stderr, ...o }) => ({ ...o, stderrTail: stderr.slice(-1000) })),
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'latest.md'), text);
  if (args.write) writeBenchmarks(text);
}

/** The commit, and how many files under core/ and adapters/ differ from it (colleagues work concurrently). */
function gitState(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- core adapters', { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim()).length;
    return `${head}${dirty > 0 ? ` + ${dirty} uncommitted file(s) in core/ and adapters/` : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

/** Replaces the generated block of BENCHMARKS.md (between the markers) with `text`. */
function writeBenchmarks(text: string): void {
  const path = join(ROOT, 'BENCHMARKS.md');
  const begin = '<!-- bench:begin (generated by `npm run bench -- --write`) -->';
  const end = '<!-- bench:end -->';
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n\n${begin}\n${end}\n`;
  const i = current.indexOf(begin);
  const j = current.indexOf(end);
  const next =
    i >= 0 && j > i
      ? `${current.slice(0, i + begin.length)}\n${text}\n${current.slice(j)}`
      : `${current}\n${begin}\n${text}\n${end}\n`;
  writeFileSync(path, next);
}

await main();
