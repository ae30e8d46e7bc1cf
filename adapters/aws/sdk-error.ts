/**
 * What the AWS SDK throws, turned into the one error type every Ec2Api throws (adapters/errors.ts
 * CloudApiError): the EC2 error code and HTTP status, untranslated, so errors.ts's table and
 * classifyCloudError judge the real SDK and the sandbox alike. No code is compared here.
 *
 * - An EC2 error answer (XML `<Response><Errors><Error><Code>`): the SDK's ServiceException, whose
 *   `name` is the code (`InvalidPermission.Duplicate`, `RequestLimitExceeded`, …).
 * - A body the SDK cannot parse (an emulator's HTML error page, a proxy's 502 page): the SDK says
 *   "XML parse error … Deserialization error"; that tells a user nothing, so it becomes
 *   `NonXmlResponse` naming the operation, the endpoint and the HTTP status, and the body's first
 *   line. Status ≥ 500 stays ≥ 500, so it is classified transient like any server error.
 * - A connection failure (no answer at all) is passed through unchanged: classifyCloudError
 *   recognises it by its socket code (isNetworkError).
 * The SDK's exception is NOT kept as `cause`: it holds the raw HTTP exchange, request headers
 * included (the access key id in Authorization), and causes get logged and printed.
 */
import { CloudApiError, isNetworkError } from '../errors.ts';

/** The code given to an answer that is not an EC2 error document. */
export const NON_XML_RESPONSE = 'NonXmlResponse';

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number };
  $responseBodyText?: unknown;
}

/**
 * @example
 * try { await client.send(cmd); } catch (e) { throw toCloudApiError(e, 'DescribeInstances', endpoint); }
 */
export function toCloudApiError(e: unknown, operation: string, endpoint: string): unknown {
  if (e instanceof CloudApiError || isNetworkError(e) || e === null || typeof e !== 'object') return e;
  const err = e as SdkErrorShape;
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  const message = typeof err.message === 'string' ? err.message : String(e);
  if (isUnparsedBody(err, message)) {
    const body = typeof err.$responseBodyText === 'string' ? firstText(err.$responseBodyText) : '';
    return new CloudApiError(
      'aws',
      NON_XML_RESPONSE,
      `${operation} at ${endpoint} answered HTTP ${status ?? '?'} with a body that is not an EC2 response` +
        `${body ? ` (${body})` : ''}; is the endpoint an EC2 API, and does it implement ${operation}?`,
      status ?? 500,
    );
  }
  if (typeof err.name === 'string' && err.$fault !== undefined) {
    const id = err.$metadata?.requestId ? ` (request id ${err.$metadata.requestId})` : '';
    return new CloudApiError('aws', err.name, `${operation}: ${message}${id}`, status ?? 400);
  }
  return e;
}

function isUnparsedBody(err: SdkErrorShape, message: string): boolean {
  return /Deserialization error|XML parse error|char '.*' is not expected|Unexpected (token|end)/i.test(message)
    ? true
    : err.name === 'Error' && err.$fault === undefined && err.$metadata?.httpStatusCode !== undefined;
}

/** The first meaningful words of an HTML or text body (its <title>, else its first line), short. */
function firstText(body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  const line = (title ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
