/**
 * A local Compute Engine v1 server (node:http) for the real @google-cloud/compute clients: paths
 * under /compute/v1/projects/…, firewalls insert/get/list/patch/update/delete, instances
 * aggregatedList/get/setTags/setLabels, Operation objects and operations.wait (POST).
 *
 * Held to the real thing:
 * - every request (path and query parameters, body) is checked against the discovery document
 *   (discovery.ts); a bad one gets Compute's 400 and is recorded in `rejected`;
 * - every response is checked against the method's response schema; a mismatch is a server bug,
 *   recorded in `violations` (tests assert it stays empty);
 * - state and GCP's rules are the sandbox model's (adapters/sandbox/gcp.ts, with its sources):
 *   RFC 1035 names and tags, 64 tags per instance, tags unique, stale tag fingerprint → 412
 *   conditionNotMet, source tags only on ingress, priority 0–65535, one of allowed/denied,
 *   ≤ 5,000 ranges per field, ≤ 30 source / 70 target tags per rule, IPv4 and IPv6 never mixed,
 *   the project's FIREWALLS quota (403 quotaExceeded), cross-project networks refused;
 * - here on top: Bearer token required (401), requestId must be a UUID and a repeat returns the
 *   first Operation without acting again, setLabels checks labelFingerprint and label syntax,
 *   patch is a JSON merge patch, list pagination (maxResults ≤ 500, pageToken).
 *
 * Known differences from Compute (also in docs/gcp.md):
 * - a mutation takes effect when it is accepted; its Operation says RUNNING until waited on
 *   (Compute applies it asynchronously: reads may lag the Operation);
 * - `filter`/`orderBy` are refused (400) rather than evaluated; segsync sends neither;
 * - aggregatedList lists only zones that hold instances (Compute lists every zone, empty ones
 *   with a NO_RESULTS_ON_PAGE warning); operations.get/list, instances.insert/delete are absent;
 * - rate quotas are not counted: throttling is injected (`throttle`);
 * - error messages follow the public ones where known (sources in adapters/sandbox/gcp.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudApiError } from '../../adapters/errors.ts';
import { SandboxGcp, type GcpLimits } from '../../adapters/sandbox/gcp.ts';
import type { Estate } from '../../adapters/sandbox/estate-types.ts';
import { ComputeDiscovery, type DiscoveryMethod } from './discovery.ts';
import { handle, type Handled } from './handlers.ts';
import { errorJson, type OperationRecord } from './shapes.ts';

export const TEST_TOKEN = 'local-compute-test-token';

export interface ThrottleFault {
  /** How many matching requests to refuse. */
  count: number;
  /** Only this method (e.g. 'compute.firewalls.insert'); absent: any. */
  method?: string;
  /** 429 (default) or 403, both with reason rateLimitExceeded. */
  status?: 403 | 429;
}

export interface OperationFault {
  method: string;
  /** Operation error code, e.g. 'QUOTA_EXCEEDED'. */
  code: string;
  message: string;
  status: number;
}

export interface ComputeWorld {
  readonly sandbox: SandboxGcp;
  readonly operations: Map<string, OperationRecord>;
  readonly requests: Map<string, OperationRecord>;
  /** Consumes a queued Operation failure for this method, if any. */
  takeOperationFault(method: string): OperationFault | undefined;
}

/** One per process: compiling the schemas is the slow part of starting a server. */
const DISCOVERY = new ComputeDiscovery();

export class LocalCompute implements ComputeWorld {
  readonly discovery = DISCOVERY;
  readonly operations = new Map<string, OperationRecord>();
  readonly requests = new Map<string, OperationRecord>();
  /** Method ids of every request answered (errors included), in order. */
  readonly calls: string[] = [];
  /** Requests refused because they did not follow the discovery document. */
  readonly rejected: string[] = [];
  /** Responses that did not follow the discovery document (server bugs). */
  readonly violations: string[] = [];
  private readonly throttles: ThrottleFault[] = [];
  private readonly opFaults: OperationFault[] = [];
  private readonly hooks: { method: string; run: () => void | Promise<void> }[] = [];
  private readonly lost: string[] = [];

  private constructor(
    readonly sandbox: SandboxGcp,
    private readonly server: Server,
  ) {}

