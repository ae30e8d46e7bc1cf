import { describe, expect, it } from 'vitest';
import type {
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureState,
} from '../../../core/model/native/azure.ts';
import { azureInbound, azureOutbound, prepareAzure } from '../../../core/verify/azure.ts';
import type { NativeFlow } from '../../../core/verify/flow.ts';

const RG = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network';
const subnet = (vnet: string, name = 'default'): string => `${RG}/virtualNetworks/${vnet}/subnets/${name}`;
const ipc = (nic: string): string => `${RG}/networkInterfaces/${nic}/ipConfigurations/ipconfig1`;
const asg = (name: string): string => `${RG}/applicationSecurityGroups/${name}`;
const nsgId = (name: string): string => `${RG}/networkSecurityGroups/${name}`;

type RuleProps = Partial<AzureSecurityRule['properties']> &
  Pick<AzureSecurityRule['properties'], 'priority' | 'direction' | 'access'>;
const rule = (name: string, p: RuleProps): AzureSecurityRule => ({
  name,
  properties: {
    protocol: 'Tcp',
    sourcePortRange: '*',
    destinationPortRange: '*',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    ...p,
  },
});
const nsg = (name: string, rules: AzureSecurityRule[]): AzureNetworkSecurityGroup => ({
  id: nsgId(name),
  name,
  location: 'westeurope',
  properties: { securityRules: rules },
});
const nic = (
  name: string,
  ip: string,
  vnet: string,
  opts: { nsg?: string; asgs?: string[] } = {},
): AzureNetworkInterface => ({
  id: `${RG}/networkInterfaces/${name}`,
  name,
  location: 'westeurope',
  properties: {
    ...(opts.nsg ? { networkSecurityGroup: { id: nsgId(opts.nsg) } } : {}),
    ipConfigurations: [
      {
        id: ipc(name),
        name: 'ipconfig1',
        properties: {
          privateIPAddress: ip,
          subnet: { id: subnet(vnet) },
          ...(opts.asgs ? { applicationSecurityGroups: opts.asgs.map((a) => ({ id: asg(a) })) } : {}),
        },
      },
    ],
  },
});
const state = (
  nics: AzureNetworkInterface[],
  nsgs: AzureNetworkSecurityGroup[],
  subnetNsgs?: Record<string, string>,
): AzureState => ({
  networkSecurityGroups: nsgs,
  applicationSecurityGroups: [],
  networkInterfaces: nics,
  ...(subnetNsgs ? { subnetNetworkSecurityGroups: subnetNsgs } : {}),
});
const flow = (
  src: string,
  dst: string,
  port?: number,
  opts: { srcNic?: string; dstNic?: string; protocol?: NativeFlow['protocol'] } = {},
): NativeFlow => ({
  src: { address: src, ...(opts.srcNic ? { attachment: ipc(opts.srcNic) } : {}) },
  dst: { address: dst, ...(opts.dstNic ? { attachment: ipc(opts.dstNic) } : {}) },
  protocol: opts.protocol ?? 'tcp',
  ...(port !== undefined ? { port } : {}),
});

describe('Azure: within an NSG the lowest priority number matches first, allow or deny', () => {
  // GIVEN an Allow at 200 listed before a Deny at 100 for the same traffic
  const s = state(
    [nic('web', '10.1.1.4', 'vnet-a', { nsg: 'nsg-web' })],
    [
      nsg('nsg-web', [
        rule('allow-https', { priority: 200, direction: 'Inbound', access: 'Allow', destinationPortRange: '443' }),
        rule('deny-from-bad', {
          priority: 100,
          direction: 'Inbound',
          access: 'Deny',
          sourceAddressPrefix: '203.0.113.0/24',
        }),
      ]),
    ],
  );

  it('the Deny at 100 beats the Allow at 200', () => {
    expect(azureInbound(s, flow('203.0.113.9', '10.1.1.4', 443, { dstNic: 'web' }))).toMatchObject({
      allowed: false,
      by: 'nsg-web rule deny-from-bad (priority 100)',
    });
  });

  it('other sources fall through to the Allow', () => {
    expect(azureInbound(s, flow('198.51.100.1', '10.1.1.4', 443, { dstNic: 'web' }))).toMatchObject({
      allowed: true,
      by: 'nsg-web rule allow-https (priority 200)',
    });
  });

  it('an unknown judged IP configuration throws', () => {
    expect(() => azureInbound(s, flow('198.51.100.1', '10.1.1.4', 443, { dstNic: 'nope' }))).toThrow(/nope/);
  });
});

