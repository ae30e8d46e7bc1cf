import { describe, expect, it } from 'vitest';
import type { SandboxEc2 } from '../../../adapters/sandbox/aws.ts';
import { cidrs4, cidrs6, expectCode, group, perm, sandbox, tcp } from './aws-helpers.ts';

async function ingressOf(ec2: SandboxEc2, id: string) {
  return (await ec2.describeSecurityGroups({ GroupIds: [id] }))[0]!.IpPermissions;
}
async function egressOf(ec2: SandboxEc2, id: string) {
  return (await ec2.describeSecurityGroups({ GroupIds: [id] }))[0]!.IpPermissionsEgress;
}

describe('AuthorizeSecurityGroupIngress/Egress', () => {
  it('GIVEN several peers per permission WHEN authorized THEN describe groups them by protocol and ports', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    const app = await group(ec2, 'app');
    await ec2.authorizeSecurityGroupIngress({
      GroupId: web,
      IpPermissions: [
        tcp(443, { cidr: ['10.0.0.0/8', '192.168.10.0/24'], description: 'https' }),
        tcp(8080, { sg: [app] }),
      ],
    });
    await ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(443, { cidr6: ['2001:db8::/32'] })] });
    expect(await ingressOf(ec2, web)).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [
          { CidrIp: '10.0.0.0/8', Description: 'https' },
          { CidrIp: '192.168.10.0/24', Description: 'https' },
        ],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
      {
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8080,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: app, UserId: '111111111111' }],
      },
    ]);
  });

  it('GIVEN an existing rule WHEN a call repeats it among new rules THEN InvalidPermission.Duplicate and nothing of the call applies', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(443, { cidr: ['10.0.0.0/8'] })] });
    await expectCode(
      ec2.authorizeSecurityGroupIngress({
        GroupId: web,
        IpPermissions: [tcp(22, { cidr: ['10.1.0.0/16'] }), tcp(443, { cidr: ['10.0.0.0/8'] })],
      }),
      'InvalidPermission.Duplicate',
    );
    expect((await ingressOf(ec2, web)).map((p) => p.FromPort)).toEqual([443]);
  });

  it('GIVEN the same rule with another description THEN it is still a duplicate (descriptions do not make rules distinct)', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupEgress({
      GroupId: web,
      IpPermissions: [tcp(5432, { cidr: ['10.0.2.0/24'], description: 'db' })],
    });
    await expectCode(
      ec2.authorizeSecurityGroupEgress({
        GroupId: web,
        IpPermissions: [tcp(5432, { cidr: ['10.0.2.0/24'], description: 'other' })],
      }),
      'InvalidPermission.Duplicate',
    );
  });

  it('GIVEN the same rule twice in one call THEN InvalidParameterValue and nothing applies', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await expectCode(
      ec2.authorizeSecurityGroupIngress({
        GroupId: web,
        IpPermissions: [tcp(22, { cidr: ['10.0.0.0/8'] }), tcp(80, { cidr: ['10.0.0.0/8', '10.0.0.0/8'] })],
      }),
      'InvalidParameterValue',
    );
    expect(await ingressOf(ec2, web)).toEqual([]);
  });

  it('GIVEN an egress rule equal to the default allow-all THEN InvalidPermission.Duplicate', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await expectCode(
      ec2.authorizeSecurityGroupEgress({
        GroupId: web,
        IpPermissions: [perm('-1', undefined, undefined, { cidr: ['0.0.0.0/0'] })],
      }),
      'InvalidPermission.Duplicate',
    );
  });

  it('GIVEN missing or foreign references THEN InvalidGroup.NotFound / InvalidPrefixListID.NotFound and nothing applies', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    const otherVpc = await group(ec2, 'b', 'vpc-b');
    const call = (p: ReturnType<typeof tcp>) =>
      ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(1, { cidr: ['10.0.0.0/8'] }), p] });
    await expectCode(call(tcp(2, { sg: ['sg-0000000000000dead'] })), 'InvalidGroup.NotFound');
    await expectCode(call(tcp(2, { sg: [otherVpc] })), 'InvalidGroup.NotFound');
    await expectCode(call(tcp(2, { pl: ['pl-0000000000000dead'] })), 'InvalidPrefixListID.NotFound');
    await expectCode(
      ec2.authorizeSecurityGroupIngress({
        GroupId: 'sg-0000000000000dead',
        IpPermissions: [tcp(1, { cidr: ['10.0.0.0/8'] })],
      }),
      'InvalidGroup.NotFound',
    );
    expect(await ingressOf(ec2, web)).toEqual([]);
  });

  it.each([
    ['tcp FromPort > ToPort', perm('tcp', 90, 80, { cidr: ['10.0.0.0/8'] })],
    ['tcp port 65536', perm('tcp', 1, 65536, { cidr: ['10.0.0.0/8'] })],
    ['tcp without ports', perm('tcp', undefined, undefined, { cidr: ['10.0.0.0/8'] })],
    ['udp port -1', perm('udp', -1, -1, { cidr: ['10.0.0.0/8'] })],
    ['icmp all types with one code', perm('icmp', -1, 0, { cidr: ['10.0.0.0/8'] })],
    ['icmp type 256', perm('icmp', 256, -1, { cidr: ['10.0.0.0/8'] })],
    ['an unknown protocol', perm('tcpp', 1, 1, { cidr: ['10.0.0.0/8'] })],
    ['an IPv6 CIDR in IpRanges', perm('tcp', 1, 1, { cidr: ['2001:db8::/32'] })],
    ['an IPv4 CIDR in Ipv6Ranges', perm('tcp', 1, 1, { cidr6: ['10.0.0.0/8'] })],
    ['a CIDR with host bits', perm('tcp', 1, 1, { cidr: ['10.0.0.1/8'] })],
    ["a description with '&'", perm('tcp', 1, 1, { cidr: ['10.0.0.0/8'], description: 'a & b' })],
  ])('GIVEN %s THEN InvalidParameterValue', async (_what, p) => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await expectCode(ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [p] }), 'InvalidParameterValue');
    expect(await ingressOf(ec2, web)).toEqual([]);
  });

  it('GIVEN protocol numbers and all-port protocols THEN they are stored as EC2 describes them', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({
      GroupId: web,
      IpPermissions: [
        perm('6', 22, 22, { cidr: ['10.0.0.0/8'] }),
        perm('-1', 5, 6, { cidr: ['10.1.0.0/16'] }),
        perm('icmp', 8, -1, { cidr: ['10.2.0.0/16'] }),
        perm('icmpv6', undefined, undefined, { cidr6: ['2001:db8::/32'] }),
        perm('50', 1, 2, { cidr: ['10.3.0.0/16'] }),
      ],
    });
    expect((await ingressOf(ec2, web)).map((p) => [p.IpProtocol, p.FromPort, p.ToPort])).toEqual([
      ['tcp', 22, 22],
      ['-1', undefined, undefined],
      ['icmp', 8, -1],
      ['icmpv6', -1, -1],
      ['50', undefined, undefined],
    ]);
  });
});