  /** Port 0 (default): any free port. */
  static async start(
    estate: Estate,
    options: { limits?: Partial<GcpLimits>; port?: number } = {},
  ): Promise<LocalCompute> {
    const sandbox = SandboxGcp.fromEstate(estate, options);
    const server = createServer();
    const compute = new LocalCompute(sandbox, server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void compute.serve(req, res));
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    return compute;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL for SEGSYNC_GCP_ENDPOINT. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Calls per method id since the last reset. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) out[c] = (out[c] ?? 0) + 1;
    return out;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  throttle(fault: ThrottleFault): void {
    this.throttles.push({ ...fault });
  }

  /** The next request of `method` is accepted, changes nothing, and its Operation ends with this error. */
  failNextOperation(fault: OperationFault): void {
    this.opFaults.push(fault);
  }

  /**
   * The next request of `method` is carried out, but its answer is lost: the client gets a 503
   * backendError (a write that landed although the caller saw a failure).
   */
  loseNextResponse(method: string): void {
    this.lost.push(method);
  }

  /** Runs `run` once, just before the next request of `method` is handled (another writer). */
  beforeNext(method: string, run: () => void | Promise<void>): void {
    this.hooks.push({ method, run });
  }

  takeOperationFault(method: string): OperationFault | undefined {
    const i = this.opFaults.findIndex((f) => f.method === method);
    return i < 0 ? undefined : this.opFaults.splice(i, 1)[0];
  }

  private takeThrottle(method: string): ThrottleFault | undefined {
    const t = this.throttles.find((f) => f.count > 0 && (f.method === undefined || f.method === method));
    if (t) t.count -= 1;
    return t;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, json: unknown, method?: DiscoveryMethod): void => {
      if (method?.response && status < 300) {
        for (const p of this.discovery.check(method.response.$ref, json))
          this.violations.push(`${method.id} response: ${p}`);
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(json));
    };
    const path = url.pathname.replace(/^\/compute\/v1\//, '');
    const found = url.pathname.startsWith('/compute/v1/') ? this.discovery.match(req.method ?? '', path) : undefined;
    if (!found) return send(404, errorJson(404, 'notFound', `No such method: ${req.method} ${url.pathname}`));
    const { method, params } = found;
    this.calls.push(method.id);
    if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
      return send(401, errorJson(401, 'required', 'Request is missing required authentication credential.'));
    }
    const problems = this.requestProblems(method, params, url.searchParams, body);
    if (problems.length > 0) {
      this.rejected.push(`${method.id}: ${problems.join('; ')}`);
      return send(400, errorJson(400, 'invalid', `Invalid JSON payload received. ${problems.join('; ')}`));
    }
    const throttled = this.takeThrottle(method.id);
    if (throttled) {
      const status = throttled.status ?? 429;
      return send(status, errorJson(status, 'rateLimitExceeded', 'Rate Limit Exceeded'));
    }
    const hook = this.hooks.findIndex((h) => h.method === method.id);
    if (hook >= 0) await this.hooks.splice(hook, 1)[0]!.run();
    try {
      const out: Handled = await handle(this, method.id, params, url.searchParams, body as Record<string, unknown>);
      const lost = this.lost.indexOf(method.id);
      if (lost >= 0) {
        this.lost.splice(lost, 1);
        return send(503, errorJson(503, 'backendError', 'Backend Error'));
      }
      send(200, out, method);
    } catch (e) {
      if (e instanceof CloudApiError) return send(e.status, errorJson(e.status, e.code, stripCode(e)));
      send(500, errorJson(500, 'backendError', e instanceof Error ? e.message : String(e)));
    }
  }

  private requestProblems(
    method: DiscoveryMethod,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
  ): string[] {
    const problems = this.discovery.checkParams(method, params, query);
    if (query.has('filter') || query.has('orderBy')) problems.push('filter/orderBy are not supported here');
    if (method.request) {
      if (body === undefined) problems.push('a request body is required');
      else problems.push(...this.discovery.check(method.request.$ref, body, method.id));
    } else if (body !== undefined && method.httpMethod !== 'POST') problems.push('no request body is allowed');
    return problems;
  }
}

function stripCode(e: CloudApiError): string {
  return e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
