import { describe, expect, it } from 'vitest';
import type {
  AwsIpPermission,
  AwsNetworkInterface,
  AwsSecurityGroup,
  AwsState,
} from '../../../core/model/native/aws.ts';
import { awsEgress, awsIngress, prepareAws } from '../../../core/verify/aws.ts';
import type { NativeFlow } from '../../../core/verify/flow.ts';

// Small, readable builders: only the fields the evaluator reads vary.
const perm = (p: Partial<AwsIpPermission> & { IpProtocol: string }): AwsIpPermission => ({
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
  ...p,
});
const sg = (
  GroupId: string,
  ingress: AwsIpPermission[],
  egress: AwsIpPermission[] = [],
  VpcId = 'vpc-1',
): AwsSecurityGroup => ({
  GroupId,
  GroupName: `${GroupId}-name`,
  Description: '',
  VpcId,
  OwnerId: '111',
  IpPermissions: ingress,
  IpPermissionsEgress: egress,
  Tags: [],
});
const eni = (id: string, ip: string, groups: string[], VpcId = 'vpc-1', ipv6: string[] = []): AwsNetworkInterface => ({
  NetworkInterfaceId: id,
  VpcId,
  SubnetId: 'subnet-1',
  AvailabilityZone: 'us-east-1a',
  OwnerId: '111',
  PrivateIpAddress: ip,
  PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
  Ipv6Addresses: ipv6.map((Ipv6Address) => ({ Ipv6Address })),
  Groups: groups.map((GroupId) => ({ GroupId, GroupName: `${GroupId}-name` })),
  TagSet: [],
});
const tcp = (port: number, cidr: string): AwsIpPermission =>
  perm({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] });
const to = (
  dst: string,
  attachment: string,
  from: string,
  port?: number,
  protocol: NativeFlow['protocol'] = 'tcp',
  srcEni?: string,
): NativeFlow => ({
  src: { address: from, ...(srcEni ? { attachment: srcEni } : {}) },
  dst: { address: dst, attachment },
  protocol,
  ...(port !== undefined ? { port } : {}),
});

describe('AWS: the rules of every security group on the ENI are one union of allows', () => {
  // GIVEN an ENI with two groups, each allowing a different port from a different range
  const state: AwsState = {
    SecurityGroups: [sg('sg-a', [tcp(443, '10.0.0.0/16')]), sg('sg-b', [tcp(22, '10.9.0.0/16')])],
    NetworkInterfaces: [eni('eni-web', '10.0.1.5', ['sg-a', 'sg-b'])],
    PrefixLists: [],
  };
  const aws = prepareAws(state);

  it('allows what either group allows, naming the group and rule', () => {
    expect(aws.ingress(to('10.0.1.5', 'eni-web', '10.0.7.7', 443))).toMatchObject({
      allowed: true,
      by: 'sg-a (sg-a-name) ingress tcp 443 from 10.0.0.0/16',
    });
    expect(aws.ingress(to('10.0.1.5', 'eni-web', '10.9.1.1', 22))).toMatchObject({
      allowed: true,
      by: 'sg-b (sg-b-name) ingress tcp 22 from 10.9.0.0/16',
    });
  });

  it("denies what no group allows (no rule combines one group's port with another's source)", () => {
    const v = aws.ingress(to('10.0.1.5', 'eni-web', '10.0.7.7', 22));
    expect(v.allowed).toBe(false);
    expect(v.by).toBe('implied deny ingress at eni-web (no rule of sg-a, sg-b allows it)');
  });

  it('the simple wrappers prepare and judge in one call', () => {
    expect(awsIngress(state, to('10.0.1.5', 'eni-web', '10.9.1.1', 22)).allowed).toBe(true);
    expect(
      awsEgress(state, {
        src: { address: '10.0.1.5', attachment: 'eni-web' },
        dst: { address: '10.0.7.7' },
        protocol: 'tcp',
        port: 443,
      }).allowed,
    ).toBe(false);
  });

  it('throws on an ENI the state does not hold (a programming error, not a verdict)', () => {
    expect(() => aws.ingress(to('10.0.1.5', 'eni-missing', '10.0.7.7', 443))).toThrow(/eni-missing/);
  });
});

