/**
 * fast-check arbitraries for random policies and estates across the three clouds and several
 * networks. Policies are produced as YAML text and parsed by the real parser, so every generated
 * policy is one a user could write.
 */
import fc from 'fast-check';
import type { Estate } from '../../adapters/sandbox/estate-types.ts';
import type { Sandbox } from '../../adapters/sandbox/index.ts';

export const NETWORKS = [
  { cloud: 'aws', net: 'vpc-a', octet: 10 },
  { cloud: 'aws', net: 'vpc-b', octet: 11 },
  { cloud: 'azure', net: 'vnet-a', octet: 20 },
  { cloud: 'azure', net: 'vnet-b', octet: 21 },
  { cloud: 'gcp', net: 'net-a', octet: 30 },
  { cloud: 'gcp', net: 'net-b', octet: 31 },
] as const;

const VOCAB = { app: ['shop', 'crm'], tier: ['web', 'app', 'db'], env: ['prod', 'dev'] } as const;

export const labelsArb = fc.record(
  { app: fc.constantFrom(...VOCAB.app), tier: fc.constantFrom(...VOCAB.tier), env: fc.constantFrom(...VOCAB.env) },
  { requiredKeys: [] },
);

export interface GenInstance {
  network: number;
  labels: Record<string, string>;
}

export const instancesArb = fc.array(fc.record({ network: fc.nat({ max: NETWORKS.length - 1 }), labels: labelsArb }), {
  minLength: 1,
  maxLength: 9,
});

/** `block(inst, i)`: the third octet of the i-th instance's address (default: three /24s in turn). */
export function estateOf<T extends GenInstance>(
  instances: readonly T[],
  block: (inst: T, i: number) => number = (_, i) => 1 + (i % 3),
): Estate {
  const estate: Estate = { aws: [], azure: [], gcp: [], awsSecurityGroups: [], gcpFirewalls: [] };
  instances.forEach((inst, i) => {
    const n = NETWORKS[inst.network]!;
    const ip = `10.${n.octet}.${block(inst, i)}.${10 + i}`;
    const id = `w${i}`;
    if (n.cloud === 'aws')
      estate.aws.push({
        id: `i-${id}`,
        account: '111111111111',
        region: 'eu-west-1',
        vpc: n.net,
        ip,
        tags: { ...inst.labels },
      });
    if (n.cloud === 'azure')
      estate.azure.push({
        id: `vm-${id}`,
        subscription: 'sub-1',
        region: 'westeurope',
        vnet: n.net,
        ip,
        tags: { ...inst.labels },
      });
    if (n.cloud === 'gcp')
      estate.gcp.push({
        id: `gce-${id}`,
        project: 'proj-1',
        zone: 'europe-west1-b',
        network: n.net,
        ip,
        labels: { ...inst.labels },
      });
  });
  return estate;
}

const SELECTORS = [
  "tier == 'web'",
  "tier == 'app'",
  "tier == 'db'",
  "env == 'prod'",
  "env != 'dev'",
  "app == 'shop' && env == 'prod'",
  "tier in {'web','app'}",
  'has(tier)',
  '!has(app)',
  "app == 'crm' || tier == 'db'",
  'all()',
  "zone == 'corp'",
];
const CIDRS = [
  '10.0.0.0/8',
  '10.10.0.0/16',
  '10.20.1.0/24',
  '10.30.0.0/15',
  '192.168.0.0/16',
  '0.0.0.0/0',
  '10.11.2.0/25',
];
/** Per CIDR, ranges inside it that `except` may carve out (several cover generated workloads). */
const EXCEPTS: Record<string, string[]> = {
  '10.0.0.0/8': ['10.10.0.0/16', '10.20.1.0/24'],
  '10.10.0.0/16': ['10.10.1.0/24'],
  '10.20.1.0/24': ['10.20.1.0/28'],
  '10.30.0.0/15': ['10.30.0.0/16'],
  '192.168.0.0/16': ['192.168.0.0/24'],
  '0.0.0.0/0': ['10.0.0.0/8', '10.20.0.0/16'],
  '10.11.2.0/25': ['10.11.2.0/26'],
};

