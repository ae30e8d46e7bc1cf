/**
 * compileAzure: reach → ASGs per (VNet, class), NSGs per VNet (bucketed), NIC memberships.
 * Small estates, exact expectations on the translation rules of core/compile/azure*.ts.
 */
import type { Policy } from '../../../core/policy/types.ts';
import { describe, expect, it } from 'vitest';
import { compileAzure, type AzureDesired, type AzureDesiredRule } from '../../../core/compile/azure.ts';
import { ruleKey } from '../../../core/compile/azure-model.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { AZURE_CLASS_TAG, AZURE_OWNER_TAG, isOwnedAzure } from '../../../core/ownership.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import { policyOf } from '../../helpers/policies.ts';
import { azureWorkload as azWorkload } from '../../helpers/workloads.ts';

const SUB = 's1';
const NET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network`;
const vnetId = (vnet: string): string => `${NET}/virtualNetworks/${vnet}`;
const ctx: CompileContext = { deploymentId: 'prod' };

const shop = policyOf(`  defaults: { egress: deny, unlabeled: quarantine }
  externals:
    - { name: office, cidrs: [192.168.10.0/24, "2001:db8:10::/48"] }
  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: office-to-web, from: { external: office }, to: web, ports: [tcp/443] }
    - { name: web-to-db, from: web, to: db, ports: [tcp/5432, udp/5000-5010, icmp] }
