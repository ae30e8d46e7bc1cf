/**
 * The local Compute server on its own, for trying the CLI against "GCP" without an account:
 *
 *   node --import tsx test/gcp-compute/main.ts --estate examples/hybrid-estate.yaml --port 8123
 *   SEGSYNC_GCP_ENDPOINT=http://127.0.0.1:8123 SEGSYNC_GCP_ACCESS_TOKEN=local-compute-test-token \
 *     segsync apply --config examples/segsync.yaml
 *
 * Seeds the estate's GCP part (instances, foreign firewall rules), prints the two variables, and
 * on exit (Ctrl-C) prints the Compute calls it answered and any request or response that broke
 * the discovery document.
 */
import { parseArgs } from 'node:util';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { LocalCompute, TEST_TOKEN } from './server.ts';

const { values } = parseArgs({
  options: {
    estate: { type: 'string', default: 'examples/hybrid-estate.yaml' },
    port: { type: 'string', default: '8123' },
  },
});
const compute = await LocalCompute.start(loadEstate(values.estate), { port: Number(values.port) });
console.log(`local Compute server for ${values.estate}
export SEGSYNC_GCP_ENDPOINT=${compute.url}
export SEGSYNC_GCP_ACCESS_TOKEN=${TEST_TOKEN}`);

process.on('SIGINT', () => {
  console.log(
    JSON.stringify({ calls: compute.counts(), rejected: compute.rejected, violations: compute.violations }, null, 2),
  );
  void compute.close().then(() => process.exit(0));
});
