import { describe, expect, it } from 'vitest';
import { SandboxAws } from '../../../adapters/sandbox/aws.ts';
import { loadEstate } from '../../../adapters/sandbox/estate.ts';
import { OTHER_SCOPE, SCOPE, estateOf, expectCode, group, instance, sandbox, smallEstate, tcp } from './aws-helpers.ts';

describe('SandboxAws seeded from an estate', () => {
  it('GIVEN the example estate THEN every VPC has a default group: all inbound from itself, all outbound (::/0 only with IPv6)', async () => {
    const aws = SandboxAws.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
    const defaults = aws.snapshot().SecurityGroups.filter((g) => g.GroupName === 'default');
    expect(defaults.map((g) => g.VpcId).sort()).toEqual(['vpc-shop-dev', 'vpc-shop-prod']);
    for (const g of defaults) {
      expect(g.IpPermissions).toEqual([
        {
          IpProtocol: '-1',
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [{ GroupId: g.GroupId, UserId: g.OwnerId }],
        },
      ]);
      const v6 = g.VpcId === 'vpc-shop-prod' ? [{ CidrIpv6: '::/0' }] : [];
      expect(g.IpPermissionsEgress).toEqual([
        {
          IpProtocol: '-1',
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: v6,
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ]);
    }
    expect(aws.scopes()).toEqual([
      { account: '111111111111', region: 'eu-west-1' },
      { account: '222222222222', region: 'eu-west-1' },
    ]);
  });

  it('GIVEN instances THEN each has a primary ENI with its address, in the default group unless the estate names groups', async () => {
    const aws = SandboxAws.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
    const ec2 = aws.api(SCOPE);
    const instances = await ec2.describeInstances();
    const enis = await ec2.describeNetworkInterfaces();
    const web1 = instances.find((i) => i.InstanceId === 'i-prod-web1')!;
    const eni = enis.find((e) => e.NetworkInterfaceId === web1.NetworkInterfaces[0]!.NetworkInterfaceId)!;
    expect(eni).toMatchObject({
      VpcId: 'vpc-shop-prod',
      PrivateIpAddress: '10.10.1.10',
      Ipv6Addresses: [{ Ipv6Address: '2001:db8:10:1::10' }],
      Attachment: { InstanceId: 'i-prod-web1', DeviceIndex: 0 },
      Groups: [{ GroupName: 'default' }],
    });
    expect(web1.Tags).toContainEqual({ Key: 'App', Value: 'shop' });
    const bastion = enis.find((e) => e.Attachment?.InstanceId === 'i-bastion')!;
    expect(bastion.Groups).toEqual([{ GroupId: 'sg-legacy-ssh', GroupName: 'legacy-ssh' }]);
  });

  it('GIVEN a foreign group in the estate THEN it exists as given, with AWS default egress when none is given', async () => {
    const ec2 = SandboxAws.fromEstate(loadEstate('examples/hybrid-estate.yaml')).api(SCOPE);
    const [legacy] = await ec2.describeSecurityGroups({ GroupIds: ['sg-legacy-ssh'] });
    expect(legacy!.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: '192.0.2.0/24' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    expect(legacy!.IpPermissionsEgress[0]!.IpRanges).toEqual([{ CidrIp: '0.0.0.0/0' }]);
  });

  it('GIVEN extra nics and a terminated instance THEN nics get device indexes 1..n and the terminated one has no ENI', async () => {
    const estate = estateOf({
      aws: [
        instance('i-multi', '10.0.0.1', {
          nics: [
            { id: 'eni-custom', ip: '10.0.0.2' },
            { ip: '10.0.0.3', ipv6: '2001:DB8::3' },
          ],
        }),
        instance('i-gone', '10.0.0.9', { state: 'terminated' }),
      ],
    });
    const ec2 = SandboxAws.fromEstate(estate).api(SCOPE);
    const multi = (await ec2.describeInstances()).find((i) => i.InstanceId === 'i-multi')!;
    expect(multi.NetworkInterfaces.map((n) => n.Attachment.DeviceIndex)).toEqual([0, 1, 2]);
    expect(multi.NetworkInterfaces[1]!.NetworkInterfaceId).toBe('eni-custom');
    const third = await ec2.describeNetworkInterfaces({
      NetworkInterfaceIds: [multi.NetworkInterfaces[2]!.NetworkInterfaceId],
    });
    expect(third[0]!.Ipv6Addresses).toEqual([{ Ipv6Address: '2001:db8::3' }]);
    const gone = (await ec2.describeInstances()).find((i) => i.InstanceId === 'i-gone')!;
    expect(gone).toMatchObject({ State: { Name: 'terminated' }, NetworkInterfaces: [] });
  });

  it('GIVEN the same estate twice THEN the snapshots are identical JSON (deterministic ids and order)', () => {
    const a = SandboxAws.fromEstate(loadEstate('examples/hybrid-estate.yaml')).snapshot();
    const b = SandboxAws.fromEstate(loadEstate('examples/hybrid-estate.yaml')).snapshot();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.SecurityGroups.map((g) => g.GroupId)).toEqual([...a.SecurityGroups.map((g) => g.GroupId)].sort());
    expect(a.NetworkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual(
      [...a.NetworkInterfaces.map((e) => e.NetworkInterfaceId)].sort(),
    );
  });

  it('GIVEN the same calls on two sandboxes THEN created ids match', async () => {
    const ids = async (): Promise<string> => {
      const { ec2 } = sandbox();
      return group(ec2);
    };
    expect(await ids()).toBe(await ids());
  });

  it('GIVEN a group that exceeds the per-ENI limit in the estate THEN fromEstate refuses it', () => {
    const groups = ['sg-a1', 'sg-a2'].map((id) => ({ id, account: SCOPE.account, region: SCOPE.region, vpc: 'vpc-a' }));
    const estate = estateOf({
      awsSecurityGroups: groups,
      aws: [instance('i-1', '10.0.0.1', { securityGroups: ['sg-a1', 'sg-a2'] })],
    });
    expect(() => SandboxAws.fromEstate(estate, { limits: { groupsPerInterface: 1 } })).toThrow(
      /more than the limit of 1/,
    );
  });

  it('GIVEN limits whose rules × groups-per-ENI exceed 1,000 THEN the sandbox refuses them (AWS caps the product)', () => {
    expect(() =>
      SandboxAws.fromEstate(smallEstate(), {
        limits: { rulesPerGroupPerDirectionPerFamily: 200, groupsPerInterface: 6 },
      }),
    ).toThrow(RangeError);
    expect(() =>
      SandboxAws.fromEstate(smallEstate(), {
        limits: { rulesPerGroupPerDirectionPerFamily: 200, groupsPerInterface: 5 },
      }),
    ).not.toThrow();
  });
});

describe('SandboxEc2 returns and keeps copies', () => {
  it('GIVEN a described group WHEN the caller mutates it THEN the sandbox state is unchanged', async () => {
    const { ec2 } = sandbox();
    const [group] = await ec2.describeSecurityGroups();
    group!.IpPermissionsEgress.length = 0;
    group!.GroupName = 'hacked';
    const [again] = await ec2.describeSecurityGroups();
    expect(again!.GroupName).toBe('default');
    expect(again!.IpPermissionsEgress).toHaveLength(1);
  });

  it('GIVEN tags passed to create WHEN the caller later mutates its array THEN the stored tags are unchanged', async () => {
    const { ec2 } = sandbox();
    const tags = [{ Key: 'segsync:owner', Value: 'demo' }];
    const { GroupId } = await ec2.createSecurityGroup({
      GroupName: 'web',
      Description: 'web',
      VpcId: 'vpc-a',
      Tags: tags,
    });
    tags[0]!.Value = 'changed';
    tags.push({ Key: 'x', Value: 'y' });
    const [group] = await ec2.describeSecurityGroups({ GroupIds: [GroupId] });
    expect(group!.Tags).toEqual([{ Key: 'segsync:owner', Value: 'demo' }]);
  });

  it('GIVEN a snapshot WHEN mutated THEN the next snapshot is unchanged', () => {
    const { aws } = sandbox();
    aws.snapshot().NetworkInterfaces[0]!.Groups.length = 0;
    expect(aws.snapshot().NetworkInterfaces[0]!.Groups).toHaveLength(1);
  });
});

describe('CreateSecurityGroup', () => {
  it('GIVEN an IPv4 VPC WHEN a group is created THEN it has no inbound and one allow-all outbound rule, and its tags', async () => {
    const { ec2 } = sandbox();
    const { GroupId } = await ec2.createSecurityGroup({
      GroupName: 'segsync-web',
      Description: 'web tier',
      VpcId: 'vpc-a',
      Tags: [{ Key: 'segsync:deployment', Value: 'd1' }],
    });
    const [g] = await ec2.describeSecurityGroups({ GroupIds: [GroupId] });
    expect(g).toMatchObject({
      GroupName: 'segsync-web',
      Description: 'web tier',
      VpcId: 'vpc-a',
      OwnerId: SCOPE.account,
      IpPermissions: [],
      Tags: [{ Key: 'segsync:deployment', Value: 'd1' }],
    });
    expect(g!.IpPermissionsEgress).toEqual([
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    expect(GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
  });

  it('GIVEN an IPv6 VPC WHEN a group is created THEN outbound allows ::/0 too', async () => {
    const { ec2 } = sandbox();
    const { GroupId } = await ec2.createSecurityGroup({ GroupName: 'b', Description: 'b', VpcId: 'vpc-b', Tags: [] });
    const [g] = await ec2.describeSecurityGroups({ GroupIds: [GroupId] });
    expect(g!.IpPermissionsEgress[0]!.Ipv6Ranges).toEqual([{ CidrIpv6: '::/0' }]);
  });

  it('GIVEN a name used in the VPC WHEN created again THEN InvalidGroup.Duplicate; the same name in another VPC is fine', async () => {
    const { ec2 } = sandbox();
    await ec2.createSecurityGroup({ GroupName: 'web', Description: 'web', VpcId: 'vpc-a', Tags: [] });
    await expectCode(
      ec2.createSecurityGroup({ GroupName: 'web', Description: 'again', VpcId: 'vpc-a', Tags: [] }),
      'InvalidGroup.Duplicate',
    );
    await expectCode(
      ec2.createSecurityGroup({ GroupName: 'default', Description: 'x', VpcId: 'vpc-a', Tags: [] }),
      'InvalidGroup.Duplicate',
    );
    await expect(
      ec2.createSecurityGroup({ GroupName: 'web', Description: 'web', VpcId: 'vpc-b', Tags: [] }),
    ).resolves.toHaveProperty('GroupId');
  });

  it.each([
    ['sg-web', 'a name starting with sg-'],
    ['x'.repeat(256), 'a 256-character name'],
    ['wéb', 'a non-ASCII character'],
    ['', 'an empty name'],
  ])('GIVEN %s (%s) THEN InvalidParameterValue', async (name) => {
    const { ec2 } = sandbox();
    await expectCode(
      ec2.createSecurityGroup({ GroupName: name, Description: 'd', VpcId: 'vpc-a', Tags: [] }),
      'InvalidParameterValue',
    );
    expect(await ec2.describeSecurityGroups()).toHaveLength(2);
  });

  it('GIVEN bad tags THEN the group is refused', async () => {
    const { ec2 } = sandbox();
    await expectCode(
      ec2.createSecurityGroup({
        GroupName: 'w',
        Description: 'd',
        VpcId: 'vpc-a',
        Tags: [{ Key: 'aws:x', Value: 'y' }],
      }),
      'InvalidParameterValue',
    );
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectCode(
      ec2.createSecurityGroup({ GroupName: 'w', Description: 'd', VpcId: 'vpc-a', Tags: many }),
      'TagLimitExceeded',
    );
  });

  it('GIVEN a VPC of another account or unknown THEN InvalidVpcID.NotFound', async () => {
    const { ec2 } = sandbox();
    await expectCode(
      ec2.createSecurityGroup({ GroupName: 'w', Description: 'd', VpcId: 'vpc-c', Tags: [] }),
      'InvalidVpcID.NotFound',
    );
    await expectCode(
      ec2.createSecurityGroup({ GroupName: 'w', Description: 'd', VpcId: 'vpc-nope', Tags: [] }),
      'InvalidVpcID.NotFound',
    );
  });

  it('GIVEN the Region limit is reached THEN SecurityGroupLimitExceeded', async () => {
    const { ec2 } = sandbox({ limits: { groupsPerRegion: 3 } });
    await ec2.createSecurityGroup({ GroupName: 'one', Description: 'd', VpcId: 'vpc-a', Tags: [] });
    await expectCode(
      ec2.createSecurityGroup({ GroupName: 'two', Description: 'd', VpcId: 'vpc-a', Tags: [] }),
      'SecurityGroupLimitExceeded',
    );
  });
});

describe('DeleteSecurityGroup', () => {
  it('GIVEN a group on an ENI THEN DependencyViolation; after moving the ENI off it THEN it is deleted', async () => {
    const { ec2 } = sandbox();
    const { GroupId } = await ec2.createSecurityGroup({ GroupName: 'web', Description: 'd', VpcId: 'vpc-a', Tags: [] });
    const eni = (await ec2.describeInstances()).find((i) => i.InstanceId === 'i-web')!.NetworkInterfaces[0]!
      .NetworkInterfaceId;
    const defaultId = (await ec2.describeNetworkInterfaces({ NetworkInterfaceIds: [eni] }))[0]!.Groups[0]!.GroupId;
    await ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: [GroupId] });
    await expectCode(ec2.deleteSecurityGroup({ GroupId }), 'DependencyViolation');
    await ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: [defaultId] });
    await ec2.deleteSecurityGroup({ GroupId });
    await expectCode(ec2.describeSecurityGroups({ GroupIds: [GroupId] }), 'InvalidGroup.NotFound');
  });

  it("GIVEN a group referenced by another group's rule THEN DependencyViolation; a self-reference does not block", async () => {
    const { ec2 } = sandbox();
    const db = await group(ec2, 'db');
    const app = await group(ec2, 'app');
    await ec2.authorizeSecurityGroupEgress({ GroupId: db, IpPermissions: [tcp(8080, { sg: [app] })] });
    await ec2.authorizeSecurityGroupIngress({ GroupId: app, IpPermissions: [tcp(9000, { sg: [app] })] });
    await expectCode(ec2.deleteSecurityGroup({ GroupId: app }), 'DependencyViolation');
    await ec2.deleteSecurityGroup({ GroupId: db });
    await ec2.deleteSecurityGroup({ GroupId: app });
  });

  it('GIVEN the default group THEN CannotDelete; GIVEN an unknown id THEN InvalidGroup.NotFound', async () => {
    const { ec2 } = sandbox();
    const def = (await ec2.describeSecurityGroups()).find((g) => g.GroupName === 'default')!;
    await expectCode(ec2.deleteSecurityGroup({ GroupId: def.GroupId }), 'CannotDelete');
    await expectCode(ec2.deleteSecurityGroup({ GroupId: 'sg-0000000000000dead' }), 'InvalidGroup.NotFound');
  });
});

describe('ModifyNetworkInterfaceAttribute (Groups)', () => {
  async function setup(limits = {}) {
    const { ec2, aws } = sandbox({ limits });
    const eni = (await ec2.describeInstances()).find((i) => i.InstanceId === 'i-web')!.NetworkInterfaces[0]!
      .NetworkInterfaceId;
    const make = (name: string, vpc = 'vpc-a') => group(ec2, name, vpc);
    const groupsOf = async () =>
      (await ec2.describeNetworkInterfaces({ NetworkInterfaceIds: [eni] }))[0]!.Groups.map((g) => g.GroupId);
    return { ec2, aws, eni, make, groupsOf };
  }

  it('GIVEN an ENI WHEN its groups are set THEN the whole set is replaced', async () => {
    const { ec2, eni, make, groupsOf } = await setup();
    const [a, b] = [await make('a'), await make('b')];
    await ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: [a, b] });
    expect(await groupsOf()).toEqual([a, b]);
    await ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: [b] });
    expect(await groupsOf()).toEqual([b]);
  });

  it('GIVEN invalid group sets THEN each is refused with its code and the ENI keeps its groups', async () => {
    const { ec2, eni, make, groupsOf } = await setup();
    const before = await groupsOf();
    const other = await make('other', 'vpc-b');
    await expectCode(
      ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: [] }),
      'InvalidParameterCombination',
    );
    await expectCode(
      ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: [other] }),
      'InvalidGroup.NotFound',
    );
    await expectCode(
      ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: ['sg-0000000000000dead'] }),
      'InvalidGroup.NotFound',
    );
    await expectCode(
      ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: 'eni-nope', Groups: before }),
      'InvalidNetworkInterfaceID.NotFound',
    );
    expect(await groupsOf()).toEqual(before);
  });

  it('GIVEN six groups THEN SecurityGroupsPerInterfaceLimitExceeded; with the limit raised to 6 THEN accepted', async () => {
    for (const [limits, ok] of [
      [{}, false],
      [{ groupsPerInterface: 6 }, true],
    ] as const) {
      const { ec2, eni, make, groupsOf } = await setup(limits);
      const six = [];
      for (let i = 0; i < 6; i++) six.push(await make(`g${i}`));
      const call = ec2.modifyNetworkInterfaceAttribute({ NetworkInterfaceId: eni, Groups: six });
      if (ok) await call;
      else await expectCode(call, 'SecurityGroupsPerInterfaceLimitExceeded');
      expect((await groupsOf()).length).toBe(ok ? 6 : 1);
    }
  });
});

