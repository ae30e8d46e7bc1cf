/**
 * The local ARM server held to the real thing: its schema checks catch bad bodies, the official
 * example payloads (test/fixtures/azure-specs/examples) validate and round-trip through it, and
 * Azure's rules come back with ARM's codes when the real SDK breaks them (priorities, rules and
 * prefixes per NSG, ASGs per IP configuration, the NICs of an ASG in one VNet). Raw HTTPS where the
 * SDK would not send the request (a malformed body, a wrong api-version, no token).
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureSecurityRule } from '../../../core/model/native/azure.ts';
import { SpecValidator, SPEC_DIR } from '../../azure-arm/schemas.ts';
import { NETWORK_API, type LocalArmServer } from '../../azure-arm/server.ts';
import { connect, nicId, rule, shopEstate, startServer, SUB_A, type SdkWorld } from './helpers.ts';

let server: LocalArmServer;
let w: SdkWorld;
beforeAll(async () => {
  const estate = shopEstate();
  // Hosts for the official examples' resource groups.
  for (const subscription of ['subid', '00000000-0000-0000-0000-000000000000'])
    estate.azure.push({
      id: `vm-${subscription.slice(0, 4)}`,
      subscription,
      resourceGroup: 'rg1',
      region: 'westus',
      vnet: 'vnet-x',
      ip: '10.9.0.4',
      tags: {},
    });
  server = await startServer({ estate });
  w = await connect(server);
});
afterAll(() => server.stop());

function arm(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    json: { error?: { code: string }; status?: string } & Record<string, unknown>;
    headers: Record<string, unknown>;
  }>((resolve, reject) => {
    const url = new URL(path, server.endpoint);
    const req = request(
      url,
      {
        method,
        ca: server.certificate.cert,
        headers: { authorization: 'Bearer t', 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {}, headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A write, then its Azure-AsyncOperation polled to the end (ARM takes the next write only after). */
async function armWrite(method: string, path: string, body?: unknown) {
  const res = await arm(method, path, body);
  const op = res.headers['azure-asyncoperation'];
  for (let i = 0; typeof op === 'string' && i < 10; i++)
    if ((await arm('GET', new URL(op).pathname + new URL(op).search)).json.status !== 'InProgress') break;
  return res;
}

const example = (name: string) =>
  JSON.parse(readFileSync(join(SPEC_DIR, 'examples', `${name}.json`), 'utf8')) as {
    parameters: Record<string, unknown>;
    responses: Record<string, { body?: unknown }>;
  };
