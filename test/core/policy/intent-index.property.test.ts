/**
 * The indexed oracle (prepareIntent, core/policy/rule-index.ts) must give exactly the answers of
 * the straightforward one (allows: every rule's selectors and CIDRs, per flow) on every flow:
 * verify and every property test trust it as the ground truth. Policies are built as objects so
 * they can reach what the YAML generator does not: IPv6, `except`, externals sharing a name,
 * label-key restriction, unmanaged and address-less workloads, shared and unfrozen label objects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidFlowError } from '../../../core/errors.ts';
import { cidrRange, formatAddress, parseCidr, type Cidr } from '../../../core/model/address.ts';
import type { PortSpec } from '../../../core/model/ports.ts';
import { allows, prepareIntent, type Endpoint, type Flow } from '../../../core/policy/intent.ts';
import { parseSelector } from '../../../core/policy/selector/index.ts';
import type { External, Peer, Policy, Rule, Segment } from '../../../core/policy/types.ts';

const RUNS = 300;
const FLOWS_PER_POLICY = 40;

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

const CIDRS = [
  '10.0.0.0/8',
  '10.1.0.0/16',
  '10.1.2.0/24',
  '10.1.2.128/25',
  '10.2.0.0/15',
  '192.168.0.0/16',
  '0.0.0.0/0',
  '10.1.2.7/32',
  '2001:db8::/32',
  '2001:db8:1::/48',
  '2001:db8:1:2::/64',
  '::/0',
].map(cidr);

/** Addresses at every CIDR's edges and middle, inside and just outside. */
const EDGE_ADDRESSES = [
  ...new Set(
    CIDRS.flatMap((c) => {
      const [lo, hi] = cidrRange(c);
      const max = c.family === 'ipv4' ? (1n << 32n) - 1n : (1n << 128n) - 1n;
      return [lo - 1n, lo, lo + (hi - lo) / 2n, hi, hi + 1n]
        .filter((v) => v >= 0n && v <= max)
        .map((v) => formatAddress(c.family, v));
    }),
  ),
];

const addressArb = fc.oneof(
  fc.constantFrom(...EDGE_ADDRESSES),
  fc.ipV4(),
  fc.constantFrom('10.1.2.9', '10.1.2.200', '10.3.0.1', '2001:db8:1:2::9', '2001:db8:2::1', 'fd00::1'),
);

const SELECTORS = [
  "tier == 'web'",
  "tier == 'db'",
  "env != 'dev'",
  "app == 'shop' && env == 'prod'",
  "tier in {'web','api'}",
  'has(tier)',
  '!has(app)',
  "app == 'crm' || tier == 'db'",
  'all()',
  "zone == 'corp'",
  "zone starts with 'dm'",
].map((text) => ({ text, selector: parseSelector(text) }));

const LABEL_VALUES = { app: ['shop', 'crm'], tier: ['web', 'api', 'db'], env: ['prod', 'dev'], zone: ['corp', 'dmz'] };
const labelsArb = fc.record(
  {
    app: fc.constantFrom(...LABEL_VALUES.app),
    tier: fc.constantFrom(...LABEL_VALUES.tier),
    env: fc.constantFrom(...LABEL_VALUES.env),
    zone: fc.constantFrom(...LABEL_VALUES.zone),
  },
  { requiredKeys: [] },
);

const cidrListArb = fc.subarray(CIDRS, { minLength: 1, maxLength: 3 });
const exceptArb = fc.oneof(fc.constant<Cidr[]>([]), fc.subarray(CIDRS, { minLength: 1, maxLength: 2 }));

const PORTS: PortSpec[] = [
  { protocol: 'tcp', from: 443, to: 443 },
  { protocol: 'tcp', from: 22, to: 22 },
  { protocol: 'tcp', from: 8000, to: 8100 },
  { protocol: 'udp', from: 53, to: 53 },
  { protocol: 'icmp' },
  { protocol: 'any' },
  { protocol: 'tcp', from: 0, to: 65535 },
  { protocol: 'udp', from: 500, to: 510 },
];

