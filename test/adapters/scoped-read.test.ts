/**
 * The scoped read of the event path (DESIGN.md §4, adapters/adapter.ts): the same adapter reads
 * only the named workloads and the named native objects, through each cloud's by-id calls; what
 * no longer exists is absent, never an error. Each result is assessed against the full read of
 * the same sandbox (examples/hybrid-estate.yaml with examples/three-tier.yaml applied).
 */
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../adapters/reconcile.ts';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { Sandbox } from '../../adapters/sandbox/index.ts';
import type { Workload } from '../../core/model/inventory.ts';
import { loadPolicy } from '../../core/policy/load.ts';

async function applied(): Promise<Sandbox> {
  const sandbox = Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
  await reconcile(loadPolicy('examples/three-tier.yaml'), sandbox.clouds(), { deploymentId: 'scoped' });
  return sandbox;
}

const ids = (ws: readonly Workload[]): string[] => ws.map((w) => w.id);

describe('AWS scoped read', () => {
  it('GIVEN two instances, groups by id and by name, prefix lists by id and by name, and ids that do not exist WHEN read THEN exactly those come back, as the full read has them', async () => {
    const aws = (await applied()).clouds().aws;
    const full = await aws.read({ location: '111111111111/eu-west-1' });
    const group = (name: string) => full.state.SecurityGroups.find((g) => g.GroupName === name)!;
    const app = group('segsync-scoped-prod-app-hczl3zdopw');
    const web = group('segsync-scoped-prod-web-6zpqfbhrgs');
    const [pl1, pl2] = [full.state.PrefixLists[0]!, full.state.PrefixLists[1]!];

    const scoped = await aws.read({
      location: '111111111111/eu-west-1',
      workloads: ['i-prod-app1', 'i-prod-web2', 'i-0000000000000dead'],
      objects: [
        app.GroupId,
        web.GroupName,
        'sg-legacy-ssh',
        'sg-0000000000000dead',
        pl1.PrefixListId,
        pl2.PrefixListName,
      ],
    });

    expect(ids(scoped.workloads)).toEqual([
      'aws:111111111111:eu-west-1:i-prod-app1',
      'aws:111111111111:eu-west-1:i-prod-web2',
    ]);
    expect(scoped.workloads).toEqual(full.workloads.filter((w) => ['i-prod-app1', 'i-prod-web2'].includes(w.nativeId)));
    expect(scoped.state.NetworkInterfaces).toEqual(
      full.state.NetworkInterfaces.filter((e) =>
        ['i-prod-app1', 'i-prod-web2'].includes(e.Attachment?.InstanceId ?? ''),
      ),
    );
    expect(scoped.state.SecurityGroups).toEqual(
      full.state.SecurityGroups.filter((g) => [app.GroupId, web.GroupId, 'sg-legacy-ssh'].includes(g.GroupId)),
    );
    expect(scoped.state.PrefixLists).toEqual([pl1, pl2]);
  });

  it('GIVEN only workloads WHEN read THEN no groups or prefix lists are read; GIVEN only objects THEN no workloads', async () => {
    const aws = (await applied()).clouds().aws;
    const onlyWorkloads = await aws.read({ workloads: ['i-dev-web1'] });
    expect(ids(onlyWorkloads.workloads)).toEqual(['aws:222222222222:eu-west-1:i-dev-web1']);
    expect(onlyWorkloads.state.SecurityGroups).toEqual([]);
    expect(onlyWorkloads.state.PrefixLists).toEqual([]);

    const onlyObjects = await aws.read({ objects: ['sg-legacy-ssh'] });
    expect(onlyObjects.workloads).toEqual([]);
    expect(onlyObjects.state.NetworkInterfaces).toEqual([]);
    expect(onlyObjects.state.SecurityGroups.map((g) => g.GroupId)).toEqual(['sg-legacy-ssh']);
  });
});

describe('Azure scoped read', () => {
  const RG = '/subscriptions/sub-shop/resourceGroups/rg-vnet-prod';
  const vm = (name: string) => `${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;

  it("GIVEN two VMs, an NSG and an ASG by ARM id, and ids that do not exist WHEN read THEN exactly those come back, with the VMs' NICs", async () => {
    const azure = (await applied()).clouds().azure;
    const full = await azure.read();
    const nsg = full.state.networkSecurityGroups[0]!;
    const asg = full.state.applicationSecurityGroups[1]!;

    const scoped = await azure.read({
      workloads: [vm('vm-prod-app2'), vm('vm-prod-db1'), vm('vm-gone')],
      objects: [
        nsg.id,
        asg.id,
        `${RG}/providers/Microsoft.Network/networkSecurityGroups/no-such-nsg`,
        '/subscriptions/sub-shop/resourceGroups/no-such-rg/providers/Microsoft.Network/applicationSecurityGroups/x',
      ],
    });

    expect(ids(scoped.workloads)).toEqual([`azure:${vm('vm-prod-app2')}`, `azure:${vm('vm-prod-db1')}`]);
    expect(scoped.workloads).toEqual(
      full.workloads.filter((w) => ['vm-prod-app2', 'vm-prod-db1'].includes(w.nativeId)),
    );
    expect(scoped.state.networkInterfaces).toEqual(
      full.state.networkInterfaces.filter((n) => /\/(vm-prod-app2|vm-prod-db1)-nic0$/.test(n.id)),
    );
    expect(scoped.state.networkSecurityGroups).toEqual([nsg]);
    expect(scoped.state.applicationSecurityGroups).toEqual([asg]);
  });
});

describe('GCP scoped read', () => {
  it('GIVEN two instances (as zone/name and as a resource path), two firewalls by name, and names that do not exist WHEN read THEN exactly those come back', async () => {
    const gcp = (await applied()).clouds().gcp;
    const full = await gcp.read();
    const rule = full.state.firewalls.find((f) => f.name.startsWith('ss-scoped-prod-db-in4'))!;

    const scoped = await gcp.read({
      location: 'proj-shop',
      workloads: [
        'europe-west1-b/gce-prod-db2',
        'projects/proj-shop/zones/europe-west1-c/instances/gce-analytics',
        'europe-west1-c/gce-prod-db2',
      ],
      objects: ['legacy-allow-iap-ssh', rule.name, 'no-such-rule'],
    });

    expect(ids(scoped.workloads)).toEqual([
      'gcp:proj-shop:europe-west1-b:gce-prod-db2',
      'gcp:proj-shop:europe-west1-c:gce-analytics',
    ]);
    expect(scoped.workloads).toEqual(
      full.workloads.filter((w) => ['gce-prod-db2', 'gce-analytics'].includes(w.nativeId)),
    );
    expect(scoped.state.instances).toEqual(
      full.state.instances.filter((i) => ['gce-prod-db2', 'gce-analytics'].includes(i.name)),
    );
    expect(scoped.state.firewalls).toEqual(
      full.state.firewalls.filter((f) => ['legacy-allow-iap-ssh', rule.name].includes(f.name)),
    );
  });

  it('GIVEN a workload reference without a zone WHEN read THEN it is refused, not guessed', async () => {
    const gcp = (await applied()).clouds().gcp;
    await expect(gcp.read({ workloads: ['gce-prod-db2'] })).rejects.toThrow(/want <zone>\/<name>/);
  });
});
