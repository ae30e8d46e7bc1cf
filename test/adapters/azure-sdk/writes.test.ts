/**
 * Writes with the real Azure SDKs over HTTPS against the local ARM server: every Azure step kind,
 * a stale etag (412) becoming a re-read and re-plan, 429 with Retry-After and 409
 * AnotherOperationInProgress retried by the engine's Pacer, and long-running operations whose
 * final state is checked. Known differences from ARM: docs/azure.md ("The local ARM server").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realClock } from '../../../adapters/engine/clock.ts';
import { Pacer } from '../../../adapters/engine/paced-api.ts';
import { applySteps, planWorld, reconcile } from '../../../adapters/reconcile.ts';
import { ConflictError, TransientCloudError } from '../../../core/errors.ts';
import type { AzureNetworkInterface } from '../../../core/model/native/azure.ts';
import { verify } from '../../../core/verify/index.ts';
import { policyOf, sandboxShop, tierSegments } from '../../helpers/policies.ts';
import type { LocalArmServer } from '../../azure-arm/server.ts';
import { connect, DEPLOYMENT, nicId, rule, startServer, SUB_A, type SdkWorld } from './helpers.ts';

const ctx = { deploymentId: DEPLOYMENT };
const shop = sandboxShop(true, 'tcp/1414');
/** The shop without its db tier: db's NSG and ASG go away. */
const webAndApp = policyOf(`  exclusive: true
  defaults: { egress: deny, unlabeled: ignore }
  externals:
    - { name: internet, cidrs: [0.0.0.0/0] }
${tierSegments('web', 'app')}  rules:
    - { name: internet-to-web, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080] }
`);

let server: LocalArmServer;
let w: SdkWorld;
const open = async (options: Parameters<typeof startServer>[0] = {}) => {
  server = await startServer(options);
  w = await connect(server, undefined, 'fast');
};
afterEach(() => server.stop());

