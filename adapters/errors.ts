/**
 * Cloud errors, untranslated and classified (STYLE G3, G9).
 *
 * - CloudApiError: the one error type every cloud API implementation throws (real SDK wrappers and
 *   the sandbox alike): the cloud's own error code and HTTP status, untranslated.
 * - classifyCloudError: the ONE classifier, driven by a per-cloud data table
 *   (adapters/<cloud>/errors.ts holds only that table). Nothing else compares code strings.
 * - cloudErrorKind: the "already done / already gone" outcomes apply.ts treats as success, named
 *   in segsync's terms by the same table.
 *
 * Order of the checks (the first that matches wins): throttled (code or HTTP 429) → quota (code)
 * → conflict (code or HTTP 412) → transient (code, HTTP ≥ 500, or a network failure) → terminal
 * StepFailedError. Network failures (the request may never have reached the cloud: socket
 * resets, timeouts, DNS hiccups, aborted requests) are transient on every cloud; retrying is safe
 * because every step is idempotent.
 */
import {
  ConflictError,
  QuotaExceededError,
  SegsyncError,
  StepFailedError,
  ThrottledError,
  TransientCloudError,
} from '../core/errors.ts';
import type { Cloud } from '../core/policy/labels.ts';

export class CloudApiError extends Error {
  constructor(
    readonly cloud: 'aws' | 'azure' | 'gcp',
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(`${code}: ${message}`);
    this.name = 'CloudApiError';
  }
}

/** One cloud's error codes, by what they mean to segsync. Codes are compared exactly unless `caseInsensitive`. */
export interface CloudErrorTable<K extends string = string> {
  readonly cloud: Cloud;
  /** ARM error codes are case-insensitive in practice (services differ in casing). */
  readonly caseInsensitive?: boolean;
  /** Slow down and retry with backoff. */
  readonly throttled: readonly string[];
  /** A server-side hiccup; retry. */
  readonly transient: readonly string[];
  /** Someone else wrote first (version, etag, fingerprint) or the object is still in use: re-read, re-plan. */
  readonly conflict: readonly string[];
  /** A cloud quota refused the write: terminal until the quota or the policy changes. */
  readonly quota: readonly string[];
  /** Codes apply.ts handles itself (idempotency), named in segsync's terms. */
  readonly kinds: Readonly<Record<string, K>>;
  /** Statuses that mean a kind whatever the code (Azure: 404 on a DELETE is "already gone"). */
  readonly kindsByStatus?: Readonly<Record<number, K>>;
}

/** What failed, for StepFailedError and messages: a plan step, or a read (`kind: 'read'`). */
export interface StepRef {
  cloud: string;
  kind: string;
  target: string;
}

/** Node/undici socket error codes: the request may not have reached the cloud. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);
/** Error names SDKs use for a request that timed out or was aborted by its timeout. */
const NETWORK_NAMES = new Set(['AbortError', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutError']);

/** A failure of the connection rather than an answer from the cloud (looks through `cause`: fetch wraps them). */
export function isNetworkError(e: unknown): boolean {
  for (let cur = e, depth = 0; cur !== null && typeof cur === 'object' && depth < 4; depth++) {
    const { code, name, message } = cur as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (typeof name === 'string' && NETWORK_NAMES.has(name)) return true;
    if (typeof message === 'string' && /socket hang up|request timed out/i.test(message)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

function has(table: CloudErrorTable, list: readonly string[], code: string): boolean {
  return table.caseInsensitive ? list.some((c) => c.toLowerCase() === code.toLowerCase()) : list.includes(code);
}

/**
 * Classify anything a cloud call threw into segsync's error classes.
 * @example
 * classifyCloudError(new CloudApiError('aws', 'RequestLimitExceeded', 'slow down', 503), AWS_ERRORS, step); // ThrottledError
 */
export function classifyCloudError(
  e: unknown,
  table: CloudErrorTable,
  step: StepRef = { cloud: table.cloud, kind: 'call', target: '' },
): Error {
  if (e instanceof SegsyncError) return e;
  const what = `${step.cloud} ${step.kind}${step.target ? ` ${step.target}` : ''}`;
  if (e instanceof CloudApiError && e.cloud === table.cloud) {
    const options = { cause: e };
    if (has(table, table.throttled, e.code) || e.status === 429)
      return new ThrottledError(`${what}: ${e.message}`, options);
    if (has(table, table.quota, e.code))
      return new QuotaExceededError({ cloud: table.cloud, code: e.code, message: `${what}: ${e.message}` }, options);
    if (has(table, table.conflict, e.code) || e.status === 412)
      return new ConflictError(`${what}: changed or in use elsewhere, re-read and re-plan: ${e.message}`, options);
    if (has(table, table.transient, e.code) || e.status >= 500)
      return new TransientCloudError(`${what}: ${e.message}`, options);
  } else if (isNetworkError(e)) {
    return new TransientCloudError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new StepFailedError(step, e);
}

/**
 * The idempotency outcome an error stands for ("already exists", "already gone"), or undefined.
 * @example
 * cloudErrorKind(new CloudApiError('gcp', 'notFound', 'gone', 404), GCP_ERRORS); // 'not-found'
 */
export function cloudErrorKind<K extends string>(e: unknown, table: CloudErrorTable<K>): K | undefined {
  if (!(e instanceof CloudApiError) || e.cloud !== table.cloud) return undefined;
  const byCode = table.caseInsensitive
    ? Object.entries(table.kinds).find(([c]) => c.toLowerCase() === e.code.toLowerCase())?.[1]
    : table.kinds[e.code];
  return byCode ?? table.kindsByStatus?.[e.status];
}