`);
const web1 = azWorkload('web-1', '10.0.0.4', { tier: 'web' });
const web2 = azWorkload('web-2', '10.0.0.5', { tier: 'web' });
const web6 = azWorkload('web-6', '10.0.0.6', { tier: 'web' }, { ipv6: 'fd00::6' });
const db1 = azWorkload('db-1', '10.0.1.4', { tier: 'db' });
const dbFar = azWorkload('db-9', '10.9.0.4', { tier: 'db' }, { vnet: 'vnet-b' });

const compile = (workloads: Workload[], policy = shop, c: CompileContext = ctx) =>
  compileAzure(computeReach(policy, workloads), c, policy);
const asgOf = (d: AzureDesired, vm: string): string => d.nics.find((n) => n.id.endsWith(`/${vm}-nic0`))!.asg;
/** The classes' allow rules (not the fixed-slot load-balancer probe allow). */
const allows = (d: AzureDesired): AzureDesiredRule[] =>
  d.nsgs.flatMap((n) => n.rules).filter((r) => r.properties.access === 'Allow' && r.fixedPriority === undefined);
const semantic = (r: AzureDesiredRule) => {
  const { description: _d, ...rest } = r.properties;
  return rest;
};

describe('compileAzure: what the rules say', () => {
  const { desired, findings } = compile([web1, web2, db1]);
  const web = asgOf(desired, 'web-1');
  const db = asgOf(desired, 'db-1');

  it('GIVEN web and db in one VNet WHEN compiled THEN there is one ASG per class and one NSG for the VNet, all owned', () => {
    expect(desired.asgs.map((a) => a.className).sort()).toEqual(['db', 'web']);
    expect(desired.nsgs).toHaveLength(1);
    for (const o of [...desired.asgs, ...desired.nsgs]) {
      expect(isOwnedAzure(o.tags, 'prod')).toBe(true);
      expect(o.id).toContain('/resourceGroups/rg-net/'); // the VNet's resource group
      expect(o.location).toBe('westeurope');
    }
    expect(desired.asgs.every((a) => a.tags[AZURE_CLASS_TAG] === a.classId)).toBe(true);
    expect(findings).toEqual([]);
  });

  it('GIVEN web → db on tcp/5432, udp/5000-5010 and icmp WHEN compiled THEN db inbound names web by ASG, one rule per protocol', () => {
    const inbound = allows(desired)
      .filter(
        (r) =>
          r.properties.direction === 'Inbound' && r.properties.destinationApplicationSecurityGroups?.[0]?.id === db,
      )
      .map(semantic);
    /** An inbound allow from web's ASG to db's for `protocol` to `destinationPortRange`, from any source port. */
    const webToDb = (protocol: string, destinationPortRange: string) => ({
      protocol,
      access: 'Allow',
      direction: 'Inbound',
      sourcePortRange: '*',
      destinationPortRange,
      sourceApplicationSecurityGroups: [{ id: web }],
      destinationApplicationSecurityGroups: [{ id: db }],
    });
    expect(inbound).toEqual(
      expect.arrayContaining([webToDb('Tcp', '5432'), webToDb('Udp', '5000-5010'), webToDb('Icmp', '*')]),
    );
    expect(inbound).toHaveLength(3);
  });

  it('GIVEN egress deny WHEN compiled THEN web outbound to db mirrors db inbound (own ASG → peer ASG)', () => {
    const outbound = allows(desired)
      .filter((r) => r.properties.direction === 'Outbound')
      .map(semantic);
    expect(outbound).toHaveLength(3);
    expect(
      outbound.every(
        (r) =>
          r.sourceApplicationSecurityGroups?.[0]?.id === web && r.destinationApplicationSecurityGroups?.[0]?.id === db,
      ),
    ).toBe(true);
  });

  it('GIVEN an external with IPv4 and IPv6 CIDRs WHEN compiled THEN each family gets its own rule (Azure rejects mixed families)', () => {
    const dual = compile([web6]).desired;
    const web = asgOf(dual, 'web-6');
    const fromOffice = allows(dual).filter((r) => r.properties.sourceAddressPrefixes !== undefined);
    expect(fromOffice.map((r) => r.properties.sourceAddressPrefixes).sort()).toEqual([
      ['192.168.10.0/24'],
      ['2001:db8:10::/48'],
    ]);
    expect(
      fromOffice.every(
        (r) =>
          r.properties.destinationApplicationSecurityGroups?.[0]?.id === web &&
          r.properties.destinationPortRange === '443',
      ),
    ).toBe(true);
  });

  it('GIVEN any NSG WHEN compiled THEN it ends with a catch-all Deny per direction at priority 4096', () => {
    const denies = desired.nsgs[0]!.rules.filter((r) => r.properties.access === 'Deny');
    expect(
      denies.map((r) => [
        r.properties.direction,
        r.fixedPriority,
        r.properties.protocol,
        r.properties.sourceAddressPrefix,
        r.properties.destinationAddressPrefix,
      ]),
    ).toEqual([
      ['Inbound', 4096, '*', '*', '*'],
      ['Outbound', 4096, '*', '*', '*'],
    ]);
    expect(allows(desired).every((r) => r.fixedPriority === undefined)).toBe(true);
  });

  it('GIVEN a NIC with IPv4 and IPv6 configurations WHEN compiled THEN both join the class ASG and the NIC gets the VNet NSG', () => {
    const dual = compile([web6, db1]).desired;
    const nic = dual.nics.find((n) => n.workloadId === web6.id)!;
    expect(nic.ipConfigurations.map((c) => c.slice(c.lastIndexOf('/') + 1))).toEqual(['ipconfig-v6', 'ipconfig1']);
    expect(nic.nsg).toBe(dual.nsgs[0]!.id);
    expect(nic.asg).toBe(dual.asgs.find((a) => a.classId === nic.classId)!.id);
  });

  it('GIVEN any object WHEN compiled THEN names fit Azure (≤ 80, word chars . - _, word char at both ends) and rule names are unique per NSG', () => {
    const names = [
      ...desired.asgs.map((a) => a.name),
      ...desired.nsgs.map((n) => n.name),
      ...desired.nsgs.flatMap((n) => n.rules.map((r) => r.name)),
    ];
    for (const n of names) expect(n).toMatch(/^\w(?:[\w.-]{0,78}\w)?$/);
    for (const n of desired.nsgs) expect(new Set(n.rules.map((r) => r.name.toLowerCase())).size).toBe(n.rules.length);
  });

  it('GIVEN equal rule content WHEN named THEN the name depends on the content only (semantic hash)', () => {
    const again = compile([web1, web2, db1], shop, { deploymentId: 'prod' }).desired;
    expect(allows(again).map((r) => [r.name, ruleKey(r.properties)])).toEqual(
      allows(desired).map((r) => [r.name, ruleKey(r.properties)]),
    );
  });
});

describe('compileAzure: networks', () => {
  it('GIVEN db in another VNet WHEN compiled THEN web reaches it by its exact address, never by ASG (ASGs stop at the VNet)', () => {
    const { desired } = compile([web1, dbFar]);
    const out = allows(desired).filter((r) => r.properties.direction === 'Outbound');
    expect(out.map((r) => r.properties.destinationAddressPrefixes)).toEqual([
      ['10.9.0.4/32'],
      ['10.9.0.4/32'],
      ['10.9.0.4/32'],
    ]);
    expect(desired.nsgs.map((n) => n.network).sort()).toEqual([
      `azure:${vnetId('vnet-a')}`,
      `azure:${vnetId('vnet-b')}`,
    ]);
    const asgVnets = new Set(desired.asgs.map((a) => a.network));
    expect(asgVnets.size).toBe(2);
  });

  it('GIVEN the same class in two VNets of one resource group WHEN compiled THEN their ASGs get distinct names', () => {
    const { desired } = compile([db1, dbFar]);
    const names = desired.asgs.map((a) => a.name);
    expect(new Set(names).size).toBe(2);
  });

  it('GIVEN a quarantined workload WHEN compiled THEN its class gets only the denies (and the load-balancer probe allow)', () => {
    const stray = azWorkload('stray', '10.0.0.99', { role: 'unknown' });
    const { desired } = compile([stray]);
    expect(desired.nsgs[0]!.rules.map((r) => [r.name, r.properties.access])).toEqual([
      ['segsync-allow-lb-probes-inbound', 'Allow'],
      ['segsync-deny-all-inbound', 'Deny'],
      ['segsync-deny-all-outbound', 'Deny'],
    ]);
    expect(desired.nics.map((n) => n.className)).toEqual(['quarantine']);
  });
});

describe('compileAzure: determinism', () => {
  it('GIVEN the same workloads in any order WHEN compiled THEN the output is byte-identical JSON', () => {
    const base = JSON.stringify(compile([web1, web2, db1, dbFar]));
    for (const order of [
      [dbFar, db1, web2, web1],
      [web2, dbFar, web1, db1],
      [db1, web1, dbFar, web2],
    ]) {
      expect(JSON.stringify(compile(order))).toBe(base);
    }
  });
});

describe('compileAzure: budgets', () => {
  const many = policyOf(`  defaults: { egress: deny }
  segments:
    - { name: a, selector: "tier == 'a'" }
    - { name: b, selector: "tier == 'b'" }
    - { name: c, selector: "tier == 'c'" }
  rules:
    - { name: a-b, from: a, to: b, ports: [tcp/1, tcp/3, udp/5] }
    - { name: b-c, from: b, to: c, ports: [tcp/7] }
