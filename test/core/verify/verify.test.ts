import { describe, expect, it } from 'vitest';
import type { Inventory, Workload } from '../../../core/model/inventory.ts';
import type { NativeState } from '../../../core/model/native/index.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { explainNative, sampleAddresses, samplePorts, verify } from '../../../core/verify/index.ts';

// GIVEN corp (an external) may reach web on 443, and web may reach db on 5432; egress denied.
const policy = parsePolicy(`
apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: tiny }
spec:
  defaults: { egress: deny }
  externals:
    - name: corp
      cidrs: [192.168.10.0/24]
  segments:
    - name: web
      selector: tier == 'web'
    - name: db
      selector: tier == 'db'
  rules:
    - name: corp-to-web
      from: { external: corp }
      to: web
      ports: [tcp/443]
    - name: web-to-db
      from: web
      to: db
      ports: [tcp/5432]
`);

const RG = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network';
const AZ_IPC = `${RG}/networkInterfaces/web2-nic/ipConfigurations/ipconfig1`;
const GCP_ATT = 'gcp:p1/us-east1-b/db-1/nic0';

const workload = (
  cloud: Workload['cloud'],
  id: string,
  tier: string,
  address: string,
  attachment: string,
  network: string,
): Workload => ({
  id,
  nativeId: id,
  cloud,
  location: { cloud, account: 'acct', region: 'r1' },
  network,
  labels: { tier },
  addresses: [address],
  publicAddresses: [],
  attachments: [{ id: attachment, network, addresses: [address] }],
  managed: true,
  labelProblems: [],
});
// AND one web in AWS, one web in Azure, the db in GCP
const inventory: Inventory = {
  workloads: [
    workload('aws', 'aws:111:us-east-1:i-web', 'web', '10.0.1.10', 'eni-web', 'aws:111:us-east-1:vpc-1'),
    workload('azure', `azure:${RG}/vm/web2`, 'web', '10.1.1.10', AZ_IPC, 'azure:s1:vnet-a'),
    workload('gcp', 'gcp:p1:us-east1-b:db-1', 'db', '10.2.0.5', GCP_ATT, 'gcp:p1:vpc'),
  ],
};

const azureRule = (
  name: string,
  priority: number,
  direction: 'Inbound' | 'Outbound',
  access: 'Allow' | 'Deny',
  protocol: string,
  port: string,
  src: string,
  dst: string,
) => ({
  name,
  properties: {
    protocol,
    sourcePortRange: '*',
    destinationPortRange: port,
    sourceAddressPrefix: src,
    destinationAddressPrefix: dst,
    access,
    priority,
    direction,
  },
});

