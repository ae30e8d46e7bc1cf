/**
 * Runs the local ARM server from the command line, seeded from an estate file, for the CLI:
 *
 *   npx tsx test/azure-arm/main.ts --estate examples/hybrid-estate.yaml [--port 8443]
 *
 * It prints the environment the CLI needs: SEGSYNC_AZURE_ENDPOINT (https, certificate made now),
 * NODE_EXTRA_CA_CERTS (that certificate; Node reads it at start, so export it before running
 * segsync), and AZURE_POD_IDENTITY_AUTHORITY_HOST: a plain-http token endpoint in the shape of the
 * instance metadata service, so DefaultAzureCredential gets a token through its managed-identity
 * path without any Azure account (CLOUD-FACTS §7.1). Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { LocalArmServer } from './server.ts';
import { startTokenEndpoint } from './token-endpoint.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { estate: { type: 'string' }, port: { type: 'string' }, 'token-port': { type: 'string' } },
  });
  if (!values.estate) {
    console.error('usage: npx tsx test/azure-arm/main.ts --estate <estate.yaml> [--port 8443] [--token-port 8444]');
    process.exit(2);
  }
  const arm = await LocalArmServer.start({ estate: loadEstate(values.estate), port: Number(values.port ?? 0) });
  const token = await startTokenEndpoint(Number(values['token-port'] ?? 0));
  console.log(`export SEGSYNC_AZURE_ENDPOINT=${arm.endpoint}`);
  console.log(`export NODE_EXTRA_CA_CERTS=${arm.certificate.certFile}`);
  console.log(`export AZURE_POD_IDENTITY_AUTHORITY_HOST=${token.url}`);
  console.log(`# subscriptions: ${arm.sandbox.subscriptions().join(', ')}`);
  const stop = () => {
    token.close();
    void arm.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
