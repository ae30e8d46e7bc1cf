import { describe, expect, it } from 'vitest';
import type { AzureSecurityRule } from '../../../core/model/native/azure.ts';
import { CloudApiError } from '../../../adapters/errors.ts';
import { SandboxAzure, type AzureLimits } from '../../../adapters/sandbox/azure.ts';
import { RG, SUB, asgRef, failure, rule, twoVnets } from './azure-helpers.ts';

/** PUTs an NSG with these rules in a fresh sandbox; resolves to the error code, or 'ok'. */
async function put(
  rules: AzureSecurityRule[],
  limits: Partial<AzureLimits> = {},
  asgs: string[] = [],
): Promise<string> {
  const api = SandboxAzure.fromEstate(twoVnets(), { limits }).api(SUB);
  for (const a of asgs)
    await api.createOrUpdateApplicationSecurityGroup(RG, a, { location: a === 'asg-east' ? 'eastus' : 'westeurope' });
  try {
    await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
      location: 'westeurope',
      properties: { securityRules: rules },
    });
    return 'ok';
  } catch (e) {
    if (!(e instanceof CloudApiError)) throw e;
    expect(e.status).toBe(400);
    return e.code;
  }
}

const many = (
  n: number,
  over: (i: number) => Partial<AzureSecurityRule['properties']> = () => ({}),
): AzureSecurityRule[] => Array.from({ length: n }, (_, i) => rule(`r${i}`, { priority: 100 + i, ...over(i) }));
const asgSide = (names: string[]): Partial<AzureSecurityRule['properties']> => ({
  sourceAddressPrefix: undefined,
  sourceApplicationSecurityGroups: names.map((n) => asgRef(n)),
});

