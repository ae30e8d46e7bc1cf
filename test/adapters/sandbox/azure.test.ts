import { describe, expect, it } from 'vitest';
import type { AzureNetworkInterface } from '../../../core/model/native/azure.ts';
import { SandboxAzure } from '../../../adapters/sandbox/azure.ts';
import { FaultInjector } from '../../../adapters/sandbox/faults.ts';
import { RG, SUB, asgRef, estate, failure, nsgRef, rule, twoVnets, vm } from './azure-helpers.ts';

const NET = `/subscriptions/${SUB}/resourceGroups`;

describe('SandboxAzure seeding', () => {
  it('GIVEN an estate VM WHEN listed THEN VM, NIC, IP configurations and subnet follow the ARM id scheme', async () => {
    const api = SandboxAzure.fromEstate(
      estate([vm('web-1', { ipv6: 'fd00::4', subnet: 'app', nics: [{ ip: '10.0.1.9' }] })]),
    ).api(SUB);
    const [v] = await api.listVirtualMachines();
    expect(v).toMatchObject({
      id: `${NET}/${RG}/providers/Microsoft.Compute/virtualMachines/web-1`,
      name: 'web-1',
      location: 'westeurope',
      tags: { tier: 'web' },
    });
    const nics = await api.listNetworkInterfaces();
    expect(nics.map((n) => n.name)).toEqual(['web-1-nic0', 'web-1-nic1']);
    const nic0 = nics[0]!;
    expect(nic0.id).toBe(`${NET}/${RG}/providers/Microsoft.Network/networkInterfaces/web-1-nic0`);
    expect(
      nic0.properties.ipConfigurations.map((c) => [
        c.name,
        c.properties.privateIPAddress,
        c.properties.privateIPAddressVersion,
      ]),
    ).toEqual([
      ['ipconfig1', '10.0.0.4', 'IPv4'],
      ['ipconfig-v6', 'fd00::4', 'IPv6'],
    ]);
    expect(nic0.properties.ipConfigurations[0]!.properties.subnet.id).toBe(
      `${NET}/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/app`,
    );
    expect(nic0.etag).toMatch(/^W\/"\d+"$/);
    expect(v!.properties.networkProfile.networkInterfaces.map((n) => n.id)).toEqual(nics.map((n) => n.id));
  });

  it('GIVEN a VM with a foreign nsg WHEN listed THEN the NSG exists with only default rules and sits on the primary NIC', async () => {
    const api = SandboxAzure.fromEstate(estate([vm('web-1', { nsg: 'legacy-nsg' })])).api(SUB);
    const [nsg] = await api.listNetworkSecurityGroups();
    expect(nsg).toMatchObject({
      name: 'legacy-nsg',
      properties: { securityRules: [], networkInterfaces: [{ id: expect.stringContaining('web-1-nic0') }] },
    });
    const [nic] = await api.listNetworkInterfaces();
    expect(nic!.properties.networkSecurityGroup?.id).toBe(nsg!.id);
  });

  it('GIVEN the same estate and the same calls WHEN run twice THEN the snapshots are identical JSON', async () => {
    const run = async (): Promise<string> => {
      const az = SandboxAzure.fromEstate(twoVnets());
      const api = az.api(SUB);
      await api.createOrUpdateApplicationSecurityGroup(RG, 'asg-web', { location: 'westeurope' });
      await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
        location: 'westeurope',
        properties: { securityRules: [rule('b', { priority: 200 }), rule('a')] },
      });
      return JSON.stringify(az.snapshot());
    };
    expect(await run()).toBe(await run());
  });
});