/** CIDRs with, half the time, an `except` list inside them: YAML of `cidrs: [...]` and maybe `, except: [...]`. */
const addressSetArb = fc.subarray(CIDRS, { minLength: 1, maxLength: 2 }).chain((cidrs) => {
  const candidates = [...new Set(cidrs.flatMap((c) => EXCEPTS[c] ?? []))];
  return fc
    .oneof(fc.constant<string[]>([]), fc.subarray(candidates, { minLength: 1 }))
    .map((except) => `cidrs: [${cidrs.join(', ')}]${except.length > 0 ? `, except: [${except.join(', ')}]` : ''}`);
});

const PORTS = ['tcp/443', 'tcp/22', 'tcp/8000-8100', 'udp/53', 'icmp', 'any', 'tcp', 'udp/500-510'];

const peerArb = (segments: number, externals: number, side: 'from' | 'to') =>
  fc.oneof(
    ...(segments > 0 ? [fc.nat({ max: segments - 1 }).map((i) => `seg${i}`)] : []),
    fc.constantFrom(...SELECTORS).map((s) => `{ selector: ${JSON.stringify(s)} }`),
    ...(externals > 0 ? [fc.nat({ max: externals - 1 }).map((i) => `{ external: ext${i} }`)] : []),
    ...(side === 'from' ? [addressSetArb.map((a) => `{ ${a} }`)] : []),
  );

export const policyArb = fc
  .record({ segments: fc.integer({ min: 1, max: 4 }), externals: fc.integer({ min: 0, max: 2 }) })
  .chain(({ segments, externals }) =>
    fc.record({
      egress: fc.constantFrom('deny', 'allow'),
      unlabeled: fc.constantFrom('ignore', 'ignore', 'quarantine'),
      externals: fc.array(fc.record({ zone: fc.constantFrom('corp', 'dmz'), cidrs: addressSetArb }), {
        minLength: externals,
        maxLength: externals,
      }),
      segments: fc.array(
        fc.record({
          selector: fc.constantFrom(...SELECTORS),
          monitor: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        }),
        { minLength: segments, maxLength: segments },
      ),
      rules: fc.array(
        fc.record({
          from: peerArb(segments, externals, 'from'),
          to: peerArb(segments, externals, 'to'),
          ports: fc.subarray(PORTS, { minLength: 1, maxLength: 3 }),
          deny: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        }),
        { minLength: 0, maxLength: 6 },
      ),
    }),
  )
  .map((p) =>
    [
      'apiVersion: segsync/v1',
      'kind: SegmentationPolicy',
      'metadata: { name: generated }',
      'spec:',
      '  exclusive: true',
      `  defaults: { egress: ${p.egress}, unlabeled: ${p.unlabeled} }`,
      `  externals: [${p.externals.map((e, i) => `{ name: ext${i}, labels: { zone: ${e.zone} }, ${e.cidrs} }`).join(', ')}]`,
      '  segments:',
      ...p.segments.map(
        (s, i) =>
          `    - { name: seg${i}, selector: ${JSON.stringify(s.selector)}, mode: ${s.monitor ? 'monitor' : 'enforce'} }`,
      ),
      `  rules:${p.rules.length === 0 ? ' []' : ''}`,
      ...p.rules.map(
        (r, i) =>
          `    - { name: r${i}, action: ${r.deny ? 'deny' : 'allow'}, from: ${r.from}, to: ${r.to}, ports: [${r.ports.join(', ')}] }`,
      ),
      '',
    ].join('\n'),
  );

/** Re-tags one generated workload in its cloud: the generated labels replace app, tier and env (GCP instances of estateOf live in europe-west1-b). */
export function retag(
  sandbox: Sandbox,
  cloud: string,
  nativeId: string,
  location: { account: string; region: string },
  labels: Record<string, string>,
): void {
  const tags: Record<string, string | null> = { app: null, tier: null, env: null, ...labels };
  if (cloud === 'aws') sandbox.aws.tagInstance({ account: location.account, region: location.region }, nativeId, tags);
  if (cloud === 'azure') sandbox.azure.tagVm(location.account, nativeId, tags);
  if (cloud === 'gcp') sandbox.gcp.setLabels(location.account, 'europe-west1-b', nativeId, tags);
}
