/**
 * An Azure refusal says what the issue 9 refusal says: every segment over an NSG limit (not the
 * first), its network, the policy rules (file:line) that bring the weight, and the smallest fixes.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../core/compile/index.ts';
import { policyOf } from '../../helpers/policies.ts';
import { azureWorkload } from '../../helpers/workloads.ts';
import { refusal } from '../../helpers/refusal.ts';

const policy = policyOf(
  `  defaults: { egress: deny }
  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: api, selector: "tier == 'api'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: web-to-api, from: web, to: api, ports: [tcp/8443] }
    - { name: web-to-db, from: web, to: db, ports: [tcp/5432] }
`,
  'refusal',
);
// web sits in another VNet, so api and db name its members by address (ASGs stay in one VNet).
const workloads = [
  ...['10.9.0.4', '10.9.0.6', '10.9.0.8', '10.9.0.10'].map((ip, i) =>
    azureWorkload(`web-${i}`, ip, { tier: 'web' }, { vnet: 'vnet-b' }),
  ),
  azureWorkload('api-1', '10.0.0.4', { tier: 'api' }),
  azureWorkload('db-1', '10.0.1.4', { tier: 'db' }),
];

describe('an Azure refusal', () => {
  it('GIVEN two segments over the prefix limit THEN both are named, each with its network, rules and fixes', () => {
    const e = refusal(() =>
      compile(policy, { workloads }, { deploymentId: 'prod', limits: { azure: { prefixesPerNsgSide: 6 } } }),
    );
    const azure = e.violations.filter((v) => v.cloud === 'azure');
    expect(azure.map((v) => v.segment).sort()).toEqual(['api', 'db']);
    const api = azure.find((v) => v.segment === 'api')!;
    expect(api.limit).toBe('source address prefixes per NSG');
    expect(api.network).toMatch(/vnet-a$/);
    // web's 4 members sit in vnet-b, where no ASG of vnet-a reaches.
    expect(api.unreachable).toBe(4);
    expect(api.rules).toEqual([expect.stringMatching(/^refusal\.yaml:\d+ web-to-api \(4 peer members\)$/)]);
    expect(api.fixes?.[0]).toMatch(/^narrow the rules that bring the most peers \(refusal\.yaml:\d+ web-to-api\)/);
    expect(api.fixes?.some((f) => f.startsWith('segment-aligned subnets + compression'))).toBe(true);
    expect(api.fixes?.some((f) => f.startsWith('end-to-end mode'))).toBe(true);
    expect(e.message).toMatch(/^2 quota violations, nothing written/);
  });
});
