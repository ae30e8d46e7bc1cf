import { describe, expect, it } from 'vitest';
import { computeReach } from '../../../core/compile/reach.ts';
import { parseAddress } from '../../../core/model/address.ts';
import { allows } from '../../../core/policy/intent.ts';
import { validatePolicy } from '../../../core/policy/parse.ts';
import { policyOf } from '../../helpers/policies.ts';
import { awsWorkload, gcpWorkload } from '../../helpers/workloads.ts';

// "The internet but not my private ranges": 0.0.0.0/0 except 10.0.0.0/8, as a peer and as an external.
const policy = policyOf(`  externals:
    - { name: internet, labels: { zone: internet }, cidrs: [0.0.0.0/0], except: [10.0.0.0/8] }
  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: internet-to-web, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: partners-to-db, from: { cidrs: [192.168.0.0/16], except: [192.168.7.0/24] }, to: db, ports: [tcp/5432] }
    - { name: zone-to-db, from: { selector: "zone == 'internet'" }, to: db, ports: [tcp/22] }
`);
const web = awsWorkload('web1', 'vpc-a', '10.0.1.10', { tier: 'web' });
const db = gcpWorkload('db1', '10.2.1.10', { tier: 'db' });
const app = awsWorkload('app1', 'vpc-a', '10.0.2.10', { tier: 'app' });

describe('except: address peers minus the carved-out CIDRs (Kubernetes ipBlock.except)', () => {
  it('GIVEN internet except 10.0.0.0/8 THEN the oracle admits outside addresses and no address or workload inside 10/8', () => {
    expect(allows(policy, { src: '203.0.113.9', dst: web, protocol: 'tcp', port: 443 }).allowed).toBe(true);
    expect(allows(policy, { src: '11.0.0.1', dst: web, protocol: 'tcp', port: 443 }).allowed).toBe(true);
    expect(allows(policy, { src: '10.255.0.1', dst: web, protocol: 'tcp', port: 443 }).allowed).toBe(false);
    expect(allows(policy, { src: app, dst: web, protocol: 'tcp', port: 443 }).allowed).toBe(false);
    // A selector matching the external matches only its addresses outside the except, too.
    expect(allows(policy, { src: '203.0.113.9', dst: db, protocol: 'tcp', port: 22 }).allowed).toBe(true);
    expect(allows(policy, { src: '10.9.9.9', dst: db, protocol: 'tcp', port: 22 }).allowed).toBe(false);
  });

  it('GIVEN a cidrs peer with except THEN its edges are exact: the carved /24 is out, its neighbours are in', () => {
    const at = (src: string) => allows(policy, { src, dst: db, protocol: 'tcp', port: 5432 }).allowed;
    expect([at('192.168.6.255'), at('192.168.7.0'), at('192.168.7.255'), at('192.168.8.0')]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });

  it('GIVEN except WHEN compiled THEN no ingress entry of web opens tcp/443 to an address inside 10.0.0.0/8, and outside ones are open', () => {
    const reach = computeReach(policy, [web, db, app]);
    const net = reach.networks.find((n) => n.network === web.network)!;
    const webClass = reach.classification.classOf.get(web.id)!.id;
    const opens = (address: string) => {
      const a = parseAddress(address);
      if (!a.ok) throw new Error(address);
      return net.ingress
        .get(webClass)!
        .some(
          (e) =>
            e.peer.kind === 'addresses' &&
            e.peer.family === 'ipv4' &&
            e.peer.set.contains(a.value.value) &&
            e.ports.has('tcp', 443),
        );
    };
    expect([opens('203.0.113.9'), opens('9.255.255.255'), opens('11.0.0.0')]).toEqual([true, true, true]);
    expect([opens('10.0.0.0'), opens('10.0.2.10'), opens('10.255.255.255')]).toEqual([false, false, false]);
  });

  it('GIVEN an except outside every CIDR of its peer or external THEN validate reports it at its position', () => {
    const text = `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: t }
spec:
  externals:
    - { name: office, cidrs: [192.168.0.0/16], except: [10.0.0.0/8] }
  segments:
    - { name: web, selector: "tier == 'web'" }
  rules:
    - { name: r, from: { cidrs: [10.0.0.0/8], except: [10.1.0.0/16, 172.16.0.0/12] }, to: web, ports: [tcp/443] }
`;
    const { policy: parsed, diagnostics } = validatePolicy(text, 'p.yaml');
    expect(parsed).toBeUndefined();
    expect(
      diagnostics.map((d) => [d.code, d.path.join('.'), `${d.source?.line}:${d.source?.column}`, d.message]),
    ).toEqual([
      [
        'invalid-except',
        'spec.externals.0.except.0',
        '6:57',
        'except 10.0.0.0/8 is not inside any of the CIDRs it carves from (192.168.0.0/16), so it would remove nothing',
      ],
      [
        'invalid-except',
        'spec.rules.0.from.except.1',
        '10:69',
        'except 172.16.0.0/12 is not inside any of the CIDRs it carves from (10.0.0.0/8), so it would remove nothing',
      ],
    ]);
  });
});