/** What a correct compiler would write: allow-only sets plus catch-all denies (DESIGN.md §3 "Translation"). */
function correctNative(): NativeState {
  return {
    aws: {
      SecurityGroups: [
        {
          GroupId: 'sg-web',
          GroupName: 'segsync-web',
          Description: '',
          VpcId: 'vpc-1',
          OwnerId: '111',
          Tags: [],
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 443,
              ToPort: 443,
              IpRanges: [{ CidrIp: '192.168.10.0/24' }],
              Ipv6Ranges: [],
              PrefixListIds: [],
              UserIdGroupPairs: [],
            },
          ],
          IpPermissionsEgress: [
            {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              IpRanges: [{ CidrIp: '10.2.0.5/32' }],
              Ipv6Ranges: [],
              PrefixListIds: [],
              UserIdGroupPairs: [],
            },
          ],
        },
      ],
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-web',
          VpcId: 'vpc-1',
          SubnetId: 'subnet-1',
          AvailabilityZone: 'us-east-1a',
          OwnerId: '111',
          PrivateIpAddress: '10.0.1.10',
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }],
          Ipv6Addresses: [],
          Groups: [{ GroupId: 'sg-web', GroupName: 'segsync-web' }],
          TagSet: [],
        },
      ],
      PrefixLists: [],
    },
    azure: {
      networkSecurityGroups: [
        {
          id: `${RG}/networkSecurityGroups/nsg-web`,
          name: 'nsg-web',
          location: 'westeurope',
          properties: {
            securityRules: [
              azureRule('corp-to-web', 100, 'Inbound', 'Allow', 'Tcp', '443', '192.168.10.0/24', '*'),
              azureRule('deny-in', 4096, 'Inbound', 'Deny', '*', '*', '*', '*'),
              azureRule('web-to-db', 100, 'Outbound', 'Allow', 'Tcp', '5432', '*', '10.2.0.5'),
              azureRule('deny-out', 4096, 'Outbound', 'Deny', '*', '*', '*', '*'),
            ],
          },
        },
      ],
      applicationSecurityGroups: [],
      networkInterfaces: [
        {
          id: `${RG}/networkInterfaces/web2-nic`,
          name: 'web2-nic',
          location: 'westeurope',
          properties: {
            networkSecurityGroup: { id: `${RG}/networkSecurityGroups/nsg-web` },
            ipConfigurations: [
              {
                id: AZ_IPC,
                name: 'ipconfig1',
                properties: {
                  privateIPAddress: '10.1.1.10',
                  subnet: { id: `${RG}/virtualNetworks/vnet-a/subnets/default` },
                },
              },
            ],
          },
        },
      ],
    },
    gcp: {
      instances: [
        {
          name: 'db-1',
          zone: 'projects/p1/zones/us-east1-b',
          tags: { items: ['segsync-db'], fingerprint: 'x' },
          networkInterfaces: [{ name: 'nic0', network: 'projects/p1/global/networks/vpc', networkIP: '10.2.0.5' }],
        },
      ],
      firewalls: [
        {
          name: 'segsync-web-to-db',
          network: 'projects/p1/global/networks/vpc',
          priority: 1000,
          direction: 'INGRESS',
          allowed: [{ IPProtocol: 'tcp', ports: ['5432'] }],
          sourceRanges: ['10.0.1.10/32', '10.1.1.10/32'],
          targetTags: ['segsync-db'],
        },
        {
          name: 'segsync-deny-egress',
          network: 'projects/p1/global/networks/vpc',
          priority: 65534,
          direction: 'EGRESS',
          denied: [{ IPProtocol: 'all' }],
          destinationRanges: ['0.0.0.0/0'],
        },
      ],
    },
  };
}

describe('sample ports and addresses', () => {
  it('every rule port with its neighbours, plus 22, 443, 3389, udp 53 and icmp, sorted', () => {
    expect(samplePorts(policy)).toEqual([
      ...[22, 442, 443, 444, 3389, 5431, 5432, 5433].map((port) => ({ protocol: 'tcp', port })),
      { protocol: 'udp', port: 53 },
      { protocol: 'icmp' },
    ]);
  });

  it('first, middle, last and the neighbours of every CIDR, and one address outside them all', () => {
    expect(sampleAddresses(policy, inventory)).toEqual([
      '192.168.9.255',
      '192.168.10.0',
      '192.168.10.127',
      '192.168.10.255',
      '192.168.11.0',
      '198.51.100.7',
    ]);
  });
});

