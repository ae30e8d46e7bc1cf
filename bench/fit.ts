/**
 * `node --import tsx bench/fit.ts 40/20/80/realistic/aws-default[/segment|/compress] [--seeds=1-5]
 * [--address-plan=segment] [--compress] [--admit-unused-blocks] [--both-budgets] [--json] [--e2e]`: how well one generated estate fits each cloud's
 * per-object budgets, before any cloud write. `segment` (or --address-plan=segment) generates
 * segment-aligned subnets; `compress` (or --compress) also declares them in spec.addressPlans, so
 * compile may write member sets as blocks (core/compile/compress.ts); `compress-admit` (or
 * --admit-unused-blocks) declares them with `unusedBlocks: admit`; `e2e` (or --e2e) declares every
 * network's /16 end-to-end enforced (spec.endToEnd), combinable with the others.
 *
 * Per case and seed it compiles twice: once with every per-object budget lifted (what the policy
 * asks for: worst AWS rule units per ENI per direction and family, Azure rules and prefixes per
 * NSG side, GCP rules and ranges per rule), once with the case's real budgets (what is refused,
 * every violation), and GCP once more with its real per-rule budgets and only the project quota
 * lifted: the rules per project that count against the quota FIREWALLS (500 unless raised).
 * Pure compile, no sandbox writes.
 */
import { readWorld } from '../adapters/reconcile.ts';
import { compile, type Desired } from '../core/compile/index.ts';
import { compileGcp, type GcpDesired } from '../core/compile/gcp.ts';
import { totalWeight } from '../core/compile/aws-units.ts';
import { prefixCount } from '../core/compile/azure-model.ts';
import { QuotaExceededError } from '../core/errors.ts';
import { DEFAULT_BUDGETS, type CompileContext } from '../core/model/budgets.ts';
import { parsePolicy } from '../core/policy/parse.ts';
import { AWS_MAX, BIG, parseSize, UNBOUNDED } from './cases.ts';
import { benchSandbox } from './counting-sandbox.ts';
import { generateEstate, generatePolicy, networkRanges } from './generate.ts';
import { emit } from './case-result.ts';

export interface FitRow {
  seed: number;
  classes: number;
  awsWorstUnits: number;
  awsWorst: string;
  awsGroups: number;
  awsPrefixLists: number;
  azureMaxRules: number;
  azureMaxPrefixes: number;
  gcpRules: number;
  gcpMaxRanges: number;
  /** The project with the most segsync rules under the real per-rule budgets (what counts against FIREWALLS). */
  gcpMaxRulesPerProject: number;
  gcpWorstProject: string;
  gcpProjects: number;
  /** address-compressed findings (one per cloud and CIDR written instead of members). */
  compressions: number;
  /** end-to-end-widened findings (one per cloud, network compile and CIDR). */
  widenings: number;
  refused: string[];
  /** With FitOptions.bothBudgets: the lines of the refusal at AWS's default quotas (60 × 5). */
  refusedAtDefault?: string[];
}

export interface FitOptions {
  addressPlan?: 'segment';
  compress?: boolean;
  /** The plans say `unusedBlocks: admit`. */
  admit?: boolean;
  /** Every network's /16 declared end-to-end enforced. */
  endToEnd?: boolean;
  /** Also compile at AWS's default quotas and report that refusal (the case's budget stays the main one). */
  bothBudgets?: boolean;
}

/**
 * Rules per project as compileGcp writes them under the real per-rule budgets (ranges, tags per
 * rule chunk there, so the lifted compile would undercount) with only the project quota lifted.
 */
function gcpProjects(d: GcpDesired): Pick<FitRow, 'gcpMaxRulesPerProject' | 'gcpWorstProject' | 'gcpProjects'> {
  const perProject = new Map<string, number>();
  for (const f of d.firewalls) perProject.set(f.project, (perProject.get(f.project) ?? 0) + 1);
  let worst = { project: '-', rules: 0 };
  for (const [project, rules] of perProject) if (rules > worst.rules) worst = { project, rules };
  return { gcpMaxRulesPerProject: worst.rules, gcpWorstProject: worst.project, gcpProjects: perProject.size };
}

