/**
 * The sandbox clouds' by-id calls answer as the real APIs do (STYLE G12): EC2 ids must all exist
 * (the resource's NotFound code) while filters never fail on absence; ARM GETs answer 404
 * ResourceNotFound / ResourceGroupNotFound; Compute GETs answer 404 notFound.
 */
import { describe, expect, it } from 'vitest';
import { CloudApiError } from '../../../adapters/errors.ts';
import { SandboxAws } from '../../../adapters/sandbox/aws.ts';
import { SandboxAzure } from '../../../adapters/sandbox/azure.ts';
import { loadEstate } from '../../../adapters/sandbox/estate.ts';
import { SandboxGcp } from '../../../adapters/sandbox/gcp.ts';

const estate = loadEstate('examples/hybrid-estate.yaml');
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof CloudApiError ? `${e.status} ${e.code}` : String(e)),
  );

describe('sandbox EC2 ids and filters', () => {
  const ec2 = () => SandboxAws.fromEstate(estate).api({ account: '111111111111', region: 'eu-west-1' });

  it('GIVEN ids WHEN one does not exist THEN the whole call fails with that resource’s NotFound code', async () => {
    const api = ec2();
    expect(await codeOf(api.describeInstances({ InstanceIds: ['i-prod-app1', 'i-nope'] }))).toBe(
      '400 InvalidInstanceID.NotFound',
    );
    expect(await codeOf(api.describeSecurityGroups({ GroupIds: ['sg-nope'] }))).toBe('400 InvalidGroup.NotFound');
    expect(await codeOf(api.describeNetworkInterfaces({ NetworkInterfaceIds: ['eni-nope'] }))).toBe(
      '400 InvalidNetworkInterfaceID.NotFound',
    );
    expect(await codeOf(api.describeManagedPrefixLists({ PrefixListIds: ['pl-nope'] }))).toBe(
      '400 InvalidPrefixListID.NotFound',
    );
  });

  it('GIVEN filters WHEN read THEN values OR, filters AND, wildcards match, and absence is an empty answer', async () => {
    const api = ec2();
    const byId = await api.describeInstances({ Filters: [{ Name: 'instance-id', Values: ['i-prod-app1', 'i-nope'] }] });
    expect(byId.map((i) => i.InstanceId)).toEqual(['i-prod-app1']);
    const enis = await api.describeNetworkInterfaces({
      Filters: [{ Name: 'attachment.instance-id', Values: ['i-prod-web1', 'i-prod-web2'] }],
    });
    expect(enis.map((e) => e.Attachment?.InstanceId)).toEqual(['i-prod-web1', 'i-prod-web2']);
    const groups = await api.describeSecurityGroups({
      Filters: [
        { Name: 'vpc-id', Values: ['vpc-shop-prod'] },
        { Name: 'group-name', Values: ['legacy-*'] },
      ],
    });
    expect(groups.map((g) => g.GroupId)).toEqual(['sg-legacy-ssh']);
    expect(await api.describeSecurityGroups({ Filters: [{ Name: 'group-name', Values: ['nope'] }] })).toEqual([]);
  });

  it('GIVEN a tag filter WHEN read THEN it matches on that tag key and value', async () => {
    const api = ec2();
    const [one] = await api.describeInstances({ InstanceIds: ['i-prod-app1'] });
    const tag = one!.Tags![0]!;
    const found = await api.describeInstances({ Filters: [{ Name: `tag:${tag.Key}`, Values: [tag.Value] }] });
    expect(found.map((i) => i.InstanceId)).toContain('i-prod-app1');
    expect(found.every((i) => i.Tags?.some((t) => t.Key === tag.Key && t.Value === tag.Value))).toBe(true);
  });

  it('GIVEN an unknown filter name WHEN read THEN InvalidParameterValue', async () => {
    expect(await codeOf(ec2().describeInstances({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }))).toBe(
      '400 InvalidParameterValue',
    );
  });
});

describe('sandbox ARM GETs', () => {
  const arm = () => SandboxAzure.fromEstate(estate).api('sub-shop');

  it('GIVEN existing resources WHEN got by resource group and name THEN they equal the listed ones', async () => {
    const api = arm();
    const [nic] = (await api.listNetworkInterfaces()).filter((n) => n.name === 'vm-prod-db1-nic0');
    expect(await api.getNetworkInterface('rg-vnet-prod', 'vm-prod-db1-nic0')).toEqual(nic);
    const [vm] = (await api.listVirtualMachines()).filter((v) => v.name === 'vm-prod-db1');
    expect(await api.getVirtualMachine('RG-VNET-PROD', 'vm-prod-db1')).toEqual(vm);
  });

  it('GIVEN a missing resource or resource group WHEN got THEN 404 ResourceNotFound / ResourceGroupNotFound', async () => {
    const api = arm();
    expect(await codeOf(api.getNetworkSecurityGroup('rg-vnet-prod', 'nope'))).toBe('404 ResourceNotFound');
    expect(await codeOf(api.getApplicationSecurityGroup('rg-vnet-prod', 'nope'))).toBe('404 ResourceNotFound');
    expect(await codeOf(api.getVirtualMachine('rg-vnet-prod', 'nope'))).toBe('404 ResourceNotFound');
    expect(await codeOf(api.getNetworkInterface('rg-nope', 'x'))).toBe('404 ResourceGroupNotFound');
  });
});

describe('sandbox Compute GETs', () => {
  const compute = () => SandboxGcp.fromEstate(estate).api('proj-shop');

  it('GIVEN an instance and a firewall WHEN got THEN they equal the listed ones; missing ones are 404 notFound', async () => {
    const api = compute();
    const [inst] = (await api.listInstances()).filter((i) => i.name === 'gce-prod-db2');
    expect(await api.getInstance('europe-west1-b', 'gce-prod-db2')).toEqual(inst);
    const [fw] = await api.listFirewalls();
    expect(await api.getFirewall(fw!.name)).toEqual(fw);
    expect(await codeOf(api.getInstance('europe-west1-c', 'gce-prod-db2'))).toBe('404 notFound');
    expect(await codeOf(api.getFirewall('nope'))).toBe('404 notFound');
  });
});