describe('SandboxAzure NSG writes', () => {
  it('GIVEN a new NSG WHEN PUT THEN it carries the six default rules exactly as Azure returns them', async () => {
    const api = SandboxAzure.fromEstate(twoVnets()).api(SUB);
    const nsg = await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
      location: 'westeurope',
      properties: { securityRules: [] },
    });
    expect(
      nsg.properties.defaultSecurityRules!.map((r) => [
        r.name,
        r.properties.priority,
        r.properties.direction,
        r.properties.access,
        r.properties.sourceAddressPrefix,
        r.properties.destinationAddressPrefix,
      ]),
    ).toEqual([
      ['AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
      ['AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'],
      ['DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'],
      ['AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
      ['AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'],
      ['DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'],
    ]);
    expect(nsg.properties.defaultSecurityRules![0]!.id).toBe(
      `${nsgRef('nsg-1').id}/defaultSecurityRules/AllowVnetInBound`,
    );
  });

  it('GIVEN an NSG WHEN written again THEN the etag changes and a stale If-Match fails with 412 PreconditionFailed', async () => {
    const api = SandboxAzure.fromEstate(twoVnets()).api(SUB);
    const body = { location: 'westeurope', properties: { securityRules: [rule('a')] } };
    const first = await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', body);
    const second = await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', body, { ifMatch: first.etag! });
    expect(second.etag).not.toBe(first.etag);
    expect(second.properties.securityRules[0]!.etag).toBe(second.etag);
    const err = await failure(api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', body, { ifMatch: first.etag! }));
    expect([err.code, err.status]).toEqual(['PreconditionFailed', 412]);
    expect(
      (await failure(api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-new', body, { ifMatch: first.etag! }))).status,
    ).toBe(412);
  });

  it('GIVEN a child rule write WHEN read back THEN the NSG has the rule, a new etag, and deleting it bumps the etag again', async () => {
    const api = SandboxAzure.fromEstate(twoVnets()).api(SUB);
    const nsg = await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
      location: 'westeurope',
      properties: { securityRules: [] },
    });
    const created = await api.createOrUpdateSecurityRule(RG, 'nsg-1', 'allow-https', rule('ignored-body-name'));
    expect(created).toMatchObject({
      name: 'allow-https',
      id: `${nsg.id}/securityRules/allow-https`,
      properties: { provisioningState: 'Succeeded' },
    });
    const [after] = await api.listNetworkSecurityGroups();
    expect(after!.etag).not.toBe(nsg.etag);
    await api.deleteSecurityRule(RG, 'nsg-1', 'allow-https');
    const [gone] = await api.listNetworkSecurityGroups();
    expect([gone!.properties.securityRules, gone!.etag === after!.etag]).toEqual([[], false]);
  });

  it('GIVEN a missing NSG, an unknown resource group or a moved location WHEN written THEN ARM errors come back', async () => {
    const api = SandboxAzure.fromEstate(twoVnets()).api(SUB);
    expect(await failure(api.createOrUpdateSecurityRule(RG, 'nope', 'r', rule('r')))).toMatchObject({
      code: 'ParentResourceNotFound',
      status: 404,
    });
    expect(
      await failure(
        api.createOrUpdateNetworkSecurityGroup('rg-missing', 'n', {
          location: 'westeurope',
          properties: { securityRules: [] },
        }),
      ),
    ).toMatchObject({ code: 'ResourceGroupNotFound', status: 404 });
    await api.createOrUpdateNetworkSecurityGroup(RG, 'n', {
      location: 'westeurope',
      properties: { securityRules: [] },
    });
    expect(
      (
        await failure(
          api.createOrUpdateNetworkSecurityGroup(RG, 'n', { location: 'eastus', properties: { securityRules: [] } }),
        )
      ).code,
    ).toBe('InvalidResourceLocation');
    expect(
      (
        await failure(
          api.createOrUpdateNetworkSecurityGroup(RG, 'bad name!', {
            location: 'westeurope',
            properties: { securityRules: [] },
          }),
        )
      ).code,
    ).toBe('InvalidResourceName');
  });

  it('GIVEN an NSG on a NIC WHEN deleted THEN 400 InUseNetworkSecurityGroupCannotBeDeleted until it is detached', async () => {
    const api = SandboxAzure.fromEstate(twoVnets()).api(SUB);
    await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
      location: 'westeurope',
      properties: { securityRules: [] },
    });
    const nic = (await api.listNetworkInterfaces()).find((n) => n.name === 'web-2-nic0');
    const attached = await api.createOrUpdateNetworkInterface(RG, nic!.name, {
      ...nic!,
      properties: { ...nic!.properties, networkSecurityGroup: nsgRef('nsg-1') },
    });
    const err = await failure(api.deleteNetworkSecurityGroup(RG, 'nsg-1'));
    expect([err.code, err.status, err.message.includes(nic!.id)]).toEqual([
      'InUseNetworkSecurityGroupCannotBeDeleted',
      400,
      true,
    ]);
    const { networkSecurityGroup: _n, ...props } = attached.properties;
    await api.createOrUpdateNetworkInterface(RG, nic!.name, { ...attached, properties: props });
    await api.deleteNetworkSecurityGroup(RG, 'nsg-1');
    await api.deleteNetworkSecurityGroup(RG, 'nsg-1'); // idempotent, as ARM DELETE
    expect(await api.listNetworkSecurityGroups()).toEqual([]);
  });
});

