import { describe, expect, it } from 'vitest';
import type { ModifyInput } from '../../../adapters/sandbox/aws-prefix-lists.ts';
import type { SandboxEc2 } from '../../../adapters/sandbox/aws.ts';
import { cidrs4, expectCode, group, sandbox, tcp } from './aws-helpers.ts';

type Entry = { Cidr: string; Description?: string };

async function list(
  ec2: SandboxEc2,
  maxEntries = 10,
  entries: Entry[] = [{ Cidr: '10.50.0.0/16' }],
  family: 'IPv4' | 'IPv6' = 'IPv4',
) {
  return ec2.createManagedPrefixList({
    PrefixListName: 'mainframe',
    AddressFamily: family,
    MaxEntries: maxEntries,
    Entries: entries,
    Tags: [{ Key: 'segsync:owner', Value: 'd1' }],
  });
}
async function read(ec2: SandboxEc2, id: string) {
  return (await ec2.describeManagedPrefixLists()).find((p) => p.PrefixListId === id)!;
}

describe('CreateManagedPrefixList', () => {
  it('GIVEN a valid list THEN it starts at Version 1 with its entries, size, owner and tags', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId, Version } = await list(ec2, 10, [{ Cidr: '10.50.0.0/16', Description: 'mainframe' }]);
    expect(Version).toBe(1);
    expect(PrefixListId).toMatch(/^pl-[0-9a-f]{17}$/);
    expect(await read(ec2, PrefixListId)).toEqual({
      PrefixListId,
      PrefixListName: 'mainframe',
      AddressFamily: 'IPv4',
      MaxEntries: 10,
      Version: 1,
      OwnerId: '111111111111',
      Tags: [{ Key: 'segsync:owner', Value: 'd1' }],
      Entries: [{ Cidr: '10.50.0.0/16', Description: 'mainframe' }],
    });
  });

  it.each([
    ['MaxEntries 1001', 1001, [{ Cidr: '10.50.0.0/16' }], 'IPv4', 'InvalidParameterValue'],
    ['MaxEntries 0', 0, [], 'IPv4', 'InvalidParameterValue'],
    [
      'more entries than MaxEntries',
      1,
      [{ Cidr: '10.50.0.0/16' }, { Cidr: '10.51.0.0/16' }],
      'IPv4',
      'PrefixListMaxEntriesExceeded',
    ],
    ['an IPv6 entry in an IPv4 list', 5, [{ Cidr: '2001:db8::/32' }], 'IPv4', 'InvalidParameterValue'],
    ['an IPv4 entry in an IPv6 list', 5, [{ Cidr: '10.0.0.0/8' }], 'IPv6', 'InvalidParameterValue'],
    ['a duplicate entry', 5, [{ Cidr: '10.0.0.0/8' }, { Cidr: '10.0.0.0/8' }], 'IPv4', 'InvalidParameterValue'],
  ] as const)('GIVEN %s THEN %s and no list is created', async (_what, max, entries, family, code) => {
    const { ec2 } = sandbox();
    await expectCode(list(ec2, max, [...entries], family), code);
    expect(await ec2.describeManagedPrefixLists()).toEqual([]);
  });

  it('GIVEN a reserved name or the Region quota reached THEN it is refused', async () => {
    const { ec2 } = sandbox({ limits: { prefixListsPerRegion: 1 } });
    await expectCode(
      ec2.createManagedPrefixList({
        PrefixListName: 'com.amazonaws.x',
        AddressFamily: 'IPv4',
        MaxEntries: 1,
        Entries: [],
        Tags: [],
      }),
      'InvalidParameterValue',
    );
    await list(ec2);
    await expectCode(list(ec2), 'ResourceLimitExceeded');
  });
});