describe('Azure: the default rules apply when nothing custom matches', () => {
  // GIVEN an NSG without custom rules; two NICs in vnet-a, one in vnet-b
  const s = state(
    [
      nic('web', '10.1.1.4', 'vnet-a', { nsg: 'nsg-empty' }),
      nic('app', '10.1.2.4', 'vnet-a'),
      nic('far', '10.9.0.4', 'vnet-b'),
    ],
    [nsg('nsg-empty', [])],
  );
  const azure = prepareAzure(s, { virtualNetworkPrefixes: ['192.168.0.0/16'] });

  it('AllowVnetInBound: a NIC address of the same VNet is VirtualNetwork', () => {
    expect(azure.ingress(flow('10.1.2.4', '10.1.1.4', 22, { srcNic: 'app', dstNic: 'web' }))).toMatchObject({
      allowed: true,
      by: 'nsg-empty rule AllowVnetInBound (priority 65000)',
    });
  });

  it('so is an address inside virtualNetworkPrefixes (on-prem, peers)', () => {
    expect(azure.ingress(flow('192.168.4.4', '10.1.1.4', 22, { dstNic: 'web' })).by).toBe(
      'nsg-empty rule AllowVnetInBound (priority 65000)',
    );
  });

  it("another VNet's NIC and the internet are not: DenyAllInBound", () => {
    expect(azure.ingress(flow('10.9.0.4', '10.1.1.4', 22, { srcNic: 'far', dstNic: 'web' })).by).toBe(
      'nsg-empty rule DenyAllInBound (priority 65500)',
    );
    expect(azure.ingress(flow('8.8.8.8', '10.1.1.4', 22, { dstNic: 'web' })).allowed).toBe(false);
  });

  it('AllowAzureLoadBalancerInBound admits 168.63.129.16 only', () => {
    expect(azure.ingress(flow('168.63.129.16', '10.1.1.4', 80, { dstNic: 'web' })).by).toBe(
      'nsg-empty rule AllowAzureLoadBalancerInBound (priority 65001)',
    );
  });

  it('AllowInternetOutBound lets anything out to the internet', () => {
    expect(azure.egress(flow('10.1.1.4', '8.8.8.8', 443, { srcNic: 'web' })).by).toBe(
      'nsg-empty rule AllowInternetOutBound (priority 65001)',
    );
  });

  it("the NSG's own defaultSecurityRules win over the built-in six when present", () => {
    const custom = nsg('nsg-custom', []);
    custom.properties.defaultSecurityRules = [
      rule('OnlyDeny', { priority: 65500, direction: 'Inbound', access: 'Deny', protocol: '*' }),
    ];
    const v = azureInbound(
      state([nic('web', '10.1.1.4', 'vnet-a', { nsg: 'nsg-custom' }), nic('app', '10.1.2.4', 'vnet-a')], [custom]),
      flow('10.1.2.4', '10.1.1.4', 22, { srcNic: 'app', dstNic: 'web' }),
    );
    expect(v.by).toBe('nsg-custom rule OnlyDeny (priority 65500)');
  });

  it('a NIC without any NSG allows', () => {
    expect(azure.ingress(flow('8.8.8.8', '10.1.2.4', 22, { dstNic: 'app' })).allowed).toBe(true);
  });
});