describe('SandboxAzure ASGs and NICs', () => {
  async function withAsgs(names: string[], location = 'westeurope') {
    const az = SandboxAzure.fromEstate(twoVnets());
    const api = az.api(SUB);
    for (const n of names)
      await api.createOrUpdateApplicationSecurityGroup(n === 'asg-db' ? 'rg-b' : RG, n, { location });
    const nics = await api.listNetworkInterfaces();
    const byVm = (v: string) => nics.find((n) => n.name === `${v}-nic0`)!;
    return { az, api, byVm };
  }
  const join = (nic: AzureNetworkInterface, refs: Array<{ id: string }>, only?: string): AzureNetworkInterface => ({
    ...nic,
    properties: {
      ...nic.properties,
      ipConfigurations: nic.properties.ipConfigurations.map((c) =>
        only && c.name !== only ? c : { ...c, properties: { ...c.properties, applicationSecurityGroups: refs } },
      ),
    },
  });

  it('GIVEN an ASG WHEN a NIC joins on every IP configuration THEN the membership reads back and the etag changes', async () => {
    const { az, api, byVm } = await withAsgs(['asg-web']);
    const nic = byVm('web-1');
    const updated = await api.createOrUpdateNetworkInterface(RG, nic.name, join(nic, [asgRef('asg-web')]), {
      ifMatch: nic.etag!,
    });
    expect(updated.etag).not.toBe(nic.etag);
    const stored = az.snapshot().networkInterfaces.find((n) => n.id === nic.id)!;
    expect(stored.properties.ipConfigurations.map((c) => c.properties.applicationSecurityGroups)).toEqual([
      [asgRef('asg-web')],
      [asgRef('asg-web')],
    ]);
    expect(
      (await failure(api.createOrUpdateNetworkInterface(RG, nic.name, join(nic, []), { ifMatch: nic.etag! }))).status,
    ).toBe(412);
  });

  it('GIVEN a NIC with two IP configurations WHEN only one joins an ASG THEN 400 AllIpConfigurationsOnANicMustBelongToTheSameApplicationSecurityGroups', async () => {
    const { api, byVm } = await withAsgs(['asg-web']);
    const err = await failure(
      api.createOrUpdateNetworkInterface(RG, 'web-1-nic0', join(byVm('web-1'), [asgRef('asg-web')], 'ipconfig1')),
    );
    expect(err.code).toBe('AllIpConfigurationsOnANicMustBelongToTheSameApplicationSecurityGroups');
  });

  it('GIVEN an ASG with a member in vnet-a WHEN a NIC of vnet-b joins THEN 400 (all NICs of an ASG share one VNet)', async () => {
    const { api, byVm } = await withAsgs(['asg-web']);
    await api.createOrUpdateNetworkInterface(RG, 'web-2-nic0', join(byVm('web-2'), [asgRef('asg-web')]));
    const err = await failure(
      api.createOrUpdateNetworkInterface('rg-b', 'db-1-nic0', join(byVm('db-1'), [asgRef('asg-web')])),
    );
    expect([err.code, err.status]).toEqual(['ApplicationSecurityGroupIpConfigurationsInDifferentVirtualNetworks', 400]);
  });

  it('GIVEN ASG limits WHEN a NIC references too many, a missing one, or a missing NSG THEN 400', async () => {
    const names = Array.from({ length: 21 }, (_, i) => `asg-${i}`);
    const { api, byVm } = await withAsgs(names);
    const nic = byVm('web-2');
    expect(
      (
        await failure(
          api.createOrUpdateNetworkInterface(
            RG,
            nic.name,
            join(
              nic,
              names.map((n) => asgRef(n)),
            ),
          ),
        )
      ).code,
    ).toBe('NumberOfApplicationSecurityGroupsReferencedInIpConfigurationLimitReached');
    expect((await failure(api.createOrUpdateNetworkInterface(RG, nic.name, join(nic, [asgRef('nope')])))).code).toBe(
      'InvalidResourceReference',
    );
    expect(
      (
        await failure(
          api.createOrUpdateNetworkInterface(RG, nic.name, {
            ...nic,
            properties: { ...nic.properties, networkSecurityGroup: nsgRef('nope') },
          }),
        )
      ).code,
    ).toBe('InvalidResourceReference');
    expect((await failure(api.createOrUpdateNetworkInterface(RG, 'ghost-nic', nic))).status).toBe(404);
  });

  it('GIVEN an ASG used by an IP configuration or a rule WHEN deleted THEN 400 in use; unused it is deleted', async () => {
    const { api, byVm } = await withAsgs(['asg-web', 'asg-2']);
    await api.createOrUpdateNetworkInterface(RG, 'web-2-nic0', join(byVm('web-2'), [asgRef('asg-web')]));
    expect((await failure(api.deleteApplicationSecurityGroup(RG, 'asg-web'))).code).toBe(
      'InUseApplicationSecurityGroupCannotBeDeleted',
    );
    await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
      location: 'westeurope',
      properties: {
        securityRules: [
          rule('r', { sourceAddressPrefix: undefined, sourceApplicationSecurityGroups: [asgRef('asg-2')] }),
        ],
      },
    });
    expect((await failure(api.deleteApplicationSecurityGroup(RG, 'asg-2'))).message).toContain('security rule');
    await api.deleteSecurityRule(RG, 'nsg-1', 'r');
    await api.deleteApplicationSecurityGroup(RG, 'asg-2');
    expect((await api.listApplicationSecurityGroups()).map((a) => a.name)).toEqual(['asg-web']);
  });

  it('GIVEN ASGs whose members are in different VNets WHEN one rule names both THEN 400 AllApplicationSecurityGroupsInSecurityRuleMustBeFromSameVnet', async () => {
    const { api, byVm } = await withAsgs(['asg-web', 'asg-db']);
    await api.createOrUpdateNetworkInterface(RG, 'web-2-nic0', join(byVm('web-2'), [asgRef('asg-web')]));
    await api.createOrUpdateNetworkInterface('rg-b', 'db-1-nic0', join(byVm('db-1'), [asgRef('asg-db', 'rg-b')]));
    const cross = rule('web-to-db', {
      sourceAddressPrefix: undefined,
      sourceApplicationSecurityGroups: [asgRef('asg-web')],
      destinationAddressPrefix: undefined,
      destinationApplicationSecurityGroups: [asgRef('asg-db', 'rg-b')],
    });
    await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
      location: 'westeurope',
      properties: { securityRules: [] },
    });
    const err = await failure(api.createOrUpdateSecurityRule(RG, 'nsg-1', 'web-to-db', cross));
    expect([err.code, err.status]).toEqual(['AllApplicationSecurityGroupsInSecurityRuleMustBeFromSameVnet', 400]);
    const same = rule('web-to-web', {
      sourceAddressPrefix: undefined,
      sourceApplicationSecurityGroups: [asgRef('asg-web')],
      destinationAddressPrefix: undefined,
      destinationApplicationSecurityGroups: [asgRef('asg-web')],
    });
    await expect(api.createOrUpdateSecurityRule(RG, 'nsg-1', 'web-to-web', same)).resolves.toMatchObject({
      name: 'web-to-web',
    });
  });
});

