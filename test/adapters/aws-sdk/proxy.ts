/**
 * A tiny HTTP proxy in front of moto: it records every request's form body (EC2 and STS are
 * query-protocol POSTs) and can answer some requests itself, e.g. with EC2's XML error document
 * for answers moto never gives (RequestLimitExceeded, DependencyViolation). Real SDK, real HTTP.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  status: number;
  body: string;
}

export interface Proxy {
  url: string;
  /** Form bodies of every request received, answered or forwarded. */
  seen: URLSearchParams[];
  close(): Promise<void>;
}

/** EC2's XML error document, as EC2 sends it. */
export const ec2ErrorXml = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`;

export async function startProxy(
  target: string,
  intercept: (form: URLSearchParams) => Answer | undefined = () => undefined,
): Promise<Proxy> {
  const to = new URL(target);
  const seen: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString());
      seen.push(form);
      const answer = intercept(form);
      if (answer) {
        res.writeHead(answer.status, { 'content-type': 'text/xml' });
        res.end(answer.body);
        return;
      }
      const out = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (reply) => {
          res.writeHead(reply.statusCode ?? 500, reply.headers);
          reply.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