describe('Scopes, tags and faults', () => {
  it('GIVEN a group in one account THEN it does not exist in another', async () => {
    const { aws, ec2 } = sandbox();
    const { GroupId } = await ec2.createSecurityGroup({ GroupName: 'w', Description: 'd', VpcId: 'vpc-a', Tags: [] });
    await expectCode(aws.api(OTHER_SCOPE).describeSecurityGroups({ GroupIds: [GroupId] }), 'InvalidGroup.NotFound');
    expect((await aws.api(OTHER_SCOPE).describeInstances()).map((i) => i.InstanceId)).toEqual(['i-other']);
  });

  it('GIVEN a user re-tags an instance THEN DescribeInstances shows set and removed tags', async () => {
    const { aws, ec2 } = sandbox();
    aws.tagInstance(SCOPE, 'i-web', { App: 'shop2', Tier: 'web', Missing: null });
    aws.tagInstance(SCOPE, 'i-web', { App: null });
    const web = (await ec2.describeInstances()).find((i) => i.InstanceId === 'i-web')!;
    expect(web.Tags).toEqual([{ Key: 'Tier', Value: 'web' }]);
    expect(() => aws.tagInstance(SCOPE, 'i-nope', { a: 'b' })).toThrow(
      expect.objectContaining({ code: 'InvalidInstanceID.NotFound' }),
    );
  });

  it('GIVEN a throttling plan WHEN the throttled call is a create THEN RequestLimitExceeded (503) and nothing is created', async () => {
    const { ec2 } = sandbox({ faults: { throttleEvery: 2 } });
    await ec2.describeSecurityGroups();
    await expectCode(
      ec2.createSecurityGroup({ GroupName: 'w', Description: 'd', VpcId: 'vpc-a', Tags: [] }),
      'RequestLimitExceeded',
      503,
    );
    expect((await ec2.describeSecurityGroups()).map((g) => g.GroupName)).toEqual(['default', 'default']);
    await expect(
      ec2.createSecurityGroup({ GroupName: 'w', Description: 'd', VpcId: 'vpc-a', Tags: [] }),
    ).rejects.toMatchObject({ code: 'RequestLimitExceeded' });
  });

  it('GIVEN a failure plan limited to one operation THEN only that operation fails, with InternalError (500)', async () => {
    const { ec2 } = sandbox({ faults: { failEvery: 1, operations: ['DeleteSecurityGroup'] } });
    const { GroupId } = await ec2.createSecurityGroup({ GroupName: 'w', Description: 'd', VpcId: 'vpc-a', Tags: [] });
    await expectCode(ec2.deleteSecurityGroup({ GroupId }), 'InternalError', 500);
    expect(await ec2.describeSecurityGroups({ GroupIds: [GroupId] })).toHaveLength(1);
  });
});
