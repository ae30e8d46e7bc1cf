/**
 * Azure Load Balancer health probes (168.63.129.16) reach managed VMs through segsync's NSGs by
 * default, and not with `azureLoadBalancerProbes: deny`; either way verify agrees with the policy,
 * because the probe is a platform flow it leaves out (docs/semantics.md "Platform flows").
 */
import { describe, expect, it } from 'vitest';
import { readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { explainNative, verify } from '../../../core/verify/index.ts';
import { policyOf } from '../../helpers/policies.ts';

const policy = (probes: string) =>
  policyOf(`  ${probes}
  externals: [{ name: platform, cidrs: [168.63.129.16/32] }]
  segments: [{ name: web, selector: "tier == 'web'" }]
  rules: [{ name: https, from: { cidrs: [10.9.0.0/16] }, to: web, ports: [tcp/443] }]
`);

async function applied(text: string) {
  const sandbox = Sandbox.fromEstate({
    aws: [],
    azure: [
      {
        id: 'vm-web',
        subscription: 'sub-1',
        region: 'westeurope',
        vnet: 'vnet-a',
        ip: '10.1.0.4',
        tags: { tier: 'web' },
      },
    ],
    gcp: [],
    awsSecurityGroups: [],
    gcpFirewalls: [],
  });
  const p = policy(text);
  await reconcile(p, sandbox.clouds(), { deploymentId: 'prod' }, { sleep: async () => {} });
  const world = await readWorld(sandbox.clouds());
  const ipConfiguration = world.state.azure.networkInterfaces[0]!.properties.ipConfigurations[0]!.id;
  const probe = explainNative(world.state, 'azure', 'ingress', {
    src: { address: '168.63.129.16' },
    dst: { address: '10.1.0.4', attachment: ipConfiguration },
    protocol: 'tcp',
    port: 8080,
  });
  return { probe, disagreements: verify(p, world.inventory, world.state).disagreements };
}

describe('Azure Load Balancer health probes', () => {
  it('GIVEN the default WHEN applied THEN the probe reaches the VM and verify agrees', async () => {
    const { probe, disagreements } = await applied('');
    expect(probe.allowed).toBe(true);
    expect(disagreements).toEqual([]);
  });

  it('GIVEN azureLoadBalancerProbes: deny WHEN applied THEN the probe is cut and verify agrees', async () => {
    const { probe, disagreements } = await applied('azureLoadBalancerProbes: deny');
    expect(probe.allowed).toBe(false);
    expect(disagreements).toEqual([]);
  });
});
