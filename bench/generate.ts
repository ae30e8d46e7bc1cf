/**
 * Synthetic estates and policies for the benchmarks, deterministic from a seed (no Math.random):
 * the same options always give the same estate and the same policy text, byte for byte.
 *
 * The shape is meant to look like a real multi-cloud estate, not like a worst case:
 * - Workloads belong to apps; an app has a home cloud, account and region, lives in the prod or
 *   the non-prod network of that account, and some apps also run a share of their workloads in a
 *   second cloud. Tiers are web, api, app, db, cache. A few hosts are bastions, monitoring
 *   agents, CI runners or scanners; a few carry no usable labels at all.
 * - Networks: AWS accounts × regions × {prod, nonprod} VPCs, Azure subscriptions × regions ×
 *   {prod, nonprod} VNets, GCP projects × {prod, nonprod} networks; each network has its own
 *   10.<n>.0.0/16, addresses handed out in arrival order ('scattered', the default) or, with
 *   `addressPlan: 'segment'`, a /24 (or an aligned run of them) per app·tier·env, per shared-service
 *   role·env and for unlabeled hosts in each network (segment-aligned subnets). On-prem data centres, partners and the internet are externals with labels.
 * - Segments are (app, tier) pairs, plus a handful of shared-service segments; rules are the
 *   three-tier chains inside apps, calls between apps, ingress from the internet and on-prem,
 *   egress to on-prem and partners, monitoring/bastion selectors, a few VPC-CIDR rules, and
 *   about 10% deny rules (dev ↛ prod, quarantine nets, no SSH to databases, ...).
 *
 * generateEstate and generatePolicy agree on the vocabulary (vocabulary(segments)), so
 * workloads actually fall into segments.
 */
