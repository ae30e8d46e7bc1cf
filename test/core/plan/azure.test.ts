/**
 * planAzure: desired vs actual → ordered steps and findings. Actual states are built by hand or by
 * `applied` below, a plain transcription of each step's documented effect (the sandbox test
 * checks the same steps against the sandbox cloud).
 */
import { describe, expect, it } from 'vitest';
import { compileAzure } from '../../../core/compile/azure.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import type { AzureNetworkInterface, AzureNetworkSecurityGroup, AzureState } from '../../../core/model/native/azure.ts';
import { AZURE_OWNER_TAG } from '../../../core/ownership.ts';
import { planAzure, type AzureStep } from '../../../core/plan/azure.ts';
import { PHASES } from '../../../core/plan/step-base.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import type { Policy } from '../../../core/policy/types.ts';
import { policyOf } from '../../helpers/policies.ts';

const SUB = 's1';
const NET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network`;
const APP = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Network`;
const VNET = `${NET}/virtualNetworks/vnet-a`;
const ctx: CompileContext = { deploymentId: 'prod' };

/** web → db on `webToDb`, and db → web on `dbToWeb` when given; everything else denied. */
const webAndDb = (webToDb: string, dbToWeb?: string) =>
  policyOf(`  defaults: { egress: deny }
  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: web-to-db, from: web, to: db, ports: [${webToDb}] }
${dbToWeb === undefined ? '' : `    - { name: db-to-web, from: db, to: web, ports: [${dbToWeb}] }\n`}`);
const shop = webAndDb('tcp/5432', 'tcp/8443');

interface Vm {
  workload: Workload;
  nic: AzureNetworkInterface;
}

function vm(name: string, ip: string, tier: string | undefined, subnet = 'default'): Vm {
  const network = `azure:${VNET}`;
  const nicId = `${APP}/networkInterfaces/${name}-nic0`;
  const ipc = `${nicId}/ipConfigurations/ipconfig1`;
  return {
    workload: {
      id: `azure:/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${name}`,
      nativeId: name,
      cloud: 'azure',
      location: { cloud: 'azure', account: SUB, region: 'westeurope' },
      network,
      labels: tier ? { tier } : {},
      addresses: [ip],
      publicAddresses: [],
      attachments: [{ id: ipc, network, addresses: [ip] }],
      managed: true,
      labelProblems: [],
    },
    nic: {
      id: nicId,
      name: `${name}-nic0`,
      location: 'westeurope',
      etag: 'W/"0"',
      properties: {
        ipConfigurations: [
          {
            id: ipc,
            name: 'ipconfig1',
            properties: { privateIPAddress: ip, subnet: { id: `${VNET}/subnets/${subnet}` }, primary: true },
          },
        ],
      },
    },
  };
}

const state = (vms: Vm[], extra: Partial<AzureState> = {}): AzureState => ({
  networkSecurityGroups: [],
  applicationSecurityGroups: [],
  networkInterfaces: vms.map((v) => structuredClone(v.nic)),
  subnetNetworkSecurityGroups: {},
  ...extra,
});

const plan = (vms: Vm[], actual: AzureState, o: { policy?: Policy; exclusive?: boolean; c?: CompileContext } = {}) => {
  const c = o.c ?? ctx;
  const desired = compileAzure(
    computeReach(
      o.policy ?? shop,
      vms.map((v) => v.workload),
    ),
    c,
  ).desired;
  return planAzure(desired, actual, c, { exclusive: o.exclusive ?? false });
};

let etag = 100;
const key = (id: string) => id.toLowerCase();
const nameOfId = (id: string) => id.slice(id.lastIndexOf('/') + 1);

