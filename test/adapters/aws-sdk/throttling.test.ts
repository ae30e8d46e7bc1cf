/**
 * EC2 throttling through the apply engine, over the real SDK: a proxy in front of moto answers
 * every fifth write with EC2's RequestLimitExceeded (HTTP 503, EC2's XML error document; moto
 * itself never throttles, CLOUD-FACTS §7). The Pacer (adapters/engine/paced-api.ts) wrapped
 * around each location's API by connectAws slows that location down and retries the call; the
 * reconcile converges to the same verified state. Real clock: the back-off is really waited.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectAws } from '../../../adapters/aws/connect.ts';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import { azureAdapter } from '../../../adapters/azure/index.ts';
import { realClock } from '../../../adapters/engine/clock.ts';
import { Pacer } from '../../../adapters/engine/paced-api.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import { reconcile } from '../../../adapters/reconcile.ts';
import type { CompileContext } from '../../../core/model/budgets.ts';
import { loadPolicy } from '../../../core/policy/load.ts';
import { verify } from '../../../core/verify/index.ts';
import { startMoto, type Moto } from '../../helpers/moto.ts';
import { emptyNative } from '../../helpers/native.ts';
import { motoEnv } from './moto-estate.ts';
import { ec2ErrorXml, startProxy } from './proxy.ts';
import { seedShop, SHOP_TARGETS } from './shop-estate.ts';

const policy = loadPolicy('examples/three-tier.yaml');
const ctx: CompileContext = { deploymentId: 'shop', limits: { aws: { inlineCidrsMax: 0 } } };
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  await seedShop(moto.endpoint);
});

async function judged() {
  const apis = await connectAws(SHOP_TARGETS, { deploymentId: ctx.deploymentId, env: motoEnv(moto.endpoint) });
  const { workloads, state } = await awsAdapter(apis).read();
  return verify(policy, { workloads }, { ...emptyNative(), aws: state });
}

describe('EC2 throttling on moto, through the Pacer', () => {
  it('GIVEN EC2 throttling every fifth write WHEN reconciled through the Pacer THEN the throttled calls are retried and the result is the same verified state', async () => {
    let writes = 0;
    const throttling = await startProxy(moto.endpoint, (form) => {
      const action = form.get('Action') ?? '';
      if (/^(Describe|Get|AssumeRole|GetCallerIdentity)/.test(action) || ++writes % 5 !== 1) return undefined;
      return { status: 503, body: ec2ErrorXml('RequestLimitExceeded', 'Request limit exceeded.') };
    });
    try {
      const pacer = new Pacer({ clock: realClock });
      const apis = await connectAws(SHOP_TARGETS, {
        deploymentId: ctx.deploymentId,
        env: motoEnv(throttling.url),
        wrap: pacer.wrap,
      });
      const result = await reconcile(
        policy,
        { aws: awsAdapter(apis), azure: azureAdapter([]), gcp: gcpAdapter([]) },
        ctx,
      );
      expect(result.last.plan.steps).toEqual([]);
      const throttled = pacer.stats().reduce((n, s) => n + s.throttled, 0);
      expect(throttled).toBeGreaterThan(5);
      console.log(
        `throttled: ${throttled} RequestLimitExceeded answers retried by the Pacer over ${writes} writes sent`,
      );
    } finally {
      await throttling.close();
    }
    expect((await judged()).disagreements).toEqual([]);
  });
});