describe('ModifyManagedPrefixList entries', () => {
  it('GIVEN a list WHEN entries are added and removed with the right CurrentVersion THEN they change and Version goes up by one', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2);
    const { Version } = await ec2.modifyManagedPrefixList({
      PrefixListId,
      CurrentVersion: 1,
      AddEntries: [{ Cidr: '10.51.0.0/16' }],
      RemoveEntries: [{ Cidr: '10.50.0.0/16' }],
    });
    expect(Version).toBe(2);
    expect(await read(ec2, PrefixListId)).toMatchObject({ Version: 2, Entries: [{ Cidr: '10.51.0.0/16' }] });
    await ec2.modifyManagedPrefixList({ PrefixListId, AddEntries: [{ Cidr: '10.52.0.0/16' }] });
    expect((await read(ec2, PrefixListId)).Version).toBe(3);
  });

  it('GIVEN a stale CurrentVersion THEN PrefixListVersionMismatch and nothing changes', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2);
    await ec2.modifyManagedPrefixList({ PrefixListId, CurrentVersion: 1, AddEntries: [{ Cidr: '10.51.0.0/16' }] });
    await expectCode(
      ec2.modifyManagedPrefixList({ PrefixListId, CurrentVersion: 1, AddEntries: [{ Cidr: '10.52.0.0/16' }] }),
      'PrefixListVersionMismatch',
    );
    expect(await read(ec2, PrefixListId)).toMatchObject({
      Version: 2,
      Entries: [{ Cidr: '10.50.0.0/16' }, { Cidr: '10.51.0.0/16' }],
    });
  });

  it.each<[string, Omit<ModifyInput, 'PrefixListId'>, string]>([
    ['101 entries added', { AddEntries: cidrs4(101).map((Cidr) => ({ Cidr })) }, 'InvalidParameterValue'],
    ['101 entries removed', { RemoveEntries: cidrs4(101).map((Cidr) => ({ Cidr })) }, 'InvalidParameterValue'],
    [
      'entries and MaxEntries together',
      { AddEntries: [{ Cidr: '10.51.0.0/16' }], MaxEntries: 20 },
      'InvalidParameterCombination',
    ],
    [
      'more entries than MaxEntries',
      { AddEntries: cidrs4(10).map((Cidr) => ({ Cidr })) },
      'PrefixListMaxEntriesExceeded',
    ],
    ['removing an absent entry', { RemoveEntries: [{ Cidr: '10.99.0.0/16' }] }, 'InvalidPrefixListModification'],
    ['adding a present entry', { AddEntries: [{ Cidr: '10.50.0.0/16' }] }, 'InvalidPrefixListModification'],
    ['an entry of the wrong family', { AddEntries: [{ Cidr: '2001:db8::/32' }] }, 'InvalidParameterValue'],
  ])('GIVEN %s THEN %s and nothing changes', async (_what, change, code) => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2);
    await expectCode(ec2.modifyManagedPrefixList({ PrefixListId, ...change }), code);
    expect(await read(ec2, PrefixListId)).toMatchObject({
      Version: 1,
      MaxEntries: 10,
      Entries: [{ Cidr: '10.50.0.0/16' }],
    });
  });

  it('GIVEN 100 adds in one call THEN it is accepted', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2, 200, []);
    await ec2.modifyManagedPrefixList({ PrefixListId, AddEntries: cidrs4(100).map((Cidr) => ({ Cidr })) });
    expect((await read(ec2, PrefixListId)).Entries).toHaveLength(100);
  });

  it('GIVEN an unknown list THEN InvalidPrefixListID.NotFound', async () => {
    const { ec2 } = sandbox();
    await expectCode(
      ec2.modifyManagedPrefixList({ PrefixListId: 'pl-0000000000000dead', AddEntries: [{ Cidr: '10.0.0.0/8' }] }),
      'InvalidPrefixListID.NotFound',
    );
    await expectCode(
      ec2.deleteManagedPrefixList({ PrefixListId: 'pl-0000000000000dead' }),
      'InvalidPrefixListID.NotFound',
    );
  });
});

describe('ModifyManagedPrefixList MaxEntries (resize)', () => {
  it('GIVEN an unreferenced list WHEN resized THEN MaxEntries changes and Version goes up', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2);
    expect(await ec2.modifyManagedPrefixList({ PrefixListId, CurrentVersion: 1, MaxEntries: 40 })).toEqual({
      Version: 2,
    });
    expect(await read(ec2, PrefixListId)).toMatchObject({ MaxEntries: 40, Version: 2 });
  });

  it('GIVEN a group using 10 (list) + 45 (CIDRs) of 60 rules WHEN the list grows to 16 THEN RulesPerSecurityGroupLimitExceeded and the size stays', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2);
    const GroupId = await group(ec2, 'app');
    await ec2.authorizeSecurityGroupEgress({
      GroupId,
      IpPermissions: [tcp(1414, { pl: [PrefixListId] }), tcp(22, { cidr: cidrs4(45) })],
    });
    await ec2.modifyManagedPrefixList({ PrefixListId, MaxEntries: 14 });
    await expectCode(
      ec2.modifyManagedPrefixList({ PrefixListId, MaxEntries: 16 }),
      'RulesPerSecurityGroupLimitExceeded',
    );
    expect(await read(ec2, PrefixListId)).toMatchObject({ MaxEntries: 14, Version: 2 });
  });

  it('GIVEN a size below the current entry count or above 1000 THEN InvalidParameterValue', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2, 10, [{ Cidr: '10.50.0.0/16' }, { Cidr: '10.51.0.0/16' }]);
    await expectCode(ec2.modifyManagedPrefixList({ PrefixListId, MaxEntries: 1 }), 'InvalidParameterValue');
    await expectCode(ec2.modifyManagedPrefixList({ PrefixListId, MaxEntries: 1001 }), 'InvalidParameterValue');
  });
});

describe('DeleteManagedPrefixList', () => {
  it('GIVEN a list referenced by a rule THEN DependencyViolation; after the rule is revoked THEN deleted', async () => {
    const { ec2 } = sandbox();
    const { PrefixListId } = await list(ec2);
    const GroupId = await group(ec2, 'app');
    await ec2.authorizeSecurityGroupIngress({ GroupId, IpPermissions: [tcp(1414, { pl: [PrefixListId] })] });
    await expectCode(ec2.deleteManagedPrefixList({ PrefixListId }), 'DependencyViolation');
    await ec2.revokeSecurityGroupIngress({ GroupId, IpPermissions: [tcp(1414, { pl: [PrefixListId] })] });
    await ec2.deleteManagedPrefixList({ PrefixListId });
    expect(await ec2.describeManagedPrefixLists()).toEqual([]);
  });
});
