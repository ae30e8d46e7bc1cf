/**
 * End to end against moto over HTTP with the real SDK: the shop estate (shop-estate.ts: the AWS
 * part of examples/hybrid-estate.yaml over two accounts and two Regions) → reconcile with
 * examples/three-tier.yaml through connectAws + awsAdapter → read back with fresh clients → the
 * AWS native evaluator agrees with the intent oracle for every flow → a second plan is empty →
 * a re-tag is one ModifyNetworkInterfaceAttribute → a policy that cannot fit fails before any write.
 *
 * API calls are counted with SDK middleware on every EC2 client connectAws makes (performance
 * guard, STYLE G11); the counts are printed for the closing note and docs/aws.md.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectAws } from '../../../adapters/aws/connect.ts';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import { planWorld, reconcile, type Clouds } from '../../../adapters/reconcile.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import { loadPolicy } from '../../../core/policy/load.ts';
import { verify } from '../../../core/verify/index.ts';
import { startMoto, type Moto } from '../../helpers/moto.ts';
import { emptyNative } from '../../helpers/native.ts';
import { CallCounter, ec2In, motoEnv, retag } from './moto-estate.ts';
import { DEV, PROD, seedShop, SHOP_TARGETS, type ShopEstate } from './shop-estate.ts';

const policy = loadPolicy('examples/three-tier.yaml');
// Address sets as prefix lists (not inline), so the full apply exercises them too.
const ctx: CompileContext = { deploymentId: 'shop', limits: { aws: { inlineCidrsMax: 0 } } };
let moto: Moto;
let estate: ShopEstate;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  estate = await seedShop(moto.endpoint);
});

/** Clouds over fresh SDK clients (AWS only), every EC2 call counted by `counter`. */
async function clouds(counter?: CallCounter, targets = SHOP_TARGETS): Promise<Clouds> {
  const apis = await connectAws(targets, {
    deploymentId: ctx.deploymentId,
    env: motoEnv(moto.endpoint),
    ...(counter ? { instrument: counter.add } : {}),
  });
  return { aws: awsAdapter(apis), azure: azureAdapter([]), gcp: gcpAdapter([]) };
}

/** Reads with fresh clients and judges every flow: native AWS evaluator vs the intent oracle. */
async function judged() {
  const c = await clouds();
  const { workloads, state } = await c.aws.read();
  return { workloads, state, result: verify(policy, { workloads }, { ...emptyNative(), aws: state }) };
}

describe('the shop estate on moto: reconcile → read back → verify', () => {
  it('GIVEN the seeded estate WHEN reconciled THEN the evaluator agrees with intent on every flow, a second plan is empty, and a re-tag within a VPC is one ModifyNetworkInterfaceAttribute', async () => {
    const full = new CallCounter();
    const first = await reconcile(policy, await clouds(full), ctx);
    expect(first.applied).toBeGreaterThan(0);
    expect(first.last.plan.steps).toEqual([]);
    console.log(`full apply: ${full.total()} EC2 calls (${full.writes()} writes): ${full.summary()}`);

    const { workloads, state, result } = await judged();
    expect(workloads.map((w) => w.location.account + '/' + w.location.region).sort()).toContain(`${PROD}/us-east-1`);
    expect(result.checked).toBeGreaterThan(100);
    expect(result.disagreements).toEqual([]);
    // Unmanaged bastion keeps its foreign group.
    const bastionEni = state.NetworkInterfaces.find((e) => e.NetworkInterfaceId === estate.instances.bastion!.enis[0]);
    expect(bastionEni!.Groups.map((g) => g.GroupId)).toEqual([estate.legacySsh]);

    expect((await planWorld(policy, await clouds(), ctx)).plan.steps).toEqual([]);

    // dev-app2 moves to dev-web: one membership write, nothing else. (A move into prod-web would
    // not be: internet → prod-web opens every managed workload's egress to prod-web's addresses,
    // so prod-web members sit in other networks' address sets, DESIGN.md §2.)
    await retag(await ec2In(moto.endpoint, DEV, 'eu-west-1'), estate.instances['dev-app2']!.instanceId, {
      tier: 'web',
    });
    const one = new CallCounter();
    const c = await clouds(one);
    const planned = await planWorld(policy, c, ctx);
    expect(planned.plan.steps.map((s) => s.kind)).toEqual(['set-membership']);
    one.reset();
    const second = await reconcile(policy, c, ctx);
    expect(second.applied).toBe(1);
    expect(one.writes()).toBe(1);
    expect(one.calls.get('ModifyNetworkInterfaceAttribute')).toBe(1);
    console.log(`re-tag: ${one.total()} EC2 calls (${one.writes()} write): ${one.summary()}`);
    const after = await judged();
    expect(after.result.disagreements).toEqual([]);
    const moved = after.workloads.find((w) => w.nativeId === estate.instances['dev-app2']!.instanceId)!;
    const webGroups = after.state.NetworkInterfaces.find(
      (e) => e.NetworkInterfaceId === estate.instances['dev-web1']!.enis[0],
    )!.Groups;
    const movedEni = after.state.NetworkInterfaces.find((e) => e.NetworkInterfaceId === moved.attachments[0]!.id)!;
    expect(moved.labels.tier).toBe('web');
    expect(movedEni.Groups).toEqual(webGroups);
  });

  it('GIVEN a rule budget the policy cannot fit WHEN reconciled THEN it fails with the quota error before any write', async () => {
    const counter = new CallCounter();
    const tight: CompileContext = {
      ...ctx,
      limits: { aws: { ...ctx.limits!.aws, rulesPerGroupPerDirectionPerFamily: 1, groupsPerInterface: 1 } },
    };
    const err = await reconcile(policy, await clouds(counter), tight).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect((err as Error).message).toMatch(/quota violations, nothing written/);
    expect((err as Error).message).toMatch(/security groups per network interface .* the limit is 1/);
    expect(counter.writes()).toBe(0);
    expect(counter.total()).toBeGreaterThan(0);
    console.log(`cannot fit: ${(err as Error).message.split('\n').slice(0, 3).join(' | ')}`);
  });
});