/** The documented effect of each step on the state (ids as ARM builds them). */
function applied(s: AzureState, steps: readonly AzureStep[]): AzureState {
  const out = structuredClone(s);
  for (const st of steps) {
    const rg = `/subscriptions/${st.scope}/resourceGroups/${st.resourceGroup}/providers/Microsoft.Network`;
    switch (st.kind) {
      case 'create-asg':
        out.applicationSecurityGroups = [
          ...out.applicationSecurityGroups.filter((a) => key(a.id) !== key(st.target)),
          { id: st.target, name: st.name, location: st.location, tags: st.tags, properties: {} },
        ];
        break;
      case 'create-nsg':
        out.networkSecurityGroups = [
          ...out.networkSecurityGroups.filter((n) => key(n.id) !== key(st.target)),
          {
            id: st.target,
            name: st.name,
            location: st.location,
            tags: st.tags,
            etag: `W/"${etag++}"`,
            properties: { securityRules: structuredClone(st.securityRules) },
          },
        ];
        break;
      case 'put-rule':
      case 'delete-rule': {
        const nsg = out.networkSecurityGroups.find(
          (n) => key(n.id) === key(`${rg}/networkSecurityGroups/${st.nsgName}`),
        )!;
        const name = st.kind === 'put-rule' ? st.rule.name : st.ruleName;
        nsg.properties.securityRules = nsg.properties.securityRules.filter((r) => key(r.name) !== key(name));
        if (st.kind === 'put-rule') nsg.properties.securityRules.push(structuredClone(st.rule));
        break;
      }
      case 'join-asgs':
      case 'set-nic':
        out.networkInterfaces = out.networkInterfaces.map((n) =>
          key(n.id) === key(st.target) ? { ...structuredClone(st.body), etag: `W/"${etag++}"` } : n,
        );
        break;
      case 'delete-nsg':
        out.networkSecurityGroups = out.networkSecurityGroups.filter((n) => key(n.id) !== key(st.target));
        break;
      case 'delete-asg':
        out.applicationSecurityGroups = out.applicationSecurityGroups.filter((a) => key(a.id) !== key(st.target));
        break;
    }
  }
  return out;
}

/** Plan and apply until converged; returns the converged state. */
function converge(vms: Vm[], start: AzureState, o: Parameters<typeof plan>[2] = {}): AzureState {
  return applied(start, plan(vms, start, o).steps);
}

const kinds = (steps: readonly AzureStep[]) => steps.map((s) => s.kind);

const web1 = vm('web-1', '10.0.0.4', 'web');
const web2 = vm('web-2', '10.0.0.5', 'web');
const db1 = vm('db-1', '10.0.1.4', 'db');
const estate = [web1, web2, db1];

