/**
 * The planner's order inside one security group survives the engine: when old ∪ new rules do not
 * fit a group, the plan revokes what the new policy drops *before* authorizing the new rules
 * (core/plan/aws-transition.ts), and the engine must keep that order, or the cloud refuses the
 * authorization (RulesPerSecurityGroupLimitExceeded) halfway through the apply.
 */
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { verify } from '../../../core/verify/index.ts';
import { readWorld } from '../../../adapters/reconcile.ts';
import { awsInstance, estateOf } from '../../helpers/estates.ts';
import { policyOf } from '../../helpers/policies.ts';

const limits = { aws: { rulesPerGroupPerDirectionPerFamily: 2, groupsPerInterface: 1 } };
const ctx = { deploymentId: 'prod', limits };
const policy = (ports: string) =>
  policyOf(`  segments: [{ name: web, selector: "tier == 'web'" }]
  rules: [{ name: r, from: { cidrs: [10.9.0.0/16] }, to: web, ports: [${ports}] }]
`);

describe('engine: early revokes keep their place before the authorizations that need their room', () => {
  it('GIVEN a full group WHEN the policy swaps both of its rules THEN the apply succeeds and verify agrees', async () => {
    const sandbox = Sandbox.fromEstate(estateOf({ aws: [awsInstance('i-web1', '10.0.1.10', { tier: 'web' })] }), {
      limits,
    });
    const clouds = sandbox.clouds();
    await reconcile(policy('tcp/1, tcp/3'), clouds, ctx, { sleep: async () => {} });
    const after = policy('tcp/5, tcp/7');
    const result = await reconcile(after, clouds, ctx, { sleep: async () => {} });
    expect(result.last.plan.steps).toEqual([]);
    const world = await readWorld(clouds);
    expect(verify(after, world.inventory, world.state).disagreements).toEqual([]);
  });
});
