import { describe, expect, it } from 'vitest';
import { allows, InvalidFlowError, parsePolicy, type Flow } from '../../../core/index.ts';
import { HTTPS_TO_WEB } from '../../helpers/policies.ts';

const policy = parsePolicy(HTTPS_TO_WEB, 'inline.yaml');
const web = { labels: { tier: 'web' }, addresses: ['10.0.0.5'] };

describe('allows() rejects what is not a flow instead of answering "denied"', () => {
  it.each([
    [{ src: '203.0.113.9', dst: web, protocol: 'tcp', port: 99999 }, 'tcp/99999: port out of range (0-65535)'],
    [{ src: '203.0.113.9', dst: web, protocol: 'tcp', port: 44.5 }, 'tcp/44.5: port out of range (0-65535)'],
    [{ src: '203.0.113.9', dst: web, protocol: 'udp' }, 'flow.port is required for udp'],
    [{ src: '203.0.113.9', dst: web, protocol: 'sctp', port: 1 }, 'flow.protocol "sctp" is not one of tcp, udp, icmp'],
    [{ src: 'bogus', dst: web, protocol: 'tcp', port: 443 }, 'flow.src: "bogus" is not an IPv4 or IPv6 address'],
    [
      { src: '203.0.113.9', dst: { labels: {}, addresses: ['10.0.0.300'] }, protocol: 'icmp' },
      'flow.dst: "10.0.0.300" is not an IPv4 or IPv6 address',
    ],
  ])('GIVEN %j WHEN asked THEN InvalidFlowError "%s"', (flow, message) => {
    expect(() => allows(policy, flow as unknown as Flow)).toThrow(InvalidFlowError);
    expect(() => allows(policy, flow as unknown as Flow)).toThrow(message);
  });

  it('GIVEN valid flows at the edges of the port range WHEN asked THEN it answers', () => {
    expect(allows(policy, { src: '203.0.113.9', dst: web, protocol: 'tcp', port: 443 }).allowed).toBe(true);
    expect(allows(policy, { src: '203.0.113.9', dst: web, protocol: 'tcp', port: 0 }).allowed).toBe(false);
    expect(allows(policy, { src: '203.0.113.9', dst: web, protocol: 'udp', port: 65535 }).allowed).toBe(false);
    expect(allows(policy, { src: '2001:db8::1', dst: web, protocol: 'icmp' }).reason).toBe('no-allow-rule');
  });
});
