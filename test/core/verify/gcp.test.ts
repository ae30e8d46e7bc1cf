import { describe, expect, it } from 'vitest';
import type { GcpFirewall, GcpInstance, GcpState } from '../../../core/model/native/gcp.ts';
import type { NativeFlow } from '../../../core/verify/flow.ts';
import { gcpEgress, gcpIngress, prepareGcp } from '../../../core/verify/gcp.ts';
import { gcpAttachmentId, gcpAttachmentOf, gcpNetworkPath, parseGcpAttachmentId } from '../../../core/model/ids.ts';

const VPC_URL = 'https://www.googleapis.com/compute/v1/projects/p1/global/networks/vpc';
const OTHER_URL = 'https://www.googleapis.com/compute/v1/projects/p1/global/networks/other';
const instance = (name: string, ip: string, tags: string[] = [], network = VPC_URL, ipv6?: string): GcpInstance => ({
  name,
  zone: 'projects/p1/zones/us-east1-b',
  tags: { items: tags, fingerprint: 'f' },
  networkInterfaces: [{ name: 'nic0', network, networkIP: ip, ...(ipv6 ? { ipv6Address: ipv6 } : {}) }],
});
const att = (name: string): string => `gcp:p1/us-east1-b/${name}/nic0`;
const fw = (name: string, f: Partial<GcpFirewall>): GcpFirewall => ({
  name,
  network: 'projects/p1/global/networks/vpc',
  priority: 1000,
  direction: 'INGRESS',
  ...f,
});
const allowTcp = (...ports: string[]) => [{ IPProtocol: 'tcp', ...(ports.length ? { ports } : {}) }];
const ingress = (
  src: string,
  dst: string,
  port?: number,
  srcName?: string,
  protocol: NativeFlow['protocol'] = 'tcp',
): NativeFlow => ({
  src: { address: src, ...(srcName ? { attachment: att(srcName) } : {}) },
  dst: { address: dst, attachment: att('db') },
  protocol,
  ...(port !== undefined ? { port } : {}),
});

describe('GCP: the attachment id names project, zone, instance and NIC', () => {
  it('round-trips', () => {
    const id = gcpAttachmentId({ project: 'p1', zone: 'us-east1-b', instance: 'db', nic: 'nic0' });
    expect(id).toBe('gcp:p1/us-east1-b/db/nic0');
    expect(parseGcpAttachmentId(id)).toEqual({ project: 'p1', zone: 'us-east1-b', instance: 'db', nic: 'nic0' });
    expect(gcpAttachmentOf(instance('db', '10.2.0.5'), { name: 'nic0', network: VPC_URL, networkIP: '10.2.0.5' })).toBe(
      id,
    );
  });

  it.each(['p1/us-east1-b/db/nic0', 'gcp:p1/us-east1-b/db', 'gcp:p1//db/nic0'])('rejects %s', (id) => {
    expect(parseGcpAttachmentId(id)).toBeUndefined();
  });
});

describe('GCP: the highest-priority matching rule decides, deny wins a tie', () => {
  const db = instance('db', '10.2.0.5', ['db']);

  it('deny and allow at the same priority → deny', () => {
    const s: GcpState = {
      instances: [db],
      firewalls: [fw('allow-pg', { allowed: allowTcp('5432') }), fw('deny-all', { denied: [{ IPProtocol: 'all' }] })],
    };
    expect(gcpIngress(s, ingress('10.2.0.9', '10.2.0.5', 5432))).toMatchObject({
      allowed: false,
      by: 'firewall deny-all (priority 1000, deny ingress all)',
    });
  });

  it('a higher-priority allow beats a lower-priority deny, whatever the list order', () => {
    const s: GcpState = {
      instances: [db],
      firewalls: [
        fw('deny-all', { priority: 65534, denied: [{ IPProtocol: 'all' }] }),
        fw('allow-pg', { priority: 100, allowed: allowTcp('5432', '6000-6010'), sourceRanges: ['10.2.0.0/16'] }),
      ],
    };
    const gcp = prepareGcp(s);
    expect(gcp.ingress(ingress('10.2.0.9', '10.2.0.5', 5432))).toMatchObject({
      allowed: true,
      by: 'firewall allow-pg (priority 100, allow ingress tcp 5432,6000-6010)',
    });
    expect(gcp.ingress(ingress('10.2.0.9', '10.2.0.5', 6011)).by).toBe(
      'firewall deny-all (priority 65534, deny ingress all)',
    );
    expect(gcp.ingress(ingress('10.3.0.9', '10.2.0.5', 5432)).allowed).toBe(false);
  });

  it('disabled rules are ignored', () => {
    const s: GcpState = { instances: [db], firewalls: [fw('allow-pg', { allowed: allowTcp('5432'), disabled: true })] };
    expect(gcpIngress(s, ingress('10.2.0.9', '10.2.0.5', 5432)).allowed).toBe(false);
  });
});