describe('Azure: the subnet NSG and the NIC NSG must both allow', () => {
  const allow443 = (dir: 'Inbound' | 'Outbound') =>
    rule(`allow-443-${dir}`, { priority: 100, direction: dir, access: 'Allow', destinationPortRange: '443' });
  const denyAll = (dir: 'Inbound' | 'Outbound') =>
    rule(`deny-all-${dir}`, { priority: 4096, direction: dir, access: 'Deny', protocol: '*' });
  const build = (subnetRules: AzureSecurityRule[], nicRules: AzureSecurityRule[]) =>
    state(
      [nic('web', '10.1.1.4', 'vnet-a', { nsg: 'nsg-nic' })],
      [nsg('nsg-subnet', subnetRules), nsg('nsg-nic', nicRules)],
      { [subnet('vnet-a')]: nsgId('nsg-subnet') },
    );
  const inbound = (s: AzureState) => azureInbound(s, flow('198.51.100.1', '10.1.1.4', 443, { dstNic: 'web' }));
  const outbound = (s: AzureState) => azureOutbound(s, flow('10.1.1.4', '198.51.100.1', 443, { srcNic: 'web' }));

  it('both allow → allowed, naming both rules in evaluation order', () => {
    const s = build([allow443('Inbound'), allow443('Outbound')], [allow443('Inbound'), allow443('Outbound')]);
    expect(inbound(s).by).toBe(
      'nsg-subnet rule allow-443-Inbound (priority 100) + nsg-nic rule allow-443-Inbound (priority 100)',
    );
    expect(outbound(s).by).toBe(
      'nsg-nic rule allow-443-Outbound (priority 100) + nsg-subnet rule allow-443-Outbound (priority 100)',
    );
  });

  it('subnet allows, NIC denies → denied by the NIC NSG', () => {
    expect(inbound(build([allow443('Inbound')], [denyAll('Inbound')]))).toMatchObject({
      allowed: false,
      by: 'nsg-nic rule deny-all-Inbound (priority 4096)',
    });
  });

  it('NIC allows, subnet denies → denied by the subnet NSG', () => {
    expect(inbound(build([denyAll('Inbound')], [allow443('Inbound')]))).toMatchObject({
      allowed: false,
      by: 'nsg-subnet rule deny-all-Inbound (priority 4096)',
    });
  });

  it('both deny: inbound stops at the subnet, outbound at the NIC', () => {
    const s = build([denyAll('Inbound'), denyAll('Outbound')], [denyAll('Inbound'), denyAll('Outbound')]);
    expect(inbound(s).by).toMatch(/^nsg-subnet /);
    expect(outbound(s).by).toMatch(/^nsg-nic /);
  });
});

describe('Azure: ASG peers match member IP configurations only', () => {
  // GIVEN db admits tcp 5432 from asg-web to asg-db, then denies everything at 4096
  const s = state(
    [
      nic('db', '10.1.3.4', 'vnet-a', { nsg: 'nsg-db', asgs: ['asg-db'] }),
      nic('web', '10.1.1.4', 'vnet-a', { asgs: ['asg-web'] }),
      nic('other', '10.1.1.5', 'vnet-a', { asgs: ['asg-other'] }),
    ],
    [
      nsg('nsg-db', [
        rule('web-to-db', {
          priority: 100,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'TCP',
          destinationPortRange: undefined,
          destinationPortRanges: ['5432', '6000-6010'],
          sourceAddressPrefix: undefined,
          destinationAddressPrefix: undefined,
          sourceApplicationSecurityGroups: [{ id: asg('ASG-WEB') }],
          destinationApplicationSecurityGroups: [{ id: asg('asg-db') }],
        }),
        rule('deny-all', { priority: 4096, direction: 'Inbound', access: 'Deny', protocol: '*' }),
      ]),
    ],
  );
  const azure = prepareAzure(s);

  it('a member (ids compared case-insensitively, protocol too) on a listed port is allowed', () => {
    expect(azure.ingress(flow('10.1.1.4', '10.1.3.4', 5432, { srcNic: 'web', dstNic: 'db' }))).toMatchObject({
      allowed: true,
      by: 'nsg-db rule web-to-db (priority 100)',
    });
    expect(azure.ingress(flow('10.1.1.4', '10.1.3.4', 6010, { srcNic: 'web', dstNic: 'db' })).allowed).toBe(true);
  });

  it.each([
    ['a non-member', '10.1.1.5', 'other', 5432],
    ['a member on an unlisted port', '10.1.1.4', 'web', 6011],
    ["a member's address without its attachment", '10.1.1.4', undefined, 5432],
    ['a member sending from another address', '10.1.1.99', 'web', 5432],
  ])('%s falls through to deny-all', (_what, src, srcNic, port) => {
    expect(azure.ingress(flow(src, '10.1.3.4', port, { ...(srcNic ? { srcNic } : {}), dstNic: 'db' })).by).toBe(
      'nsg-db rule deny-all (priority 4096)',
    );
  });
});
