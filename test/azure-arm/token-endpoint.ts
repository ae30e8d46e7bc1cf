/**
 * A token endpoint in the shape of the Azure instance metadata service (plain http, as IMDS is):
 * with AZURE_POD_IDENTITY_AUTHORITY_HOST pointing at it, @azure/identity's DefaultAzureCredential
 * gets a token through its managed-identity path, so the CLI runs against the local ARM server
 * with its default credential chain and no Azure account. The path is requested with a trailing
 * slash and the `Metadata: true` header (observed with @azure/identity 4.13).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** IMDS-shaped tokens for any resource; the ARM server accepts any bearer token. */
export function startTokenEndpoint(port = 0): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.replace(/\/$/, '') !== '/metadata/identity/oauth2/token' || req.headers.metadata !== 'true') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 'invalid_request', error_description: 'Required metadata header not specified' }),
      );
      return;
    }
    const expires = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: 'local-arm-token',
        expires_in: '3600',
        expires_on: String(expires),
        resource: url.searchParams.get('resource') ?? 'https://management.azure.com/',
        token_type: 'Bearer',
      }),
    );
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }),
    ),
  );
}