describe('GCP: implied rules deny ingress and allow egress', () => {
  const s: GcpState = { instances: [instance('db', '10.2.0.5')], firewalls: [] };
  const egress = (f: GcpFirewall[], dst: string): boolean =>
    gcpEgress(
      { ...s, firewalls: f },
      { src: { address: '10.2.0.5', attachment: att('db') }, dst: { address: dst }, protocol: 'tcp', port: 443 },
    ).allowed;

  it('no rule → implied verdicts', () => {
    expect(gcpIngress(s, ingress('10.2.0.9', '10.2.0.5', 22))).toMatchObject({
      allowed: false,
      by: 'implied deny ingress (no firewall rule of projects/p1/global/networks/vpc matched)',
    });
    expect(
      gcpEgress(s, {
        src: { address: '10.2.0.5', attachment: att('db') },
        dst: { address: '8.8.8.8' },
        protocol: 'udp',
        port: 53,
      }).by,
    ).toBe('implied allow egress (no firewall rule of projects/p1/global/networks/vpc matched)');
  });

  it('an explicit egress deny overrides the implied allow; a narrower allow above it opens a hole', () => {
    const deny = fw('deny-egress', {
      direction: 'EGRESS',
      priority: 65534,
      denied: [{ IPProtocol: 'all' }],
      destinationRanges: ['0.0.0.0/0'],
    });
    const allow = fw('allow-10', {
      direction: 'EGRESS',
      priority: 100,
      allowed: allowTcp('443'),
      destinationRanges: ['10.0.0.0/8'],
    });
    expect(egress([deny], '8.8.8.8')).toBe(false);
    expect(egress([deny, allow], '10.9.9.9')).toBe(true);
    expect(egress([deny, allow], '8.8.8.8')).toBe(false);
  });

  it('an ingress rule without source ranges or tags means 0.0.0.0/0 (IPv4 only)', () => {
    const open = { ...s, firewalls: [fw('open', { allowed: allowTcp() })] };
    expect(gcpIngress(open, ingress('8.8.8.8', '10.2.0.5', 22)).allowed).toBe(true);
    expect(gcpIngress(open, ingress('2001:db8::1', '10.2.0.5', 22)).allowed).toBe(false);
  });
});

describe('GCP: target tags pick instances, source tags pick same-network senders by primary address', () => {
  const s: GcpState = {
    instances: [
      instance('db', '10.2.0.5', ['db']),
      instance('web', '10.2.0.7', ['web']),
      instance('web-elsewhere', '10.8.0.7', ['web'], OTHER_URL),
      instance('plain', '10.2.0.8', []),
    ],
    firewalls: [fw('web-to-db', { allowed: allowTcp('5432'), sourceTags: ['web'], targetTags: ['db'] })],
  };
  const gcp = prepareGcp(s);

  it('a tagged sender in the same network, from its nic0 address', () => {
    expect(gcp.ingress(ingress('10.2.0.7', '10.2.0.5', 5432, 'web'))).toMatchObject({
      allowed: true,
      by: 'firewall web-to-db (priority 1000, allow ingress tcp 5432)',
    });
  });

  it.each([
    ['a tagged sender in another network', '10.8.0.7', 'web-elsewhere'],
    ['an untagged sender', '10.2.0.8', 'plain'],
    ["the tagged sender's address without its attachment", '10.2.0.7', undefined],
    ['a tagged sender from an address that is not its nic0', '10.2.0.77', 'web'],
  ])('not %s', (_what, src, name) => {
    expect(gcp.ingress(ingress(src, '10.2.0.5', 5432, name)).allowed).toBe(false);
  });

  it('the rule does not apply to an instance without the target tag', () => {
    const v = gcp.ingress({
      src: { address: '10.2.0.7', attachment: att('web') },
      dst: { address: '10.2.0.8', attachment: att('plain') },
      protocol: 'tcp',
      port: 5432,
    });
    expect(v.allowed).toBe(false);
  });
});

describe('GCP: networks compare by path; protocols and ports', () => {
  it('a rule written with a partial path applies to a NIC whose network is a full URL (and not to another network)', () => {
    expect(gcpNetworkPath(VPC_URL)).toBe('projects/p1/global/networks/vpc');
    const rule = fw('allow-ssh', { allowed: allowTcp('22'), sourceRanges: ['0.0.0.0/0'] });
    expect(
      gcpIngress({ instances: [instance('db', '10.2.0.5')], firewalls: [rule] }, ingress('1.1.1.1', '10.2.0.5', 22))
        .allowed,
    ).toBe(true);
    expect(
      gcpIngress(
        { instances: [instance('db', '10.2.0.5', [], OTHER_URL)], firewalls: [rule] },
        ingress('1.1.1.1', '10.2.0.5', 22),
      ).allowed,
    ).toBe(false);
  });

  it('icmp is IPv4 only; 58 is ICMPv6; tcp without ports is every port; udp is not tcp', () => {
    const s: GcpState = {
      instances: [instance('db', '10.2.0.5', [], VPC_URL, '2001:db8::5')],
      firewalls: [
        fw('icmp4', { allowed: [{ IPProtocol: 'icmp' }], sourceRanges: ['0.0.0.0/0', '::/0'] }),
        fw('tcp-any', { allowed: allowTcp(), sourceRanges: ['10.0.0.0/8'] }),
      ],
    };
    const gcp = prepareGcp(s);
    expect(gcp.ingress(ingress('1.1.1.1', '10.2.0.5', undefined, undefined, 'icmp')).allowed).toBe(true);
    expect(gcp.ingress(ingress('2001:db8::9', '2001:db8::5', undefined, undefined, 'icmp')).allowed).toBe(false);
    expect(gcp.ingress(ingress('10.1.1.1', '10.2.0.5', 65535)).allowed).toBe(true);
    expect(gcp.ingress(ingress('10.1.1.1', '10.2.0.5', 53, undefined, 'udp')).allowed).toBe(false);
    const v6 = prepareGcp({
      ...s,
      firewalls: [fw('icmp6', { allowed: [{ IPProtocol: '58' }], sourceRanges: ['::/0'] })],
    });
    expect(v6.ingress(ingress('2001:db8::9', '2001:db8::5', undefined, undefined, 'icmp')).by).toBe(
      'firewall icmp6 (priority 1000, allow ingress ipv6-icmp)',
    );
  });

  it('an unknown judged instance throws', () => {
    expect(() => gcpIngress({ instances: [], firewalls: [] }, ingress('1.1.1.1', '10.2.0.5', 22))).toThrow(
      /gcp:p1\/us-east1-b\/db\/nic0/,
    );
  });
});