describe('verify: native state against the intent oracle', () => {
  it('a correct estate has zero disagreements, over every side check', () => {
    const result = verify(policy, inventory, correctNative());
    expect(result.disagreements).toEqual([]);
    expect(result.truncated).toBe(false);
    // 3 workloads + 6 sample addresses: 6 workload pairs + 2×3×6 workload/address pairs = 42 pairs × 10 ports.
    expect(result.flows).toBe(420);
    // Every workload is enforced: workload↔workload flows are checked on both sides.
    expect(result.checked).toBe(6 * 10 * 2 + 36 * 10);
  });

  it('a GCP source range dropped → exactly that flow is reported, at ingress, with the native and policy rules', () => {
    const native = correctNative();
    native.gcp.firewalls[0]!.sourceRanges = ['10.0.1.10/32'];
    const result = verify(policy, inventory, native, { deploymentId: 'prod' });
    expect(result.disagreements).toEqual([
      {
        flow: {
          src: `azure:${RG}/vm/web2`,
          dst: 'gcp:p1:us-east1-b:db-1',
          srcAddress: '10.1.1.10',
          dstAddress: '10.2.0.5',
          protocol: 'tcp',
          port: 5432,
        },
        side: 'ingress',
        intended: true,
        actual: false,
        nativeRule: 'implied deny ingress (no firewall rule of projects/p1/global/networks/vpc matched)',
        policyRules: ['web-to-db'],
      },
    ]);
  });

  it('an AWS range widened by one bit → the address just outside corp is let in on 443, and nothing else', () => {
    const native = correctNative();
    native.aws.SecurityGroups[0]!.IpPermissions[0]!.IpRanges = [{ CidrIp: '192.168.10.0/23' }];
    const result = verify(policy, inventory, native, { deploymentId: 'prod' });
    expect(result.disagreements).toEqual([
      {
        flow: {
          src: '192.168.11.0',
          dst: 'aws:111:us-east-1:i-web',
          srcAddress: '192.168.11.0',
          dstAddress: '10.0.1.10',
          protocol: 'tcp',
          port: 443,
        },
        side: 'ingress',
        intended: false,
        actual: true,
        nativeRule: 'sg-web (segsync-web) ingress tcp 443 from 192.168.10.0/23',
        nativeObject: { kind: 'aws-security-group', id: 'sg-web', name: 'segsync-web' },
        policyRules: [],
      },
    ]);
    // The group carries no owner tag here, so for deployment 'prod' it is someone else's.
    expect(result.causes).toEqual([
      {
        object: { kind: 'aws-security-group', id: 'sg-web', name: 'segsync-web' },
        owner: 'foreign',
        effect: 'opens',
        count: 1,
        examples: result.disagreements,
      },
    ]);
  });

  it('a missing Azure catch-all deny lets the default AllowInternetOutBound through: egress leaks are found', () => {
    const native = correctNative();
    native.azure.networkSecurityGroups[0]!.properties.securityRules.splice(3, 1);
    const { disagreements } = verify(policy, inventory, native);
    expect(disagreements.length).toBeGreaterThan(0);
    expect(disagreements.every((d) => d.side === 'egress' && d.intended === false && d.actual === true)).toBe(true);
    expect(new Set(disagreements.map((d) => d.nativeRule))).toEqual(
      new Set(['nsg-web rule AllowInternetOutBound (priority 65001)']),
    );
  });

  it('is deterministic, and maxFlows stops early with a prefix of the full answer', () => {
    // GIVEN the AWS web lost its egress rule to db
    const native = correctNative();
    native.aws.SecurityGroups[0]!.IpPermissionsEgress = [];
    const full = verify(policy, inventory, native);
    expect(verify(policy, inventory, native)).toEqual(full);
    expect(full.disagreements.map((d) => [d.flow.src, d.flow.dst, d.flow.port, d.side])).toEqual([
      ['aws:111:us-east-1:i-web', 'gcp:p1:us-east1-b:db-1', 5432, 'egress'],
    ]);
    // Pairs run in workload-id order: aws→azure (10 flows), then aws→gcp, where 5432 is the 7th port.
    const capped = verify(policy, inventory, native, { maxFlows: 17 });
    expect(capped).toMatchObject({ flows: 17, truncated: true, disagreements: full.disagreements });
    expect(verify(policy, inventory, native, { maxFlows: 16 }).disagreements).toEqual([]);
  });

  it('checks only the ports and extra addresses it is given', () => {
    const native = correctNative();
    const result = verify(policy, inventory, native, {
      ports: [{ protocol: 'tcp', port: 443 }],
      extraAddresses: ['192.168.10.77', '192.168.10.77'],
    });
    expect(result.flows).toBe(6 + 2 * 3 * 7);
    expect(result.disagreements).toEqual([]);
  });

  it('explainNative names the deciding rule of one side in one cloud', () => {
    const flow = {
      src: { address: '10.0.1.10' },
      dst: { address: '10.2.0.5', attachment: GCP_ATT },
      protocol: 'tcp' as const,
      port: 5432,
    };
    expect(explainNative(correctNative(), 'gcp', 'ingress', flow)).toMatchObject({
      allowed: true,
      by: 'firewall segsync-web-to-db (priority 1000, allow ingress tcp 5432)',
    });
    expect(
      explainNative(correctNative(), 'azure', 'egress', {
        src: { address: '10.1.1.10', attachment: AZ_IPC },
        dst: { address: '10.2.0.5' },
        protocol: 'tcp',
        port: 22,
      }),
    ).toMatchObject({ allowed: false, by: 'nsg-web rule deny-out (priority 4096)' });
  });
});