function measure(
  d: Desired,
): Omit<
  FitRow,
  | 'seed'
  | 'refused'
  | 'classes'
  | 'compressions'
  | 'widenings'
  | 'gcpMaxRulesPerProject'
  | 'gcpWorstProject'
  | 'gcpProjects'
> {
  const maxOf = new Map(d.aws.prefixLists.map((p) => [p.name, p.maxEntries]));
  const perClass = new Map<string, { units: number; where: string }>();
  for (const g of d.aws.groups) {
    for (const dir of ['ingress', 'egress'] as const) {
      const w = totalWeight(g[dir], (p) => (p.kind === 'prefix-list' && p.name ? (maxOf.get(p.name) ?? 0) : 0));
      for (const fam of ['ipv4', 'ipv6'] as const) {
        const key = `${g.vpcId}|${g.classId}|${dir}|${fam}`;
        const cur = perClass.get(key) ?? { units: 0, where: `${g.className} ${dir} ${fam} in ${g.vpcId}` };
        cur.units += w[fam];
        perClass.set(key, cur);
      }
    }
  }
  let worst = { units: 0, where: '-' };
  for (const v of perClass.values()) if (v.units > worst.units) worst = v;
  let azureMaxPrefixes = 0;
  for (const n of d.azure.nsgs)
    for (const dir of ['Inbound', 'Outbound'])
      for (const side of ['source', 'destination'] as const) {
        const c = n.rules
          .filter((r) => r.properties.direction === dir)
          .reduce((s, r) => s + prefixCount(r.properties, side), 0);
        azureMaxPrefixes = Math.max(azureMaxPrefixes, c);
      }
  return {
    awsWorstUnits: worst.units,
    awsWorst: worst.where,
    awsGroups: d.aws.groups.length,
    awsPrefixLists: d.aws.prefixLists.length,
    azureMaxRules: Math.max(0, ...d.azure.nsgs.map((n) => n.rules.length)),
    azureMaxPrefixes,
    gcpRules: d.gcp.firewalls.length,
    gcpMaxRanges: Math.max(
      0,
      ...d.gcp.firewalls.map((f) =>
        Math.max(f.firewall.sourceRanges?.length ?? 0, f.firewall.destinationRanges?.length ?? 0),
      ),
    ),
  };
}