describe('SandboxAzure controls, copies and faults', () => {
  it('GIVEN tagVm WHEN tags change THEN keys match case-insensitively and null removes', async () => {
    const az = SandboxAzure.fromEstate(estate([vm('web-1', { tags: { Tier: 'web', env: 'prod' } })]));
    az.tagVm(SUB, 'WEB-1', { tier: 'db', env: null, owner: 'x' });
    const [v] = await az.api(SUB).listVirtualMachines();
    expect(v!.tags).toEqual({ tier: 'db', owner: 'x' });
    expect(az.subscriptions()).toEqual([SUB]);
    expect(() => az.api('other')).toThrow(/SubscriptionNotFound/);
  });

  it('GIVEN a returned object WHEN the caller mutates it THEN the sandbox state is unchanged', async () => {
    const az = SandboxAzure.fromEstate(twoVnets());
    const nics = await az.api(SUB).listNetworkInterfaces();
    nics[0]!.properties.ipConfigurations[0]!.properties.privateIPAddress = '9.9.9.9';
    expect(az.snapshot().networkInterfaces[0]!.properties.ipConfigurations[0]!.properties.privateIPAddress).not.toBe(
      '9.9.9.9',
    );
  });

  it('GIVEN an injected throttle WHEN a write is attempted THEN 429 comes back and nothing changed', async () => {
    const az = SandboxAzure.fromEstate(twoVnets(), {
      faults: new FaultInjector({ throttleEvery: 1, operations: ['createOrUpdateNetworkSecurityGroup'] }),
    });
    const err = await failure(
      az
        .api(SUB)
        .createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', { location: 'westeurope', properties: { securityRules: [] } }),
    );
    expect([err.code, err.status]).toEqual(['TooManyRequests', 429]);
    expect(az.snapshot().networkSecurityGroups).toEqual([]);
  });
});