describe('SandboxAzure security rule validation (GIVEN an NSG PUT with one bad rule WHEN sent THEN 400 with the ARM code)', () => {
  it.each([
    ['priority below 100', rule('a', { priority: 99 }), 'SecurityRuleInvalidPriority'],
    ['priority above 4096', rule('a', { priority: 4097 }), 'SecurityRuleInvalidPriority'],
    ['priority 4096 (edge)', rule('a', { priority: 4096 }), 'ok'],
    ['name of 81 chars', rule('a'.repeat(81)), 'InvalidResourceName'],
    ['name of 80 chars ending in _', rule(`${'a'.repeat(79)}_`), 'ok'],
    ['name ending in -', rule('allow-'), 'InvalidResourceName'],
    ['name starting with .', rule('.allow'), 'InvalidResourceName'],
    ['protocol TCP (not the enum spelling)', rule('a', { protocol: 'TCP' }), 'SecurityRuleInvalidProtocol'],
    ['protocol Ah', rule('a', { protocol: 'Ah' }), 'ok'],
    [
      'comma list in a single port field',
      rule('a', { destinationPortRange: '80,443' }),
      'SecurityRuleInvalidPortRange',
    ],
    ['reversed port range', rule('a', { destinationPortRange: '90-80' }), 'SecurityRuleInvalidPortRange'],
    ['port 65536', rule('a', { destinationPortRange: '65536' }), 'SecurityRuleInvalidPortRange'],
    ['port list', rule('a', { destinationPortRange: undefined, destinationPortRanges: ['80', '8000-8100'] }), 'ok'],
    ['both port fields', rule('a', { destinationPortRanges: ['80'] }), 'SecurityRuleInvalidPortRange'],
    ['no port field', rule('a', { sourcePortRange: undefined }), 'SecurityRuleInvalidPortRange'],
    [
      'prefix and prefixes on one side',
      rule('a', { sourceAddressPrefixes: ['10.0.1.0/24'] }),
      'SecurityRuleInvalidAddressSpecification',
    ],
    ['no source at all', rule('a', { sourceAddressPrefix: undefined }), 'SecurityRuleInvalidAddressSpecification'],
    [
      '* inside the plural field',
      rule('a', { sourceAddressPrefix: undefined, sourceAddressPrefixes: ['10.0.1.0/24', '*'] }),
      'SecurityRuleParameterContainsUnsupportedValue',
    ],
    [
      'service tag inside the plural field',
      rule('a', { sourceAddressPrefix: undefined, sourceAddressPrefixes: ['VirtualNetwork'] }),
      'SecurityRuleParameterContainsUnsupportedValue',
    ],
    ['CIDR with host bits', rule('a', { sourceAddressPrefix: '10.0.0.5/24' }), 'SecurityRuleInvalidAddressPrefix'],
    ['service tag in the singular field', rule('a', { sourceAddressPrefix: 'VirtualNetwork' }), 'ok'],
    [
      'IPv6 prefixes',
      rule('a', { sourceAddressPrefix: undefined, sourceAddressPrefixes: ['fd00::/64', '2001:db8::1'] }),
      'ok',
    ],
    ['description of 141 chars', rule('a', { description: 'x'.repeat(141) }), 'SecurityRuleDescriptionTooLong'],
  ])('%s', async (_what, r, code) => {
    expect(await put([r])).toBe(code);
  });

  it('GIVEN two rules with the same priority WHEN same direction THEN SecurityRuleConflict; WHEN opposite directions THEN accepted', async () => {
    expect(await put([rule('a'), rule('b')])).toBe('SecurityRuleConflict');
    expect(await put([rule('a'), rule('b', { direction: 'Outbound' })])).toBe('ok');
    expect(await put([rule('a'), rule('A', { priority: 101 })])).toBe('DuplicateResourceName');
  });

  it('GIVEN an existing rule WHEN a child PUT reuses its priority and direction THEN 400 SecurityRuleConflict naming both', async () => {
    const api = SandboxAzure.fromEstate(twoVnets()).api(SUB);
    await api.createOrUpdateNetworkSecurityGroup(RG, 'nsg-1', {
      location: 'westeurope',
      properties: { securityRules: [rule('first')] },
    });
    const err = await failure(api.createOrUpdateSecurityRule(RG, 'nsg-1', 'second', rule('second')));
    expect([err.code, err.message]).toEqual([
      'SecurityRuleConflict',
      expect.stringContaining('Security rule first conflicts with rule second'),
    ]);
    await expect(
      api.createOrUpdateSecurityRule(RG, 'nsg-1', 'first', rule('first', { destinationPortRange: '8443' })),
    ).resolves.toMatchObject({ properties: { destinationPortRange: '8443' } });
  });

  it('GIVEN NSG quotas WHEN a PUT exceeds rules, prefixes per side or ASGs per NSG THEN the limit errors', async () => {
    expect(await put(many(4), { rulesPerNsg: 3 })).toBe('SecurityRuleCountLimitReached');
    expect(await put(many(3), { rulesPerNsg: 3 })).toBe('ok');
    const prefixes = (i: number) => ({
      sourceAddressPrefix: undefined,
      sourceAddressPrefixes: [`10.${i}.0.0/16`, `10.${i}.1.0/24`],
    });
    expect(await put(many(3, prefixes), { prefixesPerNsgSide: 5 })).toBe(
      'SecurityRuleAddressesOrPortsPerSecurityGroupLimitReached',
    );
    expect(
      await put(
        many(3, (i) => asgSide([`asg-${i}`])),
        { asgsPerNsg: 2 },
        ['asg-0', 'asg-1', 'asg-2'],
      ),
    ).toBe('NumberOfApplicationSecurityGroupsReferencedInSecurityGroupLimitReached');
  });

  it('GIVEN ASG references WHEN too many per side, missing, or in another region THEN 400', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `asg-${i}`);
    expect(await put([rule('a', asgSide(names))], {}, names)).toBe(
      'NumberOfApplicationSecurityGroupsReferencedInSecurityRuleLimitReached',
    );
    expect(await put([rule('a', asgSide(names.slice(0, 10)))], {}, names)).toBe('ok');
    expect(await put([rule('a', asgSide(['asg-missing']))])).toBe('InvalidResourceReference');
    expect(await put([rule('a', asgSide(['asg-east']))], {}, ['asg-east'])).toBe('InvalidResourceReference');
    expect(await put([rule('a', { ...asgSide(['asg-0']), sourceAddressPrefix: '10.0.0.0/24' })], {}, ['asg-0'])).toBe(
      'SecurityRuleInvalidAddressSpecification',
    );
  });
});