export async function fitCase(spec: string, seed: number, options: FitOptions = {}): Promise<FitRow> {
  const [w, s, r, shape = 'realistic', budget = 'aws-default', ...rest] = spec.split('/');
  const admit = options.admit === true || rest.includes('compress-admit');
  const compress = admit || options.compress === true || rest.includes('compress');
  const endToEnd = options.endToEnd === true || rest.includes('e2e');
  const segment = compress || options.addressPlan === 'segment' || rest.includes('segment');
  const generated = generateEstate({
    seed,
    workloads: parseSize(w!),
    segments: parseSize(s!),
    ...(segment ? { addressPlan: 'segment' as const } : {}),
  });
  const estate = generated.estate;
  const text = generatePolicy({
    seed,
    segments: parseSize(s!),
    rules: parseSize(r!),
    shape: shape as 'realistic',
    monitorShare: 0.05,
    ...(compress && generated.addressPlans ? { addressPlans: generated.addressPlans } : {}),
    ...(admit ? { unusedBlocks: 'admit' as const } : {}),
    ...(endToEnd ? { endToEndRanges: networkRanges(generated.networks) } : {}),
  });
  const policy = parsePolicy(text, 'bench.yaml');
  const world = await readWorld(benchSandbox(estate, 'unbounded').clouds);
  const asked = compile(policy, world.inventory, { deploymentId: 'bench', limits: UNBOUNDED });
  const refusal = (limits: CompileContext['limits']): string[] => {
    try {
      compile(policy, world.inventory, { deploymentId: 'bench', ...(limits ? { limits } : {}) });
      return [];
    } catch (e) {
      if (!(e instanceof QuotaExceededError)) throw e;
      return e.message.split('\n');
    }
  };
  const refused = refusal(budget === 'aws-max' ? { aws: AWS_MAX } : undefined);
  const refusedAtDefault = options.bothBudgets && budget === 'aws-max' ? refusal(undefined) : undefined;
  const gcpReal = compileGcp(
    asked.reach,
    { deploymentId: 'bench', limits: { gcp: { firewallsPerProject: BIG } } },
    policy,
  ).desired;
  return {
    seed,
    classes: asked.reach.classification.classes.length,
    ...measure(asked),
    ...gcpProjects(gcpReal),
    compressions: asked.findings.filter((f) => f.code === 'address-compressed').length,
    widenings: asked.findings.filter((f) => f.code === 'end-to-end-widened').length,
    refused,
    ...(refusedAtDefault ? { refusedAtDefault } : {}),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const seedsArg = args.find((a) => a.startsWith('--seeds='))?.slice(8) ?? '42';
  const [lo, hi] = seedsArg.split('-').map(Number);
  const specs = args.filter((a) => !a.startsWith('--'));
  const verbose = args.includes('--verbose');
  const options: FitOptions = {
    ...(args.includes('--address-plan=segment') ? { addressPlan: 'segment' as const } : {}),
    ...(args.includes('--compress') ? { compress: true } : {}),
    ...(args.includes('--admit-unused-blocks') ? { admit: true } : {}),
    ...(args.includes('--e2e') ? { endToEnd: true } : {}),
    ...(args.includes('--both-budgets') ? { bothBudgets: true } : {}),
  };
  if (args.includes('--json')) {
    // The `@@tag json` line protocol of bench/child-process.ts: `npm run bench -- --write` reads it.
    for (const spec of specs) emit('fit', { spec, ...(await fitCase(spec, lo!, options)) });
    return;
  }
  const details: string[] = [];
  console.log(
    '| case | seed | classes | AWS worst units/ENI/dir/fam | where | AWS SGs | AWS PLs | Azure max rules/NSG | Azure max prefixes/NSG side | GCP rules | GCP max ranges/rule | GCP max rules/project (quota FIREWALLS) | compressions | refused |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const spec of specs) {
    for (let seed = lo!; seed <= (hi ?? lo!); seed++) {
      const row = await fitCase(spec, seed, options);
      if (verbose && row.refused.length > 0) details.push(`### ${spec} seed ${seed}`, '', ...row.refused, '');
      console.log(
        `| ${spec} | ${seed} | ${row.classes} | ${row.awsWorstUnits} | ${row.awsWorst} | ${row.awsGroups} | ${row.awsPrefixLists} | ${row.azureMaxRules} | ${row.azureMaxPrefixes} | ${row.gcpRules} | ${row.gcpMaxRanges} | ${row.gcpMaxRulesPerProject} of ${DEFAULT_BUDGETS.gcp.firewallsPerProject} (${row.gcpWorstProject}, ${row.gcpProjects} projects) | ${row.compressions}${row.widenings > 0 ? ` (+${row.widenings} e2e)` : ''} | ${row.refused.length === 0 ? 'fits' : (row.refused[0]!.match(/^\d+ quota violations/)?.[0] ?? '1 quota violation') + ': ' + (row.refused.find((l) => l.startsWith('aws:') || l.startsWith('azure:') || l.startsWith('gcp:')) ?? '').slice(0, 200)} |`,
      );
    }
  }
  if (details.length > 0) console.log(['', ...details].join('\n'));
}

if (process.argv[1]?.endsWith('fit.ts')) await main();