import type { Estate, EstateAwsInstance, EstateAzureVm, EstateGcpInstance } from '../adapters/sandbox/estate-types.ts';

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; good enough for synthetic data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    const x = xs[this.int(xs.length)];
    if (x === undefined) throw new RangeError('pick from an empty list');
    return x;
  }
  /** Weighted pick: weights need not sum to 1. */
  weighted<T>(xs: ReadonlyArray<readonly [T, number]>): T {
    const total = xs.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [x, w] of xs) {
      r -= w;
      if (r < 0) return x;
    }
    return xs[xs.length - 1]![0];
  }
  /** Zipf-like index in [0, n): a few popular items, a long tail (s ≈ 0.8, like app sizes). */
  zipf(n: number, s = 0.8): number {
    // Inverse CDF of a continuous power law over [1, n+1), then floored.
    const u = this.next();
    const e = 1 - s;
    const x = Math.pow(u * (Math.pow(n + 1, e) - 1) + 1, 1 / e);
    return Math.min(n - 1, Math.max(0, Math.floor(x) - 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary shared by estate and policy

export const TIERS = ['web', 'api', 'app', 'db', 'cache'] as const;
export type Tier = (typeof TIERS)[number];
export const ENVS = ['prod', 'stage', 'dev'] as const;
/** Shared-service roles, each with its own segment (when there is room for it). */
export const ROLES = ['bastion', 'monitoring', 'ci', 'scanner', 'dns'] as const;

export interface Vocabulary {
  /** Number of apps: app ids are appName(0..apps-1). */
  apps: number;
  /** Roles that have a segment. */
  roles: readonly string[];
}

/** Segments = roles + apps × tiers (rounded so that the total is exactly `segments`). */
export function vocabulary(segments: number): Vocabulary {
  const roles = ROLES.slice(0, Math.min(ROLES.length, Math.max(0, Math.floor(segments / 20))));
  const apps = Math.max(1, Math.ceil((segments - roles.length) / TIERS.length));
  return { apps, roles };
}

export const appName = (i: number): string => `a${String(i).padStart(3, '0')}`;

// ---------------------------------------------------------------------------------------------
// Networks

export interface NetworkLayout {
  aws: { accounts: number; regions: readonly string[] };
  azure: { subscriptions: number; regions: readonly string[] };
  gcp: { projects: number; regions: readonly string[] };
}

export const DEFAULT_LAYOUT: NetworkLayout = {
  aws: { accounts: 4, regions: ['eu-west-1', 'us-east-1'] },
  azure: { subscriptions: 3, regions: ['westeurope', 'eastus'] },
  gcp: { projects: 3, regions: ['europe-west1', 'us-central1'] },
};

export interface GenNetwork {
  index: number;
  cloud: 'aws' | 'azure' | 'gcp';
  /** AWS account, Azure subscription, GCP project. */
  account: string;
  /** AWS/Azure region; for GCP the region of the zones its instances use (networks are global). */
  region: string;
  name: string;
  prod: boolean;
  /** Second octet of its 10.<octet>.0.0/16. */
  octet: number;
}

/** Every network of the layout, in a fixed order; each gets 10.<index+1>.0.0/16. */
export function networksOf(layout: NetworkLayout): GenNetwork[] {
  const out: GenNetwork[] = [];
  const add = (n: Omit<GenNetwork, 'index' | 'octet'>) => out.push({ ...n, index: out.length, octet: out.length + 1 });
  for (let a = 0; a < layout.aws.accounts; a++) {
    const account = String(100000000000 + a * 111111111);
    for (const region of layout.aws.regions) {
      // VPC ids are unique across accounts in AWS, so the account is part of the id.
      for (const prod of [true, false])
        add({ cloud: 'aws', account, region, name: `vpc-a${a}-${prod ? 'prod' : 'nonprod'}-${region}`, prod });
    }
  }
  for (let s = 0; s < layout.azure.subscriptions; s++) {
    for (const region of layout.azure.regions) {
      for (const prod of [true, false])
        add({ cloud: 'azure', account: `sub-${s}`, region, name: `vnet-${prod ? 'prod' : 'nonprod'}-${region}`, prod });
    }
  }
  for (let p = 0; p < layout.gcp.projects; p++) {
    // A GCP network is global: one prod and one non-prod network per project, instances in both regions.
    for (const prod of [true, false])
      add({
        cloud: 'gcp',
        account: `proj-${p}`,
        region: layout.gcp.regions[0]!,
        name: `net-${prod ? 'prod' : 'nonprod'}`,
        prod,
      });
  }
  if (out.length > 180)
    throw new RangeError(`too many networks (${out.length}): 10.1-180.x.x are for networks, 10.200+ for on-prem`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Estate

export interface EstateOptions {
  seed: number;
  workloads: number;
  /** The policy's segment count: decides how many apps there are (see vocabulary). */
  segments: number;
  layout?: NetworkLayout;
  /** Cloud shares of the workloads (apps' home clouds), default 45/30/25. */
  cloudShares?: { aws: number; azure: number; gcp: number };
  /** Share of apps that also run in a second cloud (30% of their workloads there). Default 0.15. */
  multiCloudApps?: number;
  /** Every app's workloads in one network (its home network), whatever their env label. Default false. */
  singleNetworkApps?: boolean;
  /** Share of an app's workloads in the other region of its account. Default 0.2. */
  otherRegion?: number;
  /** Share of workloads with no usable labels (only a Name tag). Default 0.03. */
  unlabeled?: number;
  /** Share of AWS and Azure workloads with an IPv6 address too. Default 0.02. */
  ipv6?: number;
  /**
   * 'scattered' (default): each network's hosts take 10.<n>.<1+i/250>.<4+i%250> in arrival order.
   * 'segment': each app·tier·env (role·env for shared services, one group for unlabeled hosts) gets
   * its own aligned block of /24s in each network it has hosts in, sized to its hosts (250 per /24);
   * the same random draws as 'scattered', so the two estates differ only in IPv4 addresses.
   */
  addressPlan?: 'scattered' | 'segment';
}

export interface GeneratedEstate {
  estate: Estate;
  networks: GenNetwork[];
  vocabulary: Vocabulary;
  /** With `addressPlan: 'segment'`: each network's plan, for PolicyOptions.addressPlans. */
  addressPlans?: GeneratedAddressPlan[];
}

interface AppHome {
  cloud: 'aws' | 'azure' | 'gcp';
  account: number;
  region: number;
  prod?: boolean;
  second?: { cloud: 'aws' | 'azure' | 'gcp'; account: number; region: number };
}

/**
 * @example
 * const { estate } = generateEstate({ seed: 1, workloads: 10_000, segments: 100 });
 * estate.aws.length + estate.azure.length + estate.gcp.length; // 10000
 */
export function generateEstate(opts: EstateOptions): GeneratedEstate {
  const rng = new Rng(opts.seed * 2654435761 + 1);
  const layout = opts.layout ?? DEFAULT_LAYOUT;
  const networks = networksOf(layout);
  const vocab = vocabulary(opts.segments);
  const shares = opts.cloudShares ?? { aws: 0.45, azure: 0.3, gcp: 0.25 };
  const clouds = [
    ['aws', shares.aws],
    ['azure', shares.azure],
    ['gcp', shares.gcp],
  ] as const;
  const accountsOf = { aws: layout.aws.accounts, azure: layout.azure.subscriptions, gcp: layout.gcp.projects };
  const regionsOf = {
    aws: layout.aws.regions.length,
    azure: layout.azure.regions.length,
    gcp: layout.gcp.regions.length,
  };
  const homeOf = (cloud: 'aws' | 'azure' | 'gcp') => ({
    cloud,
    account: rng.int(accountsOf[cloud]),
    region: rng.int(regionsOf[cloud]),
  });
  const homes: AppHome[] = [];
  for (let a = 0; a < vocab.apps; a++) {
    const home: AppHome = { ...homeOf(rng.weighted(clouds)), prod: rng.chance(0.6) };
    if (rng.chance(opts.multiCloudApps ?? 0.15))
      home.second = homeOf(rng.pick((['aws', 'azure', 'gcp'] as const).filter((c) => c !== home.cloud)));
    homes.push(home);
  }
  const netIndex = new Map(
    networks.map((n) => [`${n.cloud}|${n.account}|${n.cloud === 'gcp' ? '' : n.region}|${n.prod}`, n]),
  );
  const accountName = (cloud: 'aws' | 'azure' | 'gcp', i: number) =>
    cloud === 'aws' ? String(100000000000 + i * 111111111) : cloud === 'azure' ? `sub-${i}` : `proj-${i}`;
  const regionName = (cloud: 'aws' | 'azure' | 'gcp', i: number) =>
    cloud === 'aws' ? layout.aws.regions[i]! : cloud === 'azure' ? layout.azure.regions[i]! : layout.gcp.regions[i]!;
  const networkFor = (cloud: 'aws' | 'azure' | 'gcp', account: number, region: number, prod: boolean): GenNetwork => {
    const n = netIndex.get(
      `${cloud}|${accountName(cloud, account)}|${cloud === 'gcp' ? '' : regionName(cloud, region)}|${prod}`,
    );
    if (!n) throw new Error(`no network for ${cloud}/${account}/${region}/${prod}`);
    return n;
  };

  const estate: Estate = { aws: [], azure: [], gcp: [], awsSecurityGroups: [], gcpFirewalls: [] };
  const hostCount = new Map<number, number>();
  const unlabeled = opts.unlabeled ?? 0.03;
  const ipv6 = opts.ipv6 ?? 0.02;
  const roleShare = vocab.roles.length > 0 ? 0.04 : 0;
  const segmentPlan = opts.addressPlan === 'segment' ? new SegmentPlan() : undefined;
  for (let i = 0; i < opts.workloads; i++) {
    const env = rng.weighted([
      ['prod', 0.6],
      ['stage', 0.2],
      ['dev', 0.2],
    ] as const);
    const kind = rng.float();
    let labels: Record<string, string>;
    let place: { cloud: 'aws' | 'azure' | 'gcp'; account: number; region: number };
    let prodNet = env === 'prod';
    if (kind < unlabeled) {
      labels = {};
      place = homeOf(rng.weighted(clouds));
    } else if (kind < unlabeled + roleShare) {
      labels = { role: rng.pick(vocab.roles), env };
      place = homeOf(rng.weighted(clouds));
    } else {
      const app = rng.zipf(vocab.apps);
      const tier = rng.weighted([
        ['web', 0.25],
        ['api', 0.2],
        ['app', 0.3],
        ['db', 0.1],
        ['cache', 0.15],
      ] as const);
      const home = homes[app]!;
      place = home.second && rng.chance(0.3) ? home.second : home;
      // 20% of an app's workloads run in the other region of the same account.
      if (rng.chance(opts.otherRegion ?? 0.2))
        place = { ...place, region: (place.region + 1) % regionsOf[place.cloud] };
      labels = { app: appName(app), tier, env };
      if (opts.singleNetworkApps) prodNet = home.prod ?? true;
    }
    const net = networkFor(place.cloud, place.account, place.region, prodNet);
    const host = hostCount.get(net.index) ?? 0;
    hostCount.set(net.index, host + 1);
    if (host >= 250 * 250)
      throw new RangeError(`network ${net.name} is full (${host} hosts): add accounts to the layout`);
    const ip = segmentPlan
      ? segmentPlan.placeholder(
          net,
          labels.app ?? `role:${labels.role ?? ''}`,
          labels.app ? `${labels.tier}|${labels.env}` : (labels.env ?? ''),
        )
      : `10.${net.octet}.${1 + Math.floor(host / 250)}.${4 + (host % 250)}`;
    const ip6 =
      place.cloud !== 'gcp' && rng.chance(ipv6)
        ? `fd00:${net.octet.toString(16)}::${(host + 4).toString(16)}`
        : undefined;
    const stem = labels.app ? `${labels.app}-${labels.tier}` : (labels.role ?? 'host');
    const seq = String(i).padStart(6, '0');
    if (place.cloud === 'aws') {
      // People write tags in every case; segsync lowercases them.
      const tags: Record<string, string> = { Name: `${stem}-${seq}`, 'cost-center': `cc${i % 37}` };
      for (const [k, v] of Object.entries(labels))
        tags[rng.chance(0.3) ? k[0]!.toUpperCase() + k.slice(1) : k] = rng.chance(0.1) ? v.toUpperCase() : v;
      const inst: EstateAwsInstance = {
        id: `i-${(0x10000000 + i).toString(16).padStart(17, '0')}`,
        account: net.account,
        region: net.region,
        vpc: net.name,
        ip,
        tags,
      };
      if (ip6) inst.ipv6 = ip6;
      estate.aws.push(inst);
    } else if (place.cloud === 'azure') {
      const vm: EstateAzureVm = {
        id: `vm-${stem}-${seq}`,
        subscription: net.account,
        region: net.region,
        vnet: net.name,
        ip,
        tags: { ...labels, owner: `team${i % 23}` },
      };
      if (ip6) vm.ipv6 = ip6;
      estate.azure.push(vm);
    } else {
      const region = regionName('gcp', place.region);
      const inst: EstateGcpInstance = {
        id: `gce-${stem}-${seq}`,
        project: net.account,
        zone: `${region}-${rng.pick(['b', 'c', 'd'])}`,
        network: net.name,
        ip,
        labels: { ...labels, owner: `team${i % 23}` },
      };
      estate.gcp.push(inst);
    }
  }
  if (!segmentPlan) return { estate, networks, vocabulary: vocab };
  const { ips, plans } = segmentPlan.allocate();
  for (const list of [estate.aws, estate.azure, estate.gcp]) for (const w of list) w.ip = ips.get(w.ip) ?? w.ip;
  return { estate, networks, vocabulary: vocab, addressPlans: plans };
}

/** One network's segment-aligned plan: its /16 cut into aligned blocks of /blockPrefix. */
export interface GeneratedAddressPlan {
  cidr: string;
  blockPrefix: number;
}

/**
 * Segment-aligned addresses: hosts get a placeholder while the estate is drawn (so the random
 * draws are those of the scattered plan), then each (network, group) gets an aligned run of 2^k
 * blocks that holds its hosts, and the groups of one app (one role, the unlabeled hosts) sit
 * together in an aligned region of 2^k blocks (how enterprises carve a VPC: a range per app, a
 * subnet per tier and environment inside it). Blocks are /24 where the network's regions fit its
 * /16 that way, else /25, /26, … Regions and runs are handed out largest first, starting one
 * largest region in, which keeps every run aligned and the network's first addresses free, as in
 * the scattered plan. A block holds its size minus 6 hosts (clouds reserve the first four and the
 * last addresses of a subnet): 250 in a /24.
 */
class SegmentPlan {
  /** network octet → app → group → placeholders, in order of first appearance. */
  private readonly networks = new Map<number, { name: string; apps: Map<string, Map<string, string[]>> }>();

  placeholder(net: GenNetwork, app: string, group: string): string {
    const n = this.networks.get(net.octet) ?? { name: net.name, apps: new Map() };
    this.networks.set(net.octet, n);
    const groups = n.apps.get(app) ?? new Map<string, string[]>();
    n.apps.set(app, groups);
    const hosts = groups.get(group) ?? [];
    groups.set(group, hosts);
    const placeholder = `segment:${net.octet}|${app}|${group}:${hosts.length}`;
    hosts.push(placeholder);
    return placeholder;
  }

  /** placeholder → address, and each network's plan. */
  allocate(): { ips: Map<string, string>; plans: GeneratedAddressPlan[] } {
    const ips = new Map<string, string>();
    const plans: GeneratedAddressPlan[] = [];
    for (const [octet, n] of [...this.networks.entries()].sort(([a], [b]) => a - b)) {
      const apps = [...n.apps.values()].map((groups) => [...groups.values()]);
      const fitted = SegmentPlan.fit(apps);
      if (fitted === undefined)
        throw new RangeError(`network ${n.name} has no room for a block per segment: add networks to the layout`);
      const { prefix, regions } = fitted;
      const blockSize = 2 ** (32 - prefix);
      const hostsPerBlock = blockSize - 6;
      let next = regions[0]!.size;
      for (const region of regions) {
        let at = next;
        for (const { hosts, blocks } of region.runs) {
          hosts.forEach((p, i) => {
            const offset = (at + Math.floor(i / hostsPerBlock)) * blockSize + 4 + (i % hostsPerBlock);
            ips.set(p, `10.${octet}.${Math.floor(offset / 256)}.${offset % 256}`);
          });
          at += blocks;
        }
        next += region.size;
      }
      plans.push({ cidr: `10.${octet}.0.0/16`, blockPrefix: prefix });
    }
    return { ips, plans };
  }

  /** Smallest power of two ≥ n. */
  private static pow2(n: number): number {
    let p = 1;
    while (p < n) p *= 2;
    return p;
  }

  /**
   * The largest block (/24 first) at which every app's region fits in the /16 after the first
   * region; regions and their runs sorted largest first (stable: first appearance breaks ties).
   */
  private static fit(
    apps: ReadonlyArray<ReadonlyArray<string[]>>,
  ):
    { prefix: number; regions: Array<{ size: number; runs: Array<{ hosts: string[]; blocks: number }> }> } | undefined {
    for (let prefix = 24; prefix <= 28; prefix++) {
      const perBlock = 2 ** (32 - prefix) - 6;
      const regions = apps
        .map((groups) => {
          const runs = groups
            .map((hosts) => ({ hosts, blocks: SegmentPlan.pow2(Math.ceil(hosts.length / perBlock)) }))
            .sort((a, b) => b.blocks - a.blocks);
          return { size: SegmentPlan.pow2(runs.reduce((s, r) => s + r.blocks, 0)), runs };
        })
        .sort((a, b) => b.size - a.size);
      const total = regions.reduce((s, r) => s + r.size, 0) + regions[0]!.size;
      if (total <= 2 ** (prefix - 16)) return { prefix, regions };
    }
    return undefined;
  }
}

/** `spec.addressPlans` lines for estates generated with `addressPlan: 'segment'`: one plan per block size. */
export function addressPlansYaml(plans: readonly GeneratedAddressPlan[], unusedBlocks?: 'admit'): string[] {
  const byPrefix = new Map<number, string[]>();
  for (const p of plans) byPrefix.set(p.blockPrefix, [...(byPrefix.get(p.blockPrefix) ?? []), p.cidr]);
  return [
    '  addressPlans:',
    ...[...byPrefix.entries()]
      .sort(([a], [b]) => a - b)
      .map(
        ([prefix, cidrs]) =>
          `    - { cidrs: [${cidrs.join(', ')}], blockPrefix: ${prefix}${unusedBlocks ? `, unusedBlocks: ${unusedBlocks}` : ''} }`,
      ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Policy

export interface PolicyOptions {
  seed: number;
  segments: number;
  rules: number;
  /** Share of deny rules, default 0.1. */
  denyShare?: number;
  /** Share of segments in monitor mode, default 0.05. */
  monitorShare?: number;
  layout?: NetworkLayout;
  /** `defaults.egress`, default deny. */
  egress?: 'deny' | 'allow';
  /**
   * The `internet` external: 'public' (default) = every public address (PUBLIC_IPV4, 2000::/3);
   * 'all' = 0.0.0.0/0 and ::/0, which by DESIGN.md §2 also contains every managed workload, so
   * `internet → web` opens every workload's egress to every web workload.
   */
  internet?: 'public' | 'all';
  /**
   * 'realistic' (default): every kind of rule described at the top of this file. 'sparse': only
   * segment-to-segment and external rules (no shared-service or environment-wide selectors, no
   * VPC-CIDR rules, no environment-wide denies): far fewer classes and peers per class.
   * 'local': only rules inside an app (web → api → app → db/cache) and with externals; with an
   * estate whose apps each live in one network (EstateOptions.multiCloudApps = otherRegion = 0),
   * every label peer is referenced by identity and no address set follows membership.
   */
  shape?: 'realistic' | 'sparse' | 'local';
  /** `spec.exclusive`, default true: segsync removes foreign groups (the VPC default SG) from managed workloads. */
  exclusive?: boolean;
  /** Declare these address plans (GeneratedEstate.addressPlans) in spec.addressPlans, allowing compression. Default none. */
  addressPlans?: readonly GeneratedAddressPlan[];
  /** `unusedBlocks: admit` on those plans (compressions may span blocks no workload uses yet). */
  unusedBlocks?: 'admit';
  /** Declare these ranges end-to-end enforced (spec.endToEnd, docs/end-to-end.md); e.g. networkRanges(networks). Default off. */
  endToEndRanges?: readonly string[];
}

/** Each generated network's whole range, 10.<octet>.0.0/16: what a bench declares end-to-end enforced. */
export function networkRanges(networks: readonly GenNetwork[]): string[] {
  return networks.map((n) => `10.${n.octet}.0.0/16`);
}

interface Ext {
  name: string;
  labels: Record<string, string>;
  cidrs: string[];
}

/**
 * The public IPv4 space: 0.0.0.0/0 minus RFC 1918 (10/8, 172.16/12, 192.168/16), as the exact
 * list of CIDRs. How careful users write "the internet", because by DESIGN.md §2 0.0.0.0/0 also
 * matches every managed workload (see PolicyOptions.internet).
 */
export const PUBLIC_IPV4 = [
  '0.0.0.0/5',
  '8.0.0.0/7',
  '11.0.0.0/8',
  '12.0.0.0/6',
  '16.0.0.0/4',
  '32.0.0.0/3',
  '64.0.0.0/2',
  '128.0.0.0/3',
  '160.0.0.0/5',
  '168.0.0.0/6',
  '172.0.0.0/12',
  '172.32.0.0/11',
  '172.64.0.0/10',
  '172.128.0.0/9',
  '173.0.0.0/8',
  '174.0.0.0/7',
  '176.0.0.0/4',
  '192.0.0.0/9',
  '192.128.0.0/11',
  '192.160.0.0/13',
  '192.169.0.0/16',
  '192.170.0.0/15',
  '192.172.0.0/14',
  '192.176.0.0/12',
  '192.192.0.0/10',
  '193.0.0.0/8',
  '194.0.0.0/7',
  '196.0.0.0/6',
  '200.0.0.0/5',
  '208.0.0.0/4',
  '224.0.0.0/3',
];

/** On-prem sites, partners, the internet: scale a little with the policy. */
function externalsOf(segments: number, internet: 'public' | 'all'): Ext[] {
  const out: Ext[] = [
    {
      name: 'internet',
      labels: { zone: 'internet' },
      cidrs: internet === 'all' ? ['0.0.0.0/0', '::/0'] : [...PUBLIC_IPV4, '2000::/3'],
    },
    { name: 'corp', labels: { zone: 'corp', env: 'prod' }, cidrs: ['172.16.0.0/12'] },
    { name: 'vpn-users', labels: { zone: 'corp', role: 'users' }, cidrs: ['192.168.128.0/17'] },
    { name: 'mainframe', labels: { zone: 'onprem', app: 'mainframe', env: 'prod' }, cidrs: ['10.250.0.0/16'] },
    { name: 'quarantine-net', labels: { zone: 'quarantine' }, cidrs: ['172.20.5.0/24', '192.168.66.0/24'] },
  ];
  const sites = Math.max(2, Math.min(40, Math.round(segments / 25)));
  for (let s = 0; s < sites; s++) {
    out.push({
      name: `dc-${s}`,
      labels: { zone: 'onprem', site: `dc${s}`, env: s % 3 === 2 ? 'dev' : 'prod' },
      cidrs: [`10.${200 + (s % 40)}.${(s * 16) % 256}.0/20`],
    });
  }
  const partners = Math.max(2, Math.min(30, Math.round(segments / 40)));
  for (let p = 0; p < partners; p++) {
    out.push({
      name: `partner-${p}`,
      labels: { zone: 'partner', partner: `p${p}` },
      cidrs: [`198.18.${p * 2}.0/24`, `203.0.113.${(p * 8) % 256}/29`],
    });
  }
  return out;
}

const DB_PORTS = ['tcp/5432', 'tcp/3306', 'tcp/1433', 'tcp/27017', 'tcp/9042'];
const CACHE_PORTS = ['tcp/6379', 'tcp/11211'];
const API_PORTS = ['tcp/443', 'tcp/8443', 'tcp/8080', 'tcp/9000-9100', 'tcp/50051'];

/**
 * YAML text of a policy with exactly `segments` segments and `rules` rules.
 * @example
 * parsePolicy(generatePolicy({ seed: 1, segments: 100, rules: 1000 }), 'gen.yaml').rules.length; // 1000
 */
export function generatePolicy(opts: PolicyOptions): string {
  const rng = new Rng(opts.seed * 40503 + 7);
  const vocab = vocabulary(opts.segments);
  const networks = networksOf(opts.layout ?? DEFAULT_LAYOUT);
  const externals = externalsOf(opts.segments, opts.internet ?? 'public');
  const monitorShare = opts.monitorShare ?? 0.05;

  // Segments: roles first, then app × tier until exactly `segments`.
  const segments: Array<{ name: string; selector: string; monitor: boolean }> = [];
  for (const role of vocab.roles) segments.push({ name: role, selector: `role == '${role}'`, monitor: false });
  const appTier: string[][] = [];
  for (let a = 0; a < vocab.apps; a++) {
    const names: string[] = [];
    for (const tier of TIERS) {
      if (segments.length >= opts.segments) break;
      const name = `${appName(a)}-${tier}`;
      segments.push({
        name,
        selector: `app == '${appName(a)}' && tier == '${tier}'`,
        monitor: rng.chance(monitorShare),
      });
      names.push(name);
    }
    appTier.push(names);
  }
  const seg = (a: number, tier: Tier): string | undefined => appTier[a]?.[TIERS.indexOf(tier)];
  // Popular apps get more rules (zipf); sparse spreads rules evenly.
  const app = () => (opts.shape === 'sparse' ? rng.int(vocab.apps) : rng.zipf(vocab.apps, 0.6));
  const role = (r: string) => (vocab.roles.includes(r) ? r : undefined);

  const rules: string[] = [];
  const push = (action: 'allow' | 'deny', from: string, to: string, ports: string[]) => {
    rules.push(
      `    - { name: r${rules.length}${action === 'deny' ? ', action: deny' : ''}, from: ${from}, to: ${to}, ports: [${ports.join(', ')}] }`,
    );
  };
  const sel = (text: string) => `{ selector: ${JSON.stringify(text)} }`;
  const ext = (name: string) => `{ external: ${name} }`;
  const onprem = externals.filter((e) => e.name.startsWith('dc-'));
  const partners = externals.filter((e) => e.name.startsWith('partner-'));
  const denyShare = opts.denyShare ?? 0.1;

  const sparse = opts.shape === 'sparse' || opts.shape === 'local';
  const allowRule = (): boolean => {
    // Sparse: only chains, app-to-app calls, ingress from outside, egress to on-prem/partners.
    // Local: only chains inside an app and rules with externals, so every peer is in-network.
    const k =
      opts.shape === 'local'
        ? rng.pick([rng.float() * 0.3, 0.55 + rng.float() * 0.15])
        : sparse
          ? rng.float() * 0.7
          : rng.float();
    const a = app();
    if (k < 0.3) {
      // Three-tier chain inside an app.
      const [from, to, ports] = rng.pick([
        ['web', 'api', [rng.pick(API_PORTS)]],
        ['api', 'app', [rng.pick(API_PORTS)]],
        ['app', 'db', [rng.pick(DB_PORTS)]],
        ['app', 'cache', [rng.pick(CACHE_PORTS)]],
        ['api', 'cache', [rng.pick(CACHE_PORTS)]],
        ['web', 'app', ['tcp/8080']],
      ] as const);
      const f = seg(a, from);
      const t = seg(a, to);
      if (!f || !t) return false;
      push('allow', f, t, [...ports]);
    } else if (k < 0.55) {
      // One app calls another's API.
      const f = seg(a, rng.pick(['api', 'app'] as const));
      const t = seg(app(), rng.pick(['api', 'api', 'web'] as const));
      if (!f || !t || f === t) return false;
      push('allow', f, t, rng.chance(0.2) ? [rng.pick(API_PORTS), rng.pick(API_PORTS)] : [rng.pick(API_PORTS)]);
    } else if (k < 0.63) {
      // Ingress from the internet, corp or a data centre.
      const t = seg(a, rng.pick(['web', 'web', 'api'] as const));
      if (!t) return false;
      const from = rng.weighted([
        [ext('internet'), 0.4],
        [ext('corp'), 0.2],
        [ext(rng.pick(onprem).name), 0.2],
        [sel("zone == 'corp'"), 0.1],
        [ext('vpn-users'), 0.1],
      ] as const);
      push('allow', from, t, from.includes('internet') ? ['tcp/443', 'tcp/80'] : ['tcp/443']);
    } else if (k < 0.7) {
      // Egress to on-prem, the mainframe, partners.
      const f = seg(a, rng.pick(['app', 'api'] as const));
      if (!f) return false;
      const to = rng.weighted([
        [ext('mainframe'), 0.3],
        [ext(rng.pick(onprem).name), 0.3],
        [ext(rng.pick(partners).name), 0.3],
        [sel("app == 'mainframe'"), 0.1],
      ] as const);
      push(
        'allow',
        f,
        to,
        to.includes('mainframe') ? ['tcp/1414', 'udp/500-510'] : [rng.pick(['tcp/443', 'tcp/22', 'tcp/990'])],
      );
    } else if (k < 0.8) {
      // Shared services by selector: monitoring scrapes, bastion SSH, CI deploys, DNS.
      const r = rng.pick(['monitoring', 'bastion', 'ci', 'dns', 'scanner'] as const);
      const a2 = appName(a);
      if (r === 'monitoring' && role('monitoring'))
        push('allow', 'monitoring', sel(`app == '${a2}'`), ['tcp/9100', 'tcp/9090-9099']);
      else if (r === 'bastion' && role('bastion'))
        push('allow', 'bastion', sel(`app == '${a2}' && env == '${rng.pick(ENVS)}'`), ['tcp/22']);
      else if (r === 'ci' && role('ci'))
        push('allow', 'ci', sel(`app == '${a2}' && tier in {'web','api','app'}`), ['tcp/22', 'tcp/443']);
      else if (r === 'dns' && role('dns')) push('allow', sel(`app == '${a2}'`), 'dns', ['udp/53', 'tcp/53']);
      else if (r === 'scanner' && role('scanner'))
        push('allow', 'scanner', sel(`env == '${rng.pick(ENVS)}'`), ['tcp/1-1024']);
      else {
        const t = seg(a, 'web');
        if (!t) return false;
        push('allow', sel(`app == '${a2}'`), t, ['tcp/443']);
      }
    } else if (k < 0.86) {
      // A VPC's whole CIDR (people do write these) or a data centre subnet as cidrs.
      const t = seg(a, rng.pick(['api', 'app', 'web'] as const));
      if (!t) return false;
      const n = rng.pick(networks);
      const cidr = rng.chance(0.5) ? `10.${n.octet}.0.0/16` : `10.${200 + rng.int(40)}.${rng.int(16) * 16}.0/24`;
      push('allow', `{ cidrs: [${cidr}] }`, t, [rng.pick(API_PORTS)]);
    } else if (k < 0.93) {
      // Environment-wide selectors.
      const env = rng.pick(ENVS);
      const t = seg(a, rng.pick(['web', 'api'] as const));
      if (!t) return false;
      push('allow', sel(`env == '${env}' && tier == 'app'`), t, [rng.pick(API_PORTS)]);
    } else {
      // A tier of an app reaches the whole of another app.
      const f = seg(a, 'app');
      if (!f) return false;
      push('allow', f, sel(`app == '${appName(app())}' && tier != 'db'`), [rng.pick(API_PORTS)]);
    }
    return true;
  };

  const denyRule = (): boolean => {
    // Sparse: only the pairwise denies (web ↛ db, one port between two segments, app ↛ internet).
    // Local: web ↛ db and app ↛ internet only.
    const k =
      opts.shape === 'local'
        ? rng.pick([0.4 + rng.float() * 0.2, 0.9 + rng.float() * 0.1])
        : sparse
          ? rng.pick([0.4 + rng.float() * 0.2, 0.75 + rng.float() * 0.25])
          : rng.float();
    const a = app();
    if (k < 0.25) {
      const [f, t] = rng.pick([
        ['dev', 'prod'],
        ['stage', 'prod'],
        ['dev', 'stage'],
      ] as const);
      push('deny', sel(`env == '${f}'`), sel(`env == '${t}'`), ['any']);
    } else if (k < 0.4) {
      push('deny', ext('quarantine-net'), sel('all()'), ['any']);
    } else if (k < 0.6) {
      // Web never talks to the database directly, whatever else allows it.
      const f = seg(a, 'web');
      const t = seg(a, 'db');
      if (!f || !t) return false;
      push('deny', f, t, ['any']);
    } else if (k < 0.75) {
      const t = seg(a, 'db');
      if (!t) return false;
      push('deny', sel("role != 'bastion'"), t, ['tcp/22']);
    } else if (k < 0.9) {
      const f = seg(a, rng.pick(['api', 'app'] as const));
      const t = seg(app(), rng.pick(['api', 'app', 'db'] as const));
      if (!f || !t || f === t) return false;
      push('deny', f, t, [rng.pick(['tcp/22', 'tcp/3389', 'tcp/8080', 'udp'])]);
    } else {
      const f = seg(a, 'app');
      if (!f) return false;
      push('deny', f, ext('internet'), ['tcp/25', 'tcp/6667']);
    }
    return true;
  };

  let guard = 0;
  while (rules.length < opts.rules) {
    if (++guard > opts.rules * 50) throw new Error('generatePolicy: cannot make enough rules (too few segments?)');
    if (rng.chance(denyShare)) denyRule();
    else allowRule();
  }

  const quote = (v: string) => (/^[a-z0-9][a-z0-9._/-]*$/.test(v) ? v : JSON.stringify(v));
  const labels = (l: Record<string, string>) =>
    `{ ${Object.entries(l)
      .map(([k, v]) => `${k}: ${quote(v)}`)
      .join(', ')} }`;
  return [
    `# Generated by bench/generate.ts: seed ${opts.seed}, ${opts.segments} segments, ${opts.rules} rules, ${opts.shape ?? 'realistic'}, internet ${opts.internet ?? 'public'}, egress ${opts.egress ?? 'deny'}.`,
    'apiVersion: segsync/v1',
    'kind: SegmentationPolicy',
    `metadata: { name: bench-${opts.segments}-${opts.rules} }`,
    'spec:',
    `  exclusive: ${opts.exclusive ?? true}`,
    ...(opts.addressPlans && opts.addressPlans.length > 0
      ? addressPlansYaml(opts.addressPlans, opts.unusedBlocks)
      : []),
    ...(opts.endToEndRanges && opts.endToEndRanges.length > 0
      ? [`  endToEnd: { ranges: [${opts.endToEndRanges.join(', ')}] }`]
      : []),
    '  labels: { keys: [app, tier, env, role, zone, site, partner] }',
    `  defaults: { egress: ${opts.egress ?? 'deny'}, unlabeled: ignore }`,
    '  externals:',
    ...externals.map(
      (e) =>
        `    - { name: ${e.name}, labels: ${labels(e.labels)}, cidrs: [${e.cidrs.map((c) => JSON.stringify(c)).join(', ')}] }`,
    ),
    '  segments:',
    ...segments.map(
      (s) => `    - { name: ${s.name}, selector: ${JSON.stringify(s.selector)}${s.monitor ? ', mode: monitor' : ''} }`,
    ),
    '  rules:',
    ...rules,
    '',
  ].join('\n');
}