const policyArb: fc.Arbitrary<Policy> = fc
  .record({ segments: fc.integer({ min: 0, max: 4 }), externals: fc.integer({ min: 0, max: 3 }) })
  .chain(({ segments, externals }) =>
    fc.record({
      egress: fc.constantFrom('deny' as const, 'allow' as const),
      unlabeled: fc.constantFrom('ignore' as const, 'quarantine' as const),
      labelKeys: fc.option(fc.subarray(['app', 'tier', 'env', 'zone']), { nil: undefined }),
      externals: fc.array(
        fc.record({
          // Names may repeat: a rule's `external` peer then means the first of them.
          name: fc.constantFrom('ext0', 'ext1', 'ext2'),
          labels: labelsArb,
          cidrs: cidrListArb,
          except: exceptArb,
        }),
        { minLength: externals, maxLength: externals },
      ),
      segments: fc.array(
        fc
          .record({ selector: fc.constantFrom(...SELECTORS), monitor: fc.boolean() })
          .map(({ selector, monitor }): Segment => ({
            name: '',
            selector: selector.selector,
            selectorText: selector.text,
            mode: monitor ? 'monitor' : 'enforce',
          })),
        { minLength: segments, maxLength: segments },
      ),
      rules: fc.array(
        fc.record({
          from: peerArb(segments),
          to: peerArb(segments),
          ports: fc.subarray(PORTS, { minLength: 1, maxLength: 3 }),
          deny: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
        }),
        { maxLength: 40 },
      ),
    }),
  )
  .map((p) => {
    const segments = p.segments.map((s, i) => ({ ...s, name: `seg${i}` }));
    const rules: Rule[] = p.rules.map((r, i) => ({
      name: `r${i}`,
      action: r.deny ? 'deny' : 'allow',
      from: resolvePeer(r.from, segments),
      to: resolvePeer(r.to, segments),
      ports: r.ports,
    }));
    return {
      name: 'generated',
      ...(p.labelKeys ? { labelKeys: p.labelKeys } : {}),
      defaults: { egress: p.egress, unlabeled: p.unlabeled },
      exclusive: true,
      azureLoadBalancerProbes: 'allow',
      externals: p.externals satisfies External[],
      segments,
      rules,
    };
  });

type GenPeer =
  | { kind: 'segment'; index: number }
  | { kind: 'selector'; at: number }
  | { kind: 'external'; name: string }
  | { kind: 'cidrs'; cidrs: Cidr[]; except: Cidr[] };

function peerArb(segments: number): fc.Arbitrary<GenPeer> {
  return fc.oneof(
    ...(segments > 0 ? [fc.nat({ max: segments - 1 }).map((index): GenPeer => ({ kind: 'segment', index }))] : []),
    fc.nat({ max: SELECTORS.length - 1 }).map((at): GenPeer => ({ kind: 'selector', at })),
    fc.constantFrom('ext0', 'ext1', 'ext2', 'missing').map((name): GenPeer => ({ kind: 'external', name })),
    fc.record({ cidrs: cidrListArb, except: exceptArb }).map((c): GenPeer => ({ kind: 'cidrs', ...c })),
  );
}

function resolvePeer(p: GenPeer, segments: Segment[]): Peer {
  switch (p.kind) {
    case 'segment':
      return { kind: 'segment', name: segments[p.index]!.name, selector: segments[p.index]!.selector };
    case 'selector':
      return { kind: 'selector', text: SELECTORS[p.at]!.text, selector: SELECTORS[p.at]!.selector };
    default:
      return p;
  }
}