`);
  const abc = [
    azWorkload('a-1', '10.0.0.1', { tier: 'a' }),
    azWorkload('b-1', '10.0.0.2', { tier: 'b' }),
    azWorkload('c-1', '10.0.0.3', { tier: 'c' }),
  ];

  it('GIVEN the default budgets WHEN compiled THEN one NSG serves all classes', () => {
    expect(compile(abc, many).desired.nsgs).toHaveLength(1);
  });

  it("GIVEN a small rules-per-NSG budget WHEN compiled THEN classes are split deterministically into several NSGs, each with its own denies, and each NIC gets its class's NSG", () => {
    const { desired } = compile(abc, many, { deploymentId: 'prod', limits: { azure: { rulesPerNsg: 12 } } });
    expect(desired.nsgs.length).toBeGreaterThan(1);
    for (const nsg of desired.nsgs) {
      expect(nsg.rules.filter((r) => r.properties.access === 'Deny')).toHaveLength(2);
      expect(nsg.rules.length).toBeLessThanOrEqual(12);
      const own = new Set(desired.asgs.filter((a) => nsg.classIds.includes(a.classId)).map((a) => a.id));
      // Every allow in a bucket protects a class of that bucket.
      for (const r of nsg.rules.filter((x) => x.properties.access === 'Allow' && x.fixedPriority === undefined)) {
        const target =
          r.properties.direction === 'Inbound'
            ? r.properties.destinationApplicationSecurityGroups
            : r.properties.sourceApplicationSecurityGroups;
        expect(own.has(target![0]!.id)).toBe(true);
      }
    }
    for (const nic of desired.nics) expect(desired.nsgs.find((n) => n.id === nic.nsg)!.classIds).toContain(nic.classId);
  });

  it('GIVEN one class that alone exceeds the rules budget WHEN compiled THEN QuotaExceededError names the segment, the NSG and the limit', () => {
    // 3 rules of every NSG are the fixed ones (two denies, the probe allow): b needs 3 more, a 2, c 1.
    const run = () => compile(abc, many, { deploymentId: 'prod', limits: { azure: { rulesPerNsg: 5 } } });
    expect(run).toThrow(QuotaExceededError);
    try {
      run();
    } catch (e) {
      const d = (e as QuotaExceededError).detail!;
      expect(d).toMatchObject({ cloud: 'azure', segment: 'b', limit: 'security rules per NSG', allowed: 5 });
      expect(d.object).toMatch(/^NSG segsync-prod-vnet-a-/);
      expect(d.needed).toBeGreaterThan(5);
    }
  });

  it('GIVEN a prefix budget smaller than an address peer WHEN compiled THEN the refusal names the prefix limit', () => {
    const wide = policyOf(`  defaults: { egress: deny }
  segments:
    - { name: a, selector: "tier == 'a'" }
  rules:
    - { name: some, from: { cidrs: [10.1.0.1/32, 10.1.0.3/32, 10.1.0.5/32, 10.1.0.7/32] }, to: a, ports: [tcp/22] }
