/**
 * The Azure fit (issue 9): member address sets merge per (family, protocol, ports), whatever class
 * the peers come from — one rule, one prefix list — exactly (adjacent addresses merged, never widened).
 */
import { describe, expect, it } from 'vitest';
import { compileAzure } from '../../../core/compile/azure.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { policyOf, tierSegments } from '../../helpers/policies.ts';
import { azureWorkload } from '../../helpers/workloads.ts';

const az = (name: string, ip: string, labels: Record<string, string>, vnet: string) =>
  azureWorkload(name, ip, labels, { vnet });

const policy = policyOf(`  defaults: { egress: allow, unlabeled: ignore }
${tierSegments('dns', 'web', 'app')}  rules:
    - { name: web-dns, from: web, to: dns, ports: [udp/53] }
    - { name: app-dns, from: app, to: dns, ports: [udp/53] }
`);

describe('fit: Azure member sets merged per protocol and ports', () => {
  it('GIVEN web and app in another VNet reach dns on udp/53 WHEN compiled THEN dns has ONE inbound rule with the union of their addresses', () => {
    const workloads = [
      az('dns-1', '10.0.0.53', { tier: 'dns' }, 'vnet-shared'),
      az('web-1', '10.1.0.4', { tier: 'web' }, 'vnet-apps'),
      az('web-2', '10.1.0.5', { tier: 'web' }, 'vnet-apps'),
      az('app-1', '10.1.0.6', { tier: 'app' }, 'vnet-apps'),
      az('app-2', '10.1.0.7', { tier: 'app' }, 'vnet-apps'),
    ];
    const { desired } = compileAzure(computeReach(policy, workloads), { deploymentId: 'prod' });
    const nsg = desired.nsgs.find((n) => n.network.endsWith('vnet-shared'))!;
    const inbound = nsg.rules.filter(
      (r) => r.properties.direction === 'Inbound' && r.properties.access === 'Allow' && r.fixedPriority === undefined,
    );
    expect(inbound).toHaveLength(1);
    // 10.1.0.4-7 from two classes is exactly one /30: adjacent ranges merged, never widened.
    expect(inbound[0]!.properties.sourceAddressPrefixes).toEqual(['10.1.0.4/30']);
    expect(inbound[0]!.properties.description).toMatch(/dns <- 2 classes elsewhere udp/);
  });
});