describe('Rules per security group quota', () => {
  it('GIVEN 60 IPv4 rules THEN the 61st fails with RulesPerSecurityGroupLimitExceeded and nothing of that call applies', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(443, { cidr: cidrs4(60) })] });
    await expectCode(
      ec2.authorizeSecurityGroupIngress({
        GroupId: web,
        IpPermissions: [tcp(22, { cidr6: ['2001:db8::/32'] }), tcp(22, { cidr: cidrs4(1, 60) })],
      }),
      'RulesPerSecurityGroupLimitExceeded',
    );
    expect((await ingressOf(ec2, web)).map((p) => p.FromPort)).toEqual([443]);
  });

  it('GIVEN 60 IPv4 rules THEN 60 IPv6 rules still fit, and egress has its own 60', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({
      GroupId: web,
      IpPermissions: [tcp(443, { cidr: cidrs4(60), cidr6: cidrs6(60) })],
    });
    await ec2.authorizeSecurityGroupEgress({ GroupId: web, IpPermissions: [tcp(443, { cidr: cidrs4(59) })] });
    expect((await egressOf(ec2, web)).flatMap((p) => p.IpRanges)).toHaveLength(60);
    await expectCode(
      ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(1, { cidr6: ['2001:db8:1::/48'] })] }),
      'RulesPerSecurityGroupLimitExceeded',
    );
  });

  it('GIVEN a group reference THEN it counts one rule in BOTH families', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(443, { cidr6: cidrs6(59) })] });
    await ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(443, { sg: [web] })] });
    await expectCode(
      ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(444, { sg: [web] })] }),
      'RulesPerSecurityGroupLimitExceeded',
    );
  });

  it('GIVEN a prefix list with MaxEntries 50 and 2 entries THEN a reference to it weighs 50, not 2', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    const { PrefixListId } = await ec2.createManagedPrefixList({
      PrefixListName: 'mainframe',
      AddressFamily: 'IPv4',
      MaxEntries: 50,
      Entries: [{ Cidr: '10.50.0.0/16' }, { Cidr: '10.51.0.0/16' }],
      Tags: [],
    });
    await ec2.authorizeSecurityGroupIngress({
      GroupId: web,
      IpPermissions: [tcp(1414, { pl: [PrefixListId] }), tcp(22, { cidr: cidrs4(10) })],
    });
    await expectCode(
      ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(23, { cidr: cidrs4(1, 10) })] }),
      'RulesPerSecurityGroupLimitExceeded',
    );
    await expectCode(
      ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(23, { cidr6: cidrs6(11) })] }),
      'RulesPerSecurityGroupLimitExceeded',
    );
  });

  it('GIVEN a configured limit of 5 THEN the 6th rule fails', async () => {
    const { ec2 } = sandbox({ limits: { rulesPerGroupPerDirectionPerFamily: 5 } });
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(1, { cidr: cidrs4(5) })] });
    await expectCode(
      ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(2, { cidr: cidrs4(1) })] }),
      'RulesPerSecurityGroupLimitExceeded',
    );
  });
});