describe('AWS: a prefix-list reference matches every entry of that list', () => {
  const state: AwsState = {
    SecurityGroups: [
      sg('sg-a', [
        perm({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-corp' }] }),
      ]),
    ],
    NetworkInterfaces: [eni('eni-web', '10.0.1.5', ['sg-a'])],
    PrefixLists: [
      {
        PrefixListId: 'pl-corp',
        PrefixListName: 'corp',
        AddressFamily: 'IPv4',
        MaxEntries: 5,
        Version: 3,
        OwnerId: '111',
        Tags: [],
        Entries: [{ Cidr: '192.168.0.0/24' }, { Cidr: '172.16.0.0/12' }],
      },
    ],
  };

  it.each([
    ['172.20.1.1', true],
    ['192.168.0.255', true],
    ['192.168.1.0', false],
  ])('source %s → %s', (src, allowed) => {
    const v = awsIngress(state, to('10.0.1.5', 'eni-web', src, 443));
    expect(v.allowed).toBe(allowed);
    if (allowed) expect(v.by).toBe('sg-a (sg-a-name) ingress tcp 443 from pl-corp');
  });
});

describe('AWS: a security-group reference needs a member ENI in the same VPC, sending from its own address', () => {
  // GIVEN db allows 5432 from members of sg-web; one member in the same VPC, one in another VPC
  const state: AwsState = {
    SecurityGroups: [
      sg('sg-db', [
        perm({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-web' }] }),
      ]),
      sg('sg-web', []),
    ],
    NetworkInterfaces: [
      eni('eni-db', '10.0.2.5', ['sg-db']),
      eni('eni-web', '10.0.1.5', ['sg-web'], 'vpc-1', ['2001:db8::15']),
      eni('eni-web-other-vpc', '10.0.1.6', ['sg-web'], 'vpc-2'),
      eni('eni-not-member', '10.0.1.7', []),
    ],
    PrefixLists: [],
  };
  const aws = prepareAws(state);

  it('allows a same-VPC member from its private address', () => {
    expect(aws.ingress(to('10.0.2.5', 'eni-db', '10.0.1.5', 5432, 'tcp', 'eni-web'))).toMatchObject({
      allowed: true,
      by: 'sg-db (sg-db-name) ingress tcp 5432 from sg-web',
    });
  });

  it.each([
    ['a member in another VPC', '10.0.1.6', 'eni-web-other-vpc'],
    ['a non-member', '10.0.1.7', 'eni-not-member'],
    ['a member sending from an address that is not its own', '10.0.1.99', 'eni-web'],
    ["the member's address without its attachment (e.g. seen from another cloud)", '10.0.1.5', undefined],
  ])('denies %s', (_what, src, srcEni) => {
    expect(aws.ingress(to('10.0.2.5', 'eni-db', src, 5432, 'tcp', srcEni)).allowed).toBe(false);
  });

  it("matches the member ENI's IPv6 address too", () => {
    expect(aws.ingress(to('10.0.2.5', 'eni-db', '2001:db8::15', 5432, 'tcp', 'eni-web')).allowed).toBe(true);
  });
});

describe('AWS: egress is judged at the source ENI against the destination', () => {
  const egress = (groups: AwsSecurityGroup[], dst: string, protocol: NativeFlow['protocol'] = 'tcp', port?: number) =>
    awsEgress(
      {
        SecurityGroups: groups,
        NetworkInterfaces: [
          eni(
            'eni-a',
            '10.0.1.5',
            groups.map((g) => g.GroupId),
            'vpc-1',
            ['2001:db8::5'],
          ),
        ],
        PrefixLists: [],
      },
      {
        src: { address: dst.includes(':') ? '2001:db8::5' : '10.0.1.5', attachment: 'eni-a' },
        dst: { address: dst },
        protocol,
        ...(port !== undefined ? { port } : {}),
      },
    );
  const defaultEgress = perm({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] });

  it('the default egress rule (-1 to 0.0.0.0/0) allows every IPv4 protocol and port, and no IPv6', () => {
    const groups = [sg('sg-default', [], [defaultEgress])];
    expect(egress(groups, '8.8.8.8', 'udp', 53)).toMatchObject({
      allowed: true,
      by: 'sg-default (sg-default-name) egress all to 0.0.0.0/0',
    });
    expect(egress(groups, '8.8.8.8', 'icmp').allowed).toBe(true);
    expect(egress(groups, '2001:db8::9', 'tcp', 443).allowed).toBe(false);
  });

  it('a group without egress rules sends nothing (the compiler revokes the default)', () => {
    expect(egress([sg('sg-a', [tcp(443, '0.0.0.0/0')], [])], '8.8.8.8', 'tcp', 443).by).toBe(
      'implied deny egress at eni-a (no rule of sg-a allows it)',
    );
  });

  it('port ranges are inclusive, and icmp / icmpv6 match their own family only', () => {
    const groups = [
      sg(
        'sg-a',
        [],
        [
          perm({ IpProtocol: 'tcp', FromPort: 8000, ToPort: 8100, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
          perm({
            IpProtocol: 'icmp',
            FromPort: -1,
            ToPort: -1,
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
            Ipv6Ranges: [{ CidrIpv6: '::/0' }],
          }),
        ],
      ),
    ];
    expect([8000, 8100, 8101, 7999].map((p) => egress(groups, '1.2.3.4', 'tcp', p).allowed)).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(egress(groups, '1.2.3.4', 'udp', 8000).allowed).toBe(false);
    expect(egress(groups, '1.2.3.4', 'icmp').allowed).toBe(true);
    expect(egress(groups, '2001:db8::9', 'icmp').allowed).toBe(false);
    const v6 = [
      sg('sg-b', [], [perm({ IpProtocol: 'icmpv6', FromPort: -1, ToPort: -1, Ipv6Ranges: [{ CidrIpv6: '::/0' }] })]),
    ];
    expect(egress(v6, '2001:db8::9', 'icmp')).toMatchObject({
      allowed: true,
      by: 'sg-b (sg-b-name) egress icmpv6 to ::/0',
    });
  });
});
