/**
 * Seeds a running moto server with the shop estate (shop-estate.ts) and writes a deployment
 * configuration for it, so `segsync apply|verify --config` can be tried against moto by hand
 * (docs/aws.md "Trying it against moto"):
 *
 *   python3 -m moto.server -H 127.0.0.1 -p 5000 &
 *   npx tsx test/adapters/aws-sdk/seed-moto.ts http://127.0.0.1:5000 /tmp/segsync-moto.yaml
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seedShop, SHOP_TARGETS } from './shop-estate.ts';

const [endpoint = 'http://127.0.0.1:5000', out = 'segsync-moto.yaml'] = process.argv.slice(2);
const estate = await seedShop(endpoint);
const accounts = SHOP_TARGETS.accounts
  .map(
    (a) => `      - id: "${a.id}"
        role: arn:aws:iam::${a.id}:role/${a.role}
${a.externalId ? `        externalId: ${a.externalId}\n` : ''}        regions: [${a.regions.join(', ')}]`,
  )
  .join('\n');
writeFileSync(
  out,
  `# The shop estate seeded into moto at ${endpoint} by test/adapters/aws-sdk/seed-moto.ts.
apiVersion: segsync/v1
kind: Deployment
metadata:
  name: shop
spec:
  policy: ${resolve('examples/three-tier.yaml')}
  aws:
    accounts:
${accounts}
    connectivity: []
`,
);
console.log(`seeded ${Object.keys(estate.instances).length} instances in ${Object.values(estate.vpcs).join(', ')}`);
console.log(
  `wrote ${out}; now: SEGSYNC_AWS_ENDPOINT=${endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test segsync apply --config ${out}`,
);