/** Workloads share label objects (as an inventory's do), frozen or not. */
const endpointsArb = fc
  .array(fc.record({ labels: labelsArb, frozen: fc.boolean(), nullProto: fc.boolean() }), {
    minLength: 1,
    maxLength: 6,
  })
  .chain((labelSets) => {
    const objects = labelSets.map(({ labels, frozen, nullProto }) => {
      const o: Record<string, string> = nullProto ? Object.assign(Object.create(null), labels) : { ...labels };
      return frozen ? Object.freeze(o) : o;
    });
    const workloadArb = fc
      .record({
        labels: fc.constantFrom(...objects),
        addresses: fc.array(addressArb, { maxLength: 2 }),
        managed: fc.option(fc.boolean(), { nil: undefined }),
        pick: fc.boolean(),
      })
      .map(({ labels, addresses, managed, pick }): Endpoint => {
        const ep = { labels, addresses, ...(managed !== undefined ? { managed } : {}) };
        return pick && addresses[1] !== undefined ? { ...ep, address: addresses[1] } : ep;
      });
    return fc.array(fc.oneof(workloadArb, workloadArb, addressArb), { minLength: 2, maxLength: 10 });
  });

const portArb = fc.oneof(
  fc.constantFrom(0, 21, 22, 23, 53, 442, 443, 444, 499, 500, 510, 511, 7999, 8000, 8100, 8101, 65535),
  fc.integer({ min: 0, max: 65535 }),
);

const flowsArb = (endpoints: Endpoint[]) =>
  fc.array(
    fc.record({
      src: fc.constantFrom(...endpoints),
      dst: fc.constantFrom(...endpoints),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'icmp' as const),
      port: portArb,
    }),
    { minLength: 1, maxLength: FLOWS_PER_POLICY },
  );

describe(`prepareIntent == allows (${RUNS} random policies, up to ${FLOWS_PER_POLICY} flows each, asked twice)`, () => {
  it('GIVEN a random policy and flows WHEN the indexed oracle answers THEN every decision equals the reference', () => {
    fc.assert(
      fc.property(
        policyArb,
        endpointsArb.chain((eps) => flowsArb(eps)),
        (policy, flows) => {
          const oracle = prepareIntent(policy);
          // Twice: the second pass answers from the memos the first one filled.
          for (const flow of [...flows, ...flows] as Flow[]) {
            const expected = allows(policy, flow);
            expect(oracle.allows(flow)).toEqual(expected);
            expect(oracle.between(flow.src, flow.dst)(flow.protocol, flow.port)).toEqual(expected);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('prepareIntent rejects what is not a flow, as allows does', () => {
  const policy: Policy = {
    name: 'p',
    defaults: { egress: 'deny', unlabeled: 'ignore' },
    exclusive: true,
    azureLoadBalancerProbes: 'allow',
    externals: [],
    segments: [],
    rules: [],
  };
  const web = { labels: { tier: 'web' }, addresses: ['10.0.0.5'] };
  it.each([
    [{ src: '203.0.113.9', dst: web, protocol: 'tcp', port: 99999 }],
    [{ src: '203.0.113.9', dst: web, protocol: 'udp' }],
    [{ src: '203.0.113.9', dst: web, protocol: 'sctp', port: 1 }],
    [{ src: 'bogus', dst: web, protocol: 'tcp', port: 443 }],
    [{ src: '203.0.113.9', dst: { labels: {}, addresses: ['10.0.0.300'] }, protocol: 'icmp' }],
  ])('GIVEN %j WHEN asked THEN the same InvalidFlowError', (flow) => {
    const f = flow as unknown as Flow;
    const message = (() => {
      try {
        allows(policy, f);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('the reference accepted an invalid flow');
    })();
    const oracle = prepareIntent(policy);
    expect(() => oracle.allows(f)).toThrow(InvalidFlowError);
    expect(() => oracle.allows(f)).toThrow(message);
    expect(() => oracle.between(f.src, f.dst)(f.protocol, f.port)).toThrow(InvalidFlowError);
  });
});