const nsgPath = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkSecurityGroups/${name}?api-version=${NETWORK_API}`;

describe('the local ARM server, held to the official schemas and rules', () => {
  it('GIVEN a body the schema refuses WHEN PUT THEN 400 InvalidRequestFormat names the field; a wrong api-version or no token is refused too', async () => {
    const bad = {
      location: 'westeurope',
      properties: {
        securityRules: [
          { name: 'r', properties: { protocol: 'Tcp', access: 'Permit', priority: '100', direction: 'Inbound' } },
        ],
      },
    };
    const res = await arm('PUT', nsgPath(SUB_A, 'rg-a', 'nsg-bad'), bad);
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe('InvalidRequestFormat');
    expect(JSON.stringify(res.json)).toMatch(/access must be equal to one of the allowed values/);
    expect(JSON.stringify(res.json)).toMatch(/priority must be integer/);
    expect((await arm('GET', nsgPath(SUB_A, 'rg-a', 'x').replace(NETWORK_API, '2019-02-01'))).json.error?.code).toBe(
      'NoRegisteredProviderFound',
    );
    expect((await arm('GET', nsgPath(SUB_A, 'rg-a', 'x'), undefined, { authorization: '' })).status).toBe(401);
    const validator = new SpecValidator();
    expect(validator.check('networkSecurityGroup.json', 'NetworkSecurityGroup', bad)).toHaveLength(2);
  });

  it("GIVEN the official examples WHEN their bodies are PUT THEN they are accepted, the answers validate and carry what was sent; the examples' own responses validate", async () => {
    const validator = new SpecValidator();
    const cases: Array<
      [string, string, 'networkSecurityGroup.json' | 'applicationSecurityGroup.json' | 'networkInterface.json', string]
    > = [
      ['NetworkSecurityGroupCreate', 'parameters', 'networkSecurityGroup.json', 'NetworkSecurityGroup'],
      ['NetworkSecurityGroupCreateWithRule', 'parameters', 'networkSecurityGroup.json', 'NetworkSecurityGroup'],
      ['NetworkSecurityGroupRuleCreate', 'securityRuleParameters', 'networkSecurityGroup.json', 'SecurityRule'],
      ['ApplicationSecurityGroupCreate', 'parameters', 'applicationSecurityGroup.json', 'ApplicationSecurityGroup'],
      ['NetworkInterfaceCreate', 'parameters', 'networkInterface.json', 'NetworkInterface'],
    ];
    for (const [name, param, file, def] of cases) {
      const ex = example(name);
      expect(validator.check(file, def, ex.parameters[param]), name).toEqual([]);
      for (const r of Object.values(ex.responses)) expect(validator.check(file, def, r.body), name).toEqual([]);
    }
    for (const name of ['NetworkSecurityGroupGet', 'ApplicationSecurityGroupGet'])
      expect(
        validator.check(
          name.startsWith('Network') ? 'networkSecurityGroup.json' : 'applicationSecurityGroup.json',
          name.startsWith('Network') ? 'NetworkSecurityGroup' : 'ApplicationSecurityGroup',
          example(name).responses['200']!.body,
        ),
      ).toEqual([]);
    expect(
      validator.check(
        'networkSecurityGroup.json',
        'NetworkSecurityGroupListResult',
        example('NetworkSecurityGroupList').responses['200']!.body,
      ),
    ).toEqual([]);

    // Round trip through the server: the example request in, a valid answer out.
    const withRule = example('NetworkSecurityGroupCreateWithRule');
    const p = withRule.parameters as {
      subscriptionId: string;
      resourceGroupName: string;
      networkSecurityGroupName: string;
      parameters: { properties: { securityRules: { name: string }[] } };
    };
    const put = await armWrite(
      'PUT',
      nsgPath(p.subscriptionId, p.resourceGroupName, p.networkSecurityGroupName),
      p.parameters,
    );
    expect(put.status).toBe(201);
    const got = await arm('GET', nsgPath(p.subscriptionId, p.resourceGroupName, p.networkSecurityGroupName));
    const rules = (got.json.properties as { securityRules: { name: string; properties: unknown }[] }).securityRules;
    expect(rules.map((r) => r.name)).toEqual(p.parameters.properties.securityRules.map((r) => r.name));
    const plain = example('NetworkSecurityGroupCreate').parameters as typeof p;
    const plainPut = await armWrite(
      'PUT',
      nsgPath(plain.subscriptionId, plain.resourceGroupName, plain.networkSecurityGroupName),
      plain.parameters,
    );
    expect(plainPut.status).toBe(201);
    const ruleEx = example('NetworkSecurityGroupRuleCreate').parameters as {
      subscriptionId: string;
      resourceGroupName: string;
      networkSecurityGroupName: string;
      securityRuleName: string;
      securityRuleParameters: unknown;
    };
    const rulePut = await armWrite(
      'PUT',
      nsgPath(ruleEx.subscriptionId, ruleEx.resourceGroupName, ruleEx.networkSecurityGroupName).replace(
        '?',
        `/securityRules/${ruleEx.securityRuleName}?`,
      ),
      ruleEx.securityRuleParameters,
    );
    expect([200, 201]).toContain(rulePut.status);
    const asgEx = example('ApplicationSecurityGroupCreate').parameters as {
      subscriptionId: string;
      resourceGroupName: string;
      applicationSecurityGroupName: string;
      parameters: unknown;
    };
    const asgPut = await armWrite(
      'PUT',
      `/subscriptions/${asgEx.subscriptionId}/resourceGroups/${asgEx.resourceGroupName}/providers/Microsoft.Network/applicationSecurityGroups/${asgEx.applicationSecurityGroupName}?api-version=${NETWORK_API}`,
      asgEx.parameters,
    );
    expect(asgPut.status).toBe(201);
    expect(server.schemaProblems).toEqual([]);
  });

  it("GIVEN rules that break Azure's limits WHEN written with the SDK THEN ARM's error codes come back", async () => {
    const api = w.apis[0]!;
    const nsg = (rules: AzureSecurityRule[]) =>
      api.createOrUpdateNetworkSecurityGroup('rg-a', 'nsg-limits', {
        location: 'westeurope',
        properties: { securityRules: rules },
      });
    await expect(nsg([rule('low', 99)])).rejects.toMatchObject({ code: 'SecurityRuleInvalidPriority' });
    await expect(nsg([rule('a', 100), rule('b', 100)])).rejects.toMatchObject({ code: 'SecurityRuleConflict' });
    // The same priority in the other direction is fine.
    await expect(nsg([rule('a', 100), rule('b', 100, { direction: 'Outbound' })])).resolves.toBeDefined();
    const many = Array.from({ length: 1001 }, (_, i) =>
      rule(`r${i}`, 100 + (i % 2000), { direction: i % 2 ? 'Outbound' : 'Inbound' }),
    );
    await expect(
      nsg(many.map((r, i) => ({ ...r, properties: { ...r.properties, priority: 100 + Math.floor(i / 2) } }))),
    ).rejects.toMatchObject({
      code: 'SecurityRuleCountLimitReached',
    });
    const prefixes = Array.from({ length: 4001 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.0/24`);
    await expect(
      nsg([rule('wide', 200, { sourceAddressPrefix: undefined, sourceAddressPrefixes: prefixes })]),
    ).rejects.toMatchObject({
      code: 'SecurityRuleAddressesOrPortsPerSecurityGroupLimitReached',
    });
  });

  it('GIVEN ASGs WHEN a NIC joins 21, or joins one whose members are in another VNet THEN ARM refuses with its codes', async () => {
    const api = w.apis[0]!;
    const asgIds: string[] = [];
    for (let i = 0; i < 21; i++)
      asgIds.push(
        (await api.createOrUpdateApplicationSecurityGroup('rg-a', `asg-${i}`, { location: 'westeurope' })).id,
      );
    const web2 = await api.getNetworkInterface('rg-a', 'web-2-nic0');
    const withAsgs = (ids: string[], nic = web2) => ({
      ...nic,
      properties: {
        ...nic.properties,
        ipConfigurations: (nic.properties.ipConfigurations ?? []).map((c) => ({
          ...c,
          properties: { ...c.properties, applicationSecurityGroups: ids.map((id) => ({ id })) },
        })),
      },
    });
    await expect(
      api.createOrUpdateNetworkInterface('rg-a', 'web-2-nic0', withAsgs(asgIds) as never, { ifMatch: web2.etag! }),
    ).rejects.toMatchObject({ code: 'NumberOfApplicationSecurityGroupsReferencedInIpConfigurationLimitReached' });
    const joined = await api.createOrUpdateNetworkInterface('rg-a', 'web-2-nic0', withAsgs([asgIds[0]!]) as never, {
      ifMatch: web2.etag!,
    });
    expect(joined.properties.ipConfigurations?.[0]?.properties.applicationSecurityGroups).toEqual([{ id: asgIds[0] }]);
    const db1 = await api.getNetworkInterface('rg-b', 'db-1-nic0');
    await expect(
      api.createOrUpdateNetworkInterface('rg-b', 'db-1-nic0', withAsgs([asgIds[0]!], db1) as never, {
        ifMatch: db1.etag!,
      }),
    ).rejects.toMatchObject({ code: 'ApplicationSecurityGroupIpConfigurationsInDifferentVirtualNetworks' });
    expect(
      (server.nic(nicId(SUB_A, 'rg-b', 'db-1-nic0')) as { properties: { ipConfigurations: { properties: object }[] } })
        .properties.ipConfigurations[0]!.properties,
    ).not.toHaveProperty('applicationSecurityGroups');
    expect(server.schemaProblems).toEqual([]);
  });
});