describe('planAzure: a first rollout', () => {
  const { steps, findings } = plan(estate, state(estate));

  it('GIVEN no segsync objects WHEN planned THEN ASGs, then complete NSGs, then NIC joins, then final NIC writes', () => {
    expect(kinds(steps)).toEqual([
      'create-asg',
      'create-asg',
      'create-nsg',
      'join-asgs',
      'join-asgs',
      'join-asgs',
      'set-nic',
      'set-nic',
      'set-nic',
    ]);
    expect(findings).toEqual([]);
  });

  it('GIVEN any plan WHEN ordered THEN phases never go backwards', () => {
    const ranks = steps.map((s) => PHASES.indexOf(s.phase));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('GIVEN a new NSG WHEN created THEN it carries every allow (priorities from 100 per direction), the load-balancer probe allow at 4095 and both denies at 4096', () => {
    const create = steps.find((s) => s.kind === 'create-nsg')!;
    if (create.kind !== 'create-nsg') throw new Error('unreachable');
    const prio = (dir: string) =>
      create.securityRules.filter((r) => r.properties.direction === dir).map((r) => r.properties.priority);
    expect(prio('Inbound')).toEqual([100, 101, 4095, 4096]);
    expect(prio('Outbound')).toEqual([100, 101, 4096]);
  });

  it('GIVEN NICs without an NSG WHEN joined THEN the join keeps the NSG and only adds the ASG; the final write sets both', () => {
    const join = steps.find((s) => s.kind === 'join-asgs' && s.target === web1.nic.id)!;
    const set = steps.find((s) => s.kind === 'set-nic' && s.target === web1.nic.id)!;
    if (join.kind !== 'join-asgs' || set.kind !== 'set-nic') throw new Error('unreachable');
    expect(join.set.nsg).toBeNull();
    expect(join.ifMatch).toBe('W/"0"');
    expect(set.ifMatch).toBeUndefined();
    expect(set.expect).toEqual(join.set);
    expect(set.set.nsg).toMatch(/networkSecurityGroups\/segsync-prod-vnet-a-/);
    expect(set.body.properties.ipConfigurations[0]!.properties.applicationSecurityGroups).toEqual(
      set.set.asgs.map((id) => ({ id })),
    );
  });

  it('GIVEN the plan applied WHEN planned again THEN the plan is empty', () => {
    const after = applied(state(estate), steps);
    expect(plan(estate, after)).toEqual({ steps: [], findings: [] });
  });
});

describe('planAzure: changes', () => {
  const converged = converge(estate, state(estate));

  it('GIVEN web-2 re-tagged to db (both classes keep members) WHEN planned THEN one membership write and nothing else', () => {
    const retagged = [web1, vm('web-2', '10.0.0.5', 'db'), db1];
    const { steps } = plan(retagged, converged);
    expect(kinds(steps)).toEqual(['set-nic']);
    const s = steps[0]!;
    if (s.kind !== 'set-nic') throw new Error('unreachable');
    expect(s.target).toBe(web2.nic.id);
    expect(s.ifMatch).toBeDefined();
    expect(s.set.nsg).toBe(s.expect.nsg);
  });

  it('GIVEN a new rule in the policy WHEN planned THEN existing rules keep their priorities and new ones take the lowest free slots', () => {
    const wider = webAndDb('tcp/5432, udp/53', 'tcp/8443');
    const { steps } = plan(estate, converged, { policy: wider });
    expect(kinds(steps)).toEqual(['put-rule', 'put-rule']);
    for (const s of steps) if (s.kind === 'put-rule') expect(s.rule.properties.priority).toBe(102);
    const after = applied(converged, steps);
    expect(plan(estate, after, { policy: wider }).steps).toEqual([]);
  });

  it('GIVEN a narrower policy WHEN planned THEN stale rules are revoked after membership and nothing else moves', () => {
    const narrower = webAndDb('tcp/5432');
    const { steps } = plan(estate, converged, { policy: narrower });
    expect(kinds(steps)).toEqual(['delete-rule', 'delete-rule']);
    expect(steps.every((s) => s.phase === 'revoke')).toBe(true);
  });

  it('GIVEN hand edits in an owned NSG (a rule added, the deny moved) WHEN planned THEN the deny is put back and the stray rule revoked', () => {
    const drifted = structuredClone(converged);
    const nsg = drifted.networkSecurityGroups[0]!;
    const deny = nsg.properties.securityRules.find((r) => r.name === 'segsync-deny-all-inbound')!;
    deny.properties.priority = 4000;
    nsg.properties.securityRules.push({
      name: 'allow-ssh',
      properties: {
        protocol: 'Tcp',
        sourcePortRange: '*',
        destinationPortRange: '22',
        sourceAddressPrefix: '*',
        destinationAddressPrefix: '*',
        access: 'Allow',
        priority: 4096,
        direction: 'Inbound',
      },
    });
    const { steps } = plan(estate, drifted);
    expect(steps.map((s) => [s.kind, s.phase])).toEqual([
      ['delete-rule', 'revoke'],
      ['put-rule', 'revoke'],
    ]);
    expect(plan(estate, applied(drifted, steps)).steps).toEqual([]);
  });

  it("GIVEN a workload that leaves every segment WHEN planned THEN its NIC is released, then its class's NSG rules and ASG go", () => {
    const left = [web1, web2, vm('db-1', '10.0.1.4', undefined)];
    const { steps } = plan(left, converged);
    expect(kinds(steps)).toEqual(['set-nic', 'delete-rule', 'delete-rule', 'delete-rule', 'delete-rule', 'delete-asg']);
    const release = steps[0]!;
    if (release.kind !== 'set-nic') throw new Error('unreachable');
    expect(release.set).toEqual({ asgs: [], nsg: null });
    expect(plan(left, applied(converged, steps)).steps).toEqual([]);
  });
});

describe('planAzure: removal order', () => {
  it('GIVEN every workload of a VNet leaving the policy WHEN planned THEN NICs are released, then the NSG goes, then the ASGs its rules named', () => {
    const converged = converge(estate, state(estate));
    const gone = estate.map((v) => vm(v.nic.name.replace('-nic0', ''), v.workload.addresses[0]!, undefined));
    const { steps } = plan(gone, converged);
    expect(kinds(steps)).toEqual(['set-nic', 'set-nic', 'set-nic', 'delete-nsg', 'delete-asg', 'delete-asg']);
    const after = applied(converged, steps);
    expect(after.networkSecurityGroups).toEqual([]);
    expect(after.applicationSecurityGroups).toEqual([]);
    expect(plan(gone, after).steps).toEqual([]);
  });
});

describe('planAzure: foreign objects', () => {
  const foreignNsg = (name: string, tags?: Record<string, string>): AzureNetworkSecurityGroup => ({
    id: `${APP}/networkSecurityGroups/${name}`,
    name,
    location: 'westeurope',
    ...(tags ? { tags } : {}),
    properties: { securityRules: [] },
  });

  it("GIVEN a foreign NSG that looks like segsync's (same prefix, another owner) and a foreign ASG on a NIC WHEN planned THEN neither is ever targeted and the ASG is kept", () => {
    const lookalike = foreignNsg('segsync-prod-vnet-a-zzzzzz', { [AZURE_OWNER_TAG]: 'other' });
    const legacyAsg = {
      id: `${APP}/applicationSecurityGroups/legacy`,
      name: 'legacy',
      location: 'westeurope',
      properties: {},
    };
    const withAsg = structuredClone(web1);
    withAsg.nic.properties.ipConfigurations[0]!.properties.applicationSecurityGroups = [{ id: legacyAsg.id }];
    const vms = [withAsg, web2, db1];
    const { steps, findings } = plan(
      vms,
      state(vms, { networkSecurityGroups: [lookalike], applicationSecurityGroups: [legacyAsg] }),
    );
    expect(steps.map((s) => s.target.toLowerCase())).not.toContain(lookalike.id.toLowerCase());
    expect(steps.map((s) => s.target.toLowerCase())).not.toContain(legacyAsg.id.toLowerCase());
    const set = steps.find((s) => s.kind === 'set-nic' && s.target === withAsg.nic.id)!;
    if (set.kind !== 'set-nic') throw new Error('unreachable');
    expect(set.set.asgs).toContain(legacyAsg.id);
    expect(findings).toEqual([]);
  });

  it("GIVEN a foreign NSG with segsync's exact name WHEN planned THEN a blocking name-conflict and no step on it", () => {
    const desiredName = plan(estate, state(estate)).steps.find((s) => s.kind === 'create-nsg')!.target;
    const squatter = { ...foreignNsg(nameOfId(desiredName)), id: desiredName };
    const { steps, findings } = plan(estate, state(estate, { networkSecurityGroups: [squatter] }));
    expect(findings.map((f) => [f.severity, f.code])).toEqual([['error', 'name-conflict']]);
    expect(steps.filter((s) => s.target === desiredName)).toEqual([]);
  });

  const legacy = foreignNsg('legacy-nsg');
  const guarded = structuredClone(web1);
  guarded.nic.properties.networkSecurityGroup = { id: legacy.id };
  const vms = [guarded, web2, db1];

  it('GIVEN a foreign NSG on a managed NIC and exclusive: false WHEN planned THEN a blocking foreign-nsg-blocks finding and no write to that NIC', () => {
    const { steps, findings } = plan(vms, state(vms, { networkSecurityGroups: [legacy] }));
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'error', code: 'foreign-nsg-blocks', target: guarded.nic.id }),
    ]);
    expect(steps.some((s) => s.target === guarded.nic.id)).toBe(false);
    expect(steps.some((s) => s.target === legacy.id)).toBe(false);
  });

  it("GIVEN the same with exclusive: true WHEN planned THEN the NIC moves to segsync's NSG with a warning, and the foreign NSG itself is left alone", () => {
    const { steps, findings } = plan(vms, state(vms, { networkSecurityGroups: [legacy] }), { exclusive: true });
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'foreign-nsg-replaced' })]);
    const set = steps.find((s) => s.kind === 'set-nic' && s.target === guarded.nic.id)!;
    if (set.kind !== 'set-nic') throw new Error('unreachable');
    expect(set.set.nsg).not.toBe(legacy.id);
    expect(steps.find((s) => s.kind === 'join-asgs' && s.target === guarded.nic.id)?.kind).toBe('join-asgs');
    expect(steps.some((s) => s.target === legacy.id)).toBe(false);
  });

  it("GIVEN a subnet NSG on a managed NIC's subnet WHEN planned THEN a subnet-nsg warning", () => {
    const { findings } = plan(
      estate,
      state(estate, { subnetNetworkSecurityGroups: { [`${VNET}/subnets/default`]: legacy.id } }),
    );
    expect(findings.map((f) => [f.severity, f.code])).toEqual([['warning', 'subnet-nsg']]);
  });
});