`);
    expect(() =>
      compile([abc[0]!], wide, { deploymentId: 'prod', limits: { azure: { prefixesPerNsgSide: 4 } } }),
    ).toThrow(/segment "a" needs 7 source address prefixes per NSG .* limit is 4/);
  });

  it('GIVEN the default WHEN compiled THEN load-balancer probes are allowed just above the inbound deny; the policy can turn that off', () => {
    const probe = (p: Policy) =>
      compile(abc, p).desired.nsgs[0]!.rules.filter((r) => r.properties.sourceAddressPrefix === 'AzureLoadBalancer');
    expect(probe(many).map((r) => [r.properties.direction, r.properties.access, r.fixedPriority])).toEqual([
      ['Inbound', 'Allow', 4095],
    ]);
    expect(probe({ ...many, azureLoadBalancerProbes: 'deny' })).toEqual([]);
  });

  it('GIVEN any budget WHEN compiled THEN the owner tag is the deployment id', () => {
    const { desired } = compile(abc, many, { deploymentId: 'dev' });
    expect(desired.asgs.every((a) => a.tags[AZURE_OWNER_TAG] === 'dev' && a.name.startsWith('segsync-dev-'))).toBe(
      true,
    );
  });
});

describe('compileAzure: what NSGs cannot say', () => {
  it('GIVEN "any" minus a deny WHEN compiled THEN only tcp/udp/icmp are allowed (narrower) and other-protocols-narrowed is reported', () => {
    const p = policyOf(`  defaults: { egress: allow }
  segments:
    - { name: a, selector: "tier == 'a'" }
    - { name: b, selector: "tier == 'b'" }
  rules:
    - { name: a-b, from: a, to: b, ports: [any] }
    - { name: no-ssh, from: a, to: b, ports: [tcp/22], action: deny }
`);
    const { desired, findings } = compile(
      [azWorkload('a-1', '10.0.0.1', { tier: 'a' }), azWorkload('b-1', '10.0.0.2', { tier: 'b' })],
      p,
    );
    const b = asgOf(desired, 'b-1');
    const intoB = allows(desired).filter(
      (r) => r.properties.direction === 'Inbound' && r.properties.destinationApplicationSecurityGroups?.[0]?.id === b,
    );
    expect(
      intoB.map((r) => [
        r.properties.protocol,
        r.properties.destinationPortRanges ?? r.properties.destinationPortRange,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['Tcp', ['0-21', '23-65535']],
        ['Udp', '*'],
        ['Icmp', '*'],
      ]),
    );
    expect(intoB.some((r) => r.properties.protocol === '*')).toBe(false);
    expect(findings.map((f) => f.code)).toContain('other-protocols-narrowed');
  });
});
