/**
 * A self-signed certificate for the local ARM server, made at test time with openssl (on the
 * machine; no key material is committed). The Azure SDKs' bearer-token policy refuses plain http
 * (CLOUD-FACTS §7.1), so the server speaks https; clients trust this certificate either through
 * NODE_EXTRA_CA_CERTS at process start (the CLI) or through the SDK's `tlsOptions.ca`
 * (adapters/azure/connect.ts does that when the env it is given names the file).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
  /** The certificate as a PEM file: the value for NODE_EXTRA_CA_CERTS. */
  certFile: string;
}

export function makeCertificate(dir = mkdtempSync(join(tmpdir(), 'segsync-arm-'))): TestCertificate {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
