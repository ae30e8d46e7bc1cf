/**
 * What the HTTPS handlers (functions/ingress.ts) share: replies, the body, and authentication.
 * A request that fails authentication gets 401 and changes nothing; the reason is logged, never
 * returned (the caller learns nothing it could use).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpReply = APIGatewayProxyStructuredResultV2;

export function reply(statusCode: number, body?: unknown): HttpReply {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === wanted);
  return found?.[1];
}

/**
 * Constant-time comparison of a shared secret: both sides are hashed first, so neither the
 * content nor the length of the expected secret leaks through timing.
 */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface PushTokenExpectation {
  audience: string;
  /** The push subscription's service account: the token's `email`. */
  serviceAccount: string;
}

/**
 * Verifies a Pub/Sub push OIDC token (CLOUD-FACTS.md §3.7): signature against Google's
 * certificates, expiry, issuer, audience, then `email` and `email_verified`. `client` is injected
 * in tests (a local certificate endpoint).
 */
export async function verifyPushToken(
  authorization: string | undefined,
  expected: PushTokenExpectation,
  client: OAuth2Client,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, reason: 'no bearer token' };
  try {
    const ticket = await client.verifyIdToken({ idToken: token, audience: expected.audience });
    const payload = ticket.getPayload();
    if (payload?.email !== expected.serviceAccount || payload.email_verified !== true)
      return {
        ok: false,
        reason: `token signed for ${payload?.email ?? 'no email'}, expected ${expected.serviceAccount}`,
      };
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `token refused: ${(e as Error).message}` };
  }
}