describe('planAzure: budgets during a change', () => {
  const one = (ports: string) =>
    policyOf(`  defaults: { egress: allow }
  segments:
    - { name: a, selector: "tier == 'a'" }
  rules:
    - { name: in, from: { cidrs: [10.9.0.0/16] }, to: a, ports: [${ports}] }
`);
  const a1 = vm('a-1', '10.0.0.4', 'a');

  it('GIVEN an NSG that needs its whole rules budget WHEN every rule changes THEN the plan refuses with a blocking transient-quota finding', () => {
    // 3 allows, the probe allow and 2 denies: 6 of 7; old and new allows together would need 9.
    const c: CompileContext = { deploymentId: 'prod', limits: { azure: { rulesPerNsg: 7 } } };
    const before = converge([a1], state([a1]), { policy: one('tcp/1, udp/1, icmp'), c });
    const { findings } = plan([a1], before, { policy: one('tcp/2, udp/2, icmp'), c });
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', code: 'transient-quota' })]);
  });

  it('GIVEN the same change with room for old and new rules WHEN planned THEN no finding', () => {
    const before = converge([a1], state([a1]), { policy: one('tcp/1, udp/1, icmp') });
    expect(plan([a1], before, { policy: one('tcp/2, udp/2, icmp') }).findings).toEqual([]);
  });
});
