/**
 * The AWS part of examples/hybrid-estate.yaml, seeded into moto with the SDK, plus one
 * account × Region more so one scenario spans two accounts and two Regions:
 *
 *   111111111111 eu-west-1  vpc 10.10.0.0/16 (+IPv6)  prod-web1 (IPv6), prod-web2, prod-app1,
 *                                                    bastion (foreign group legacy-ssh, no segment)
 *   111111111111 us-east-1  vpc 10.13.0.0/16          prod-db1   (not in the example: second Region)
 *   222222222222 eu-west-1  vpc 10.11.0.0/16          dev-web1, dev-app1, dev-app2 (not in the example:
 *                                                    the re-tag moves it into dev-web)
 *
 * Tags are written as in the example (mixed case: App=Shop, Tier=App). The policy is
 * examples/three-tier.yaml. Both accounts are reached by AssumeRole (role `segsync`).
 */
import type { AwsTargets } from '../../../core/config/types.ts';
import { ec2In, foreignGroup, launch, seedVpc, SEGSYNC_ROLE, type Launched } from './moto-estate.ts';

export const PROD = '111111111111';
export const DEV = '222222222222';

export const SHOP_TARGETS: AwsTargets = {
  accounts: [
    { id: PROD, role: SEGSYNC_ROLE, regions: ['eu-west-1', 'us-east-1'] },
    { id: DEV, role: SEGSYNC_ROLE, externalId: 'shop-dev', regions: ['eu-west-1'] },
  ],
  connectivity: [],
};

export interface ShopEstate {
  instances: Record<string, Launched>;
  legacySsh: string;
  vpcs: { prod: string; prodUs: string; dev: string };
}

export async function seedShop(endpoint: string): Promise<ShopEstate> {
  const [prod, prodUs, dev] = await Promise.all([
    ec2In(endpoint, PROD, 'eu-west-1'),
    ec2In(endpoint, PROD, 'us-east-1'),
    ec2In(endpoint, DEV, 'eu-west-1'),
  ]);
  const prodVpc = await seedVpc(prod, '10.10.0.0/16', '10.10.0.0/20', { ipv6: true });
  const prodUsVpc = await seedVpc(prodUs, '10.13.0.0/16', '10.13.0.0/20');
  const devVpc = await seedVpc(dev, '10.11.0.0/16', '10.11.0.0/20');
  const legacySsh = await foreignGroup(prod, prodVpc.vpcId, 'legacy-ssh', 22, '192.0.2.0/24');
  const instances: Record<string, Launched> = {
    'prod-web1': await launch(
      prod,
      prodVpc,
      '10.10.1.10',
      { App: 'shop', Tier: 'web', Env: 'prod', Name: 'prod-web-1' },
      { ipv6: true },
    ),
    'prod-web2': await launch(prod, prodVpc, '10.10.1.11', { app: 'shop', tier: 'web', env: 'prod' }),
    'prod-app1': await launch(prod, prodVpc, '10.10.2.10', { App: 'Shop', Tier: 'App', Env: 'Prod' }),
    bastion: await launch(prod, prodVpc, '10.10.0.5', { Name: 'bastion', Owner: 'ops' }, { groups: [legacySsh] }),
    'prod-db1': await launch(prodUs, prodUsVpc, '10.13.3.10', { app: 'shop', tier: 'db', env: 'prod' }),
    'dev-web1': await launch(dev, devVpc, '10.11.1.10', { App: 'shop', Tier: 'web', Env: 'dev' }),
    'dev-app1': await launch(dev, devVpc, '10.11.2.10', { app: 'shop', tier: 'app', env: 'dev' }),
    'dev-app2': await launch(dev, devVpc, '10.11.2.11', { app: 'shop', tier: 'app', env: 'dev' }),
  };
  return { instances, legacySsh, vpcs: { prod: prodVpc.vpcId, prodUs: prodUsVpc.vpcId, dev: devVpc.vpcId } };
}