describe('RevokeSecurityGroupIngress/Egress', () => {
  it('GIVEN a rule with a description WHEN revoked without it THEN it is removed', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({
      GroupId: web,
      IpPermissions: [tcp(443, { cidr: ['10.0.0.0/8', '10.1.0.0/16'], description: 'https' })],
    });
    await ec2.revokeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(443, { cidr: ['10.0.0.0/8'] })] });
    expect((await ingressOf(ec2, web))[0]!.IpRanges).toEqual([{ CidrIp: '10.1.0.0/16', Description: 'https' }]);
  });

  it('GIVEN one present and one absent rule WHEN revoked together THEN InvalidPermission.NotFound and nothing is revoked', async () => {
    const { ec2 } = sandbox();
    const web = await group(ec2);
    await ec2.authorizeSecurityGroupIngress({ GroupId: web, IpPermissions: [tcp(443, { cidr: ['10.0.0.0/8'] })] });
    await expectCode(
      ec2.revokeSecurityGroupIngress({
        GroupId: web,
        IpPermissions: [tcp(443, { cidr: ['10.0.0.0/8'] }), tcp(80, { cidr: ['10.0.0.0/8'] })],
      }),
      'InvalidPermission.NotFound',
    );
    expect(await ingressOf(ec2, web)).toHaveLength(1);
  });

  it('GIVEN a new group WHEN its default egress is revoked THEN it has no outbound rules (default-deny egress)', async () => {
    const { ec2 } = sandbox();
    const b = await group(ec2, 'b', 'vpc-b');
    await ec2.revokeSecurityGroupEgress({
      GroupId: b,
      IpPermissions: [perm('-1', undefined, undefined, { cidr: ['0.0.0.0/0'], cidr6: ['::/0'] })],
    });
    expect(await egressOf(ec2, b)).toEqual([]);
    await expectCode(
      ec2.revokeSecurityGroupEgress({
        GroupId: b,
        IpPermissions: [perm('-1', undefined, undefined, { cidr: ['0.0.0.0/0'] })],
      }),
      'InvalidPermission.NotFound',
    );
  });
});