describe('Azure writes over the real SDKs', () => {
  beforeEach(() => open());

  it('GIVEN the shop applied WHEN the db tier leaves the policy THEN every step kind ran over the SDK and the result verifies with an empty re-plan', async () => {
    const kinds = new Set<string>();
    for (const policy of [shop, webAndApp]) {
      const planned = await planWorld(policy, w.clouds, ctx);
      planned.plan.steps.forEach((s) => kinds.add(s.kind));
      await reconcile(policy, w.clouds, ctx);
      const after = await planWorld(policy, w.clouds, ctx);
      expect(after.plan.steps).toEqual([]);
      expect(verify(policy, after.inventory, after.state).disagreements).toEqual([]);
    }
    expect([...kinds].sort()).toEqual(
      [
        'create-asg',
        'create-nsg',
        'delete-asg',
        'delete-nsg',
        'delete-rule',
        'join-asgs',
        'put-rule',
        'set-nic',
      ].sort(),
    );
    const owned = (await w.clouds.azure.read()).state.networkSecurityGroups.filter((n) => !n.name.startsWith('legacy'));
    expect(owned.length).toBeGreaterThan(0);
    expect(owned.some((n) => n.name.includes('db'))).toBe(false);
    expect(server.schemaProblems).toEqual([]);
  });

  it('GIVEN a plan WHEN someone writes a NIC before it is applied THEN the stale etag is a 412, a ConflictError, and reconcile re-reads, re-plans and converges keeping their change', async () => {
    const planned = await planWorld(shop, w.clouds, ctx);
    const api = server.sandbox.api(SUB_A);
    const web1 = await api.getNetworkInterface('rg-a', 'web-1-nic0');
    await api.createOrUpdateNetworkInterface('rg-a', 'web-1-nic0', {
      ...web1,
      tags: { owner: 'ops' },
    } as AzureNetworkInterface);
    await expect(applySteps(planned.plan.steps, w.clouds)).rejects.toBeInstanceOf(ConflictError);
    expect(server.calls.some((c) => c.status === 412)).toBe(true);
    await reconcile(shop, w.clouds, ctx);
    const after = await planWorld(shop, w.clouds, ctx);
    expect(after.plan.steps).toEqual([]);
    expect(verify(shop, after.inventory, after.state).disagreements).toEqual([]);
    expect((server.nic(nicId(SUB_A, 'rg-a', 'web-1-nic0')) as { tags?: unknown }).tags).toEqual({ owner: 'ops' });
  });

  it('GIVEN ARM throttles writes with 429 and Retry-After 1 WHEN reconciling THEN the Pacer waits at least that long, retries, and the apply converges', async () => {
    server.inject({ method: 'PUT', status: 429, code: 'TooManyRequests', retryAfterSeconds: 1, times: 3 });
    const started = Date.now();
    await reconcile(shop, w.clouds, ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.calls.filter((c) => c.status === 429)).toHaveLength(3);
    expect(w.pacer.stats().reduce((n, s) => n + s.throttled, 0)).toBeGreaterThanOrEqual(3);
    const after = await planWorld(shop, w.clouds, ctx);
    expect(after.plan.steps).toEqual([]);
    expect(verify(shop, after.inventory, after.state).disagreements).toEqual([]);
  });

  it('GIVEN an NSG whose last write is still running WHEN a second write arrives THEN ARM answers 409 AnotherOperationInProgress and the Pacer retries it until it lands', async () => {
    await server.stop();
    await open({ operationPolls: 3 });
    const api = server.sandbox.api(SUB_A);
    await api.createOrUpdateNetworkSecurityGroup('rg-a', 'nsg-busy', {
      location: 'westeurope',
      properties: { securityRules: [] },
    });
    // ARM's own rates here: no Retry-After comes with a 409, so the wait is the Pacer's backoff.
    const client = new Pacer({ clock: realClock }).wrap('azure', SUB_A, w.apis[0]!);
    await Promise.all([
      client.createOrUpdateSecurityRule('rg-a', 'nsg-busy', 'r1', rule('r1', 100)),
      client.createOrUpdateSecurityRule('rg-a', 'nsg-busy', 'r2', rule('r2', 110)),
    ]);
    expect(server.calls.filter((c) => c.status === 409).length).toBeGreaterThan(0);
    const nsg = await api.getNetworkSecurityGroup('rg-a', 'nsg-busy');
    expect(nsg.properties.securityRules.map((r) => r.name).sort()).toEqual(['r1', 'r2']);
  });

  it('GIVEN stale etags and failed operations WHEN writing THEN each comes back as the class the engine acts on', async () => {
    const [sdk] = w.apis;
    const created = await sdk!.createOrUpdateNetworkSecurityGroup('rg-a', 'nsg-x', {
      location: 'westeurope',
      properties: { securityRules: [rule('r1', 100)] },
    });
    expect(created.properties.provisioningState).toBe('Succeeded');
    expect(created.properties.securityRules?.map((r) => r.name)).toEqual(['r1']);
    const conflict = sdk!
      .createOrUpdateNetworkSecurityGroup(
        'rg-a',
        'nsg-x',
        { location: 'westeurope', properties: { securityRules: [] } },
        { ifMatch: 'W/"stale"' },
      )
      .catch((e: unknown) => e);
    expect(await conflict).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    // A priority taken twice in one direction: refused by ARM's rule check.
    await expect(sdk!.createOrUpdateSecurityRule('rg-a', 'nsg-x', 'r2', rule('r2', 100))).rejects.toMatchObject({
      code: 'SecurityRuleConflict',
    });
    // The operation fails after the PUT was accepted: the failure's ARM code is kept.
    server.failNextOperation('InternalServerError');
    const step = {
      cloud: 'azure' as const,
      kind: 'create-asg' as const,
      phase: 'create' as const,
      scope: SUB_A,
      network: 'azure:x',
      target: 'asg-x',
      resourceGroup: 'rg-a',
      name: 'asg-x',
      location: 'westeurope',
      tags: {},
    };
    await expect(w.clouds.azure.apply(step as never)).rejects.toBeInstanceOf(TransientCloudError);
  });
});
