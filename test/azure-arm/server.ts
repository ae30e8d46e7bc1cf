/**
 * A local Azure Resource Manager for the SDK tests: node:https with a certificate made at start,
 * speaking the REST subset segsync uses, with the sandbox's Microsoft.Network
 * (adapters/sandbox/azure*.ts: Azure's rules, codes and sources are listed there) as its state.
 *
 * What this layer adds, as ARM does it:
 * - paths with api-version (Microsoft.Network 2025-05-01, Microsoft.Compute 2026-03-01, others →
 *   400 NoRegisteredProviderFound); a bearer token required (401 AuthenticationFailed);
 * - every request body validated against the official swagger (schemas.ts; a bad body → 400
 *   InvalidRequestFormat) and every Microsoft.Network response too (problems collected in
 *   `schemaProblems`, which the tests require to stay empty);
 * - long-running writes: PUT answers 201/200 with provisioningState Updating and an
 *   Azure-AsyncOperation URL; DELETE of something present answers 202 with Azure-AsyncOperation
 *   and Location; a missing one 204. The operation reports InProgress `operationPolls` times,
 *   then Succeeded;
 * - one write at a time per resource: a write to a resource (an NSG for its rules) whose
 *   operation is still running → 409 AnotherOperationInProgress (CLOUD-FACTS §2.4);
 * - etags: If-Match on NSG and NIC PUTs (stale → 412 PreconditionFailed, by the sandbox);
 * - fault injection: `inject({ status: 429, code, retryAfterSeconds, times })` answers the next
 *   matching requests with that error and a Retry-After header;
 * - VNets with their subnets (derived from the NICs; subnet NSGs set with `setSubnetNsg`) and the
 *   NIC fields the sandbox does not model (wire.ts);
 * - a call log (`calls`) for the call counts the tests report.
 * The differences from ARM are listed in docs/azure.md ("The local ARM server").
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudApiError } from '../../adapters/errors.ts';
import { SandboxAzure, type AzureLimits } from '../../adapters/sandbox/azure.ts';
import type { Estate } from '../../adapters/sandbox/estate-types.ts';
import type { AzureNetworkInterface, AzureSecurityRule } from '../../core/model/native/azure.ts';
import { makeCertificate, type TestCertificate } from './certificate.ts';
import { SpecValidator } from './schemas.ts';
import {
  extrasFromPut,
  seedNicExtras,
  wireAsg,
  wireNic,
  wireNsg,
  wireRule,
  wireVm,
  wireVnets,
  type NicExtras,
} from './wire.ts';

export const NETWORK_API = '2025-05-01';
export const COMPUTE_API = '2026-03-01';

type Json = Record<string, unknown>;
const key = (s: string): string => s.toLowerCase();

export interface ArmCall {
  method: string;
  /** Path without the query. */
  path: string;
  status: number;
}

export interface Fault {
  method?: string;
  /** Matched against the path (without the query). */
  path?: RegExp;
  status: number;
  code: string;
  message?: string;
  retryAfterSeconds?: number;
  times: number;
}

export interface ArmServerOptions {
  estate: Estate;
  limits?: Partial<AzureLimits>;
  /** Polls answered InProgress before Succeeded (default 0: the first poll succeeds). */
  operationPolls?: number;
  /** Retry-After on long-running operations, s (ARM sends ~10; default 0 keeps tests fast). */
  lroRetryAfterSeconds?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Operation {
  resource: string;
  pollsLeft: number;
  /** The ARM error the operation ends with, when it fails. */
  error?: { code: string; message: string };
}

const ROUTE =
  /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/(Microsoft\.Network|Microsoft\.Compute)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+)\/([^/]+))?$/i;

export class LocalArmServer {
  readonly calls: ArmCall[] = [];
  readonly schemaProblems: string[] = [];
  readonly sandbox: SandboxAzure;
  endpoint = '';
  private readonly faults: Fault[] = [];
  private readonly subnetNsgs = new Map<string, string>();
  private readonly extras = new Map<string, NicExtras>();
  private readonly operations = new Map<string, Operation>();
  private readonly busy = new Map<string, string>();
  private readonly failing: { code: string; message: string }[] = [];
  private readonly validator = new SpecValidator();
  private server: Server | undefined;
  private nextOp = 0;

  private constructor(
    private readonly options: ArmServerOptions,
    readonly certificate: TestCertificate,
  ) {
    this.sandbox = SandboxAzure.fromEstate(options.estate, options.limits ? { limits: options.limits } : {});
    for (const sub of this.sandbox.subscriptions()) {
      const byVm = new Map<string, number>();
      for (const nic of this.sandbox.snapshot().networkInterfaces) {
        const vm = key(nic.properties.virtualMachine?.id ?? nic.id);
        const index = byVm.get(vm) ?? 0;
        byVm.set(vm, index + 1);
        if (key(nic.id).includes(`/subscriptions/${key(sub)}/`))
          this.extras.set(key(nic.id), seedNicExtras(nic, index));
      }
    }
  }

  static async start(
    options: ArmServerOptions & { port?: number; certificate?: TestCertificate },
  ): Promise<LocalArmServer> {
    const arm = new LocalArmServer(options, options.certificate ?? makeCertificate());
    const server = createServer({ key: arm.certificate.key, cert: arm.certificate.cert }, (req, res) => {
      void arm.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', 511, resolve));
    arm.server = server;
    arm.endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return arm;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` requests matching `method`/`path` fail with this ARM error. */
  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** The next long-running operation ends Failed with this ARM error (its write already took effect). */
  failNextOperation(code: string, message = `Injected failure ${code}.`): void {
    this.failing.push({ code, message });
  }

  /** A subnet's NSG (set by someone else: segsync never writes subnets). */
  setSubnetNsg(subnetId: string, nsgId: string): void {
    this.subnetNsgs.set(key(subnetId), nsgId);
  }

  /** Sets NIC fields outside segsync's model (as the portal would), e.g. { dnsSettings: {...} }. */
  setNicFields(nicId: string, writable: Json, ipConfiguration?: { name: string; fields: Json }): void {
    const e = this.extras.get(key(nicId));
    if (!e) throw new Error(`no NIC ${nicId}`);
    Object.assign(e.writable, writable);
    if (ipConfiguration) Object.assign(e.ipConfigurations.get(key(ipConfiguration.name)) ?? {}, ipConfiguration.fields);
  }

  /** The NIC as a GET returns it (for assertions on fields segsync must not touch). */
  nic(nicId: string): Json {
    const nic = this.sandbox.snapshot().networkInterfaces.find((n) => key(n.id) === key(nicId));
    if (!nic) throw new Error(`no NIC ${nicId}`);
    return wireNic(nic, this.extras.get(key(nicId)));
  }

  /** Calls other than long-running-operation polls: what a client asked ARM to do. */
  requests(): ArmCall[] {
    return this.calls.filter((c) => !/\/(operations|operationResults)\//i.test(c.path));
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.endpoint);
    const method = req.method ?? 'GET';
    let body: Json | undefined;
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      this.calls.push({ method, path: url.pathname, status });
      const text = json === undefined ? '' : JSON.stringify(json);
      res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
      res.end(text);
    };
    try {
      const raw = await readBody(req);
      if (raw) {
        try {
          body = JSON.parse(raw) as Json;
        } catch {
          throw new HttpError(
            400,
            'InvalidRequestContent',
            'The request content was invalid and could not be deserialized.',
          );
        }
      }
      if (!(req.headers.authorization ?? '').startsWith('Bearer '))
        throw new HttpError(
          401,
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing.",
        );
      this.fault(method, url.pathname);
      const { status, json, headers, schema } = await this.route(method, url, body, req.headers['if-match']);
      if (schema && json !== undefined) this.checkResponse(schema, json, `${method} ${url.pathname}`);
      send(status, json, headers);
    } catch (e) {
      const err = toHttpError(e);
      const json = { error: { code: err.code, message: err.message } };
      this.checkResponse(['network.json', 'CloudError'], json, `${method} ${url.pathname}`);
      send(err.status, json, err.headers);
    }
  }

  private fault(method: string, path: string): void {
    const f = this.faults.find(
      (x) => x.times > 0 && (!x.method || x.method === method) && (!x.path || x.path.test(path)),
    );
    if (!f) return;
    f.times -= 1;
    throw new HttpError(
      f.status,
      f.code,
      f.message ?? `Injected ${f.code}.`,
      f.retryAfterSeconds === undefined ? {} : { 'retry-after': String(f.retryAfterSeconds) },
    );
  }

  private checkRequest(file: SchemaFile, definition: string, body: unknown): void {
    const problems = this.validator.check(file, definition, body);
    if (problems.length > 0)
      throw new HttpError(400, 'InvalidRequestFormat', `Cannot parse the request: ${problems.join('; ')}`);
  }

  private checkResponse(schema: [SchemaFile, string], json: unknown, what: string): void {
    for (const p of this.validator.check(schema[0], schema[1], json)) this.schemaProblems.push(`${what}: ${p}`);
  }

  private async route(
    method: string,
    url: URL,
    body: Json | undefined,
    ifMatch: string | string[] | undefined,
  ): Promise<Reply> {
    const m = ROUTE.exec(url.pathname);
    if (!m) throw new HttpError(404, 'InvalidResourceType', `No route for ${method} ${url.pathname}.`);
    const [, sub, rg, provider, type, name, child, childName] = m as unknown as string[];
    const compute = key(provider!) === 'microsoft.compute';
    const want = compute ? COMPUTE_API : NETWORK_API;
    if (url.searchParams.get('api-version') !== want)
      throw new HttpError(
        400,
        'NoRegisteredProviderFound',
        `No registered resource provider found for API version '${url.searchParams.get('api-version')}' (this server speaks ${want}).`,
      );
    const api = this.sandbox.api(sub!);
    const t = key(type!);
    const im = typeof ifMatch === 'string' ? ifMatch : undefined;
    if (t === 'locations' && child !== undefined) return this.operation(key(child), childName!);
    if (compute) {
      if (t !== 'virtualmachines' || method !== 'GET') throw unsupported(method, url.pathname);
      if (name === undefined) return ok({ value: inGroup(await api.listVirtualMachines(), rg).map(wireVm) });
      return ok(wireVm(await api.getVirtualMachine(rg!, name)));
    }
    if (child !== undefined) {
      if (t !== 'networksecuritygroups' || key(child) !== 'securityrules') throw unsupported(method, url.pathname);
      return this.securityRule(method, sub!, rg!, name!, childName!, body);
    }
    const loc = this.locationOf(sub!);
    switch (`${method} ${t} ${name === undefined ? 'list' : 'one'}`) {
      case 'GET virtualnetworks list':
        return ok({
          value: inGroup(wireVnets(await api.listNetworkInterfaces(), this.subnetNsgs) as { id: string }[], rg),
        });
      case 'GET networkinterfaces list':
        return ok({ value: inGroup(await api.listNetworkInterfaces(), rg).map((n) => this.wireNic(n)) }, [
          'networkInterface.json',
          'NetworkInterfaceListResult',
        ]);
      case 'GET networkinterfaces one':
        return ok(this.wireNic(await api.getNetworkInterface(rg!, name!)), [
          'networkInterface.json',
          'NetworkInterface',
        ]);
      case 'PUT networkinterfaces one': {
        this.checkRequest('networkInterface.json', 'NetworkInterface', body);
        const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/${name}`;
        this.checkIdle(id);
        const before = this.extras.get(key(id));
        const written = await api.createOrUpdateNetworkInterface(rg!, name!, body as unknown as AzureNetworkInterface, {
          ...(im === undefined ? {} : { ifMatch: im }),
        });
        if (before) this.extras.set(key(written.id), extrasFromPut(body ?? {}, before));
        return this.accepted(200, this.wireNic(written, 'Updating'), written.id, sub!, loc, [
          'networkInterface.json',
          'NetworkInterface',
        ]);
      }
      case 'GET networksecuritygroups list':
        return ok({ value: inGroup(await api.listNetworkSecurityGroups(), rg).map((n) => wireNsg(n)) }, [
          'networkSecurityGroup.json',
          'NetworkSecurityGroupListResult',
        ]);
      case 'GET networksecuritygroups one':
        return ok(wireNsg(await api.getNetworkSecurityGroup(rg!, name!)), [
          'networkSecurityGroup.json',
          'NetworkSecurityGroup',
        ]);
      case 'PUT networksecuritygroups one': {
        this.checkRequest('networkSecurityGroup.json', 'NetworkSecurityGroup', body);
        const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
        this.checkIdle(id);
        const existed = await exists(() => api.getNetworkSecurityGroup(rg!, name!));
        const props = (body?.properties ?? {}) as { securityRules?: AzureSecurityRule[] };
        const written = await api.createOrUpdateNetworkSecurityGroup(
          rg!,
          name!,
          {
            location: body?.location as string,
            ...(body?.tags === undefined ? {} : { tags: body.tags as Record<string, string> }),
            properties: { securityRules: props.securityRules ?? [] },
          },
          im === undefined ? {} : { ifMatch: im },
        );
        return this.accepted(existed ? 200 : 201, wireNsg(written, 'Updating'), written.id, sub!, loc, [
          'networkSecurityGroup.json',
          'NetworkSecurityGroup',
        ]);
      }
      case 'DELETE networksecuritygroups one':
        return this.deleting(
          sub!,
          loc,
          () => api.getNetworkSecurityGroup(rg!, name!),
          () => api.deleteNetworkSecurityGroup(rg!, name!),
        );
      case 'GET applicationsecuritygroups list':
        return ok({ value: inGroup(await api.listApplicationSecurityGroups(), rg).map((a) => wireAsg(a)) }, [
          'applicationSecurityGroup.json',
          'ApplicationSecurityGroupListResult',
        ]);
      case 'GET applicationsecuritygroups one':
        return ok(wireAsg(await api.getApplicationSecurityGroup(rg!, name!)), [
          'applicationSecurityGroup.json',
          'ApplicationSecurityGroup',
        ]);
      case 'PUT applicationsecuritygroups one': {
        this.checkRequest('applicationSecurityGroup.json', 'ApplicationSecurityGroup', body);
        const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/applicationSecurityGroups/${name}`;
        this.checkIdle(id);
        const existed = await exists(() => api.getApplicationSecurityGroup(rg!, name!));
        const written = await api.createOrUpdateApplicationSecurityGroup(rg!, name!, {
          location: body?.location as string,
          ...(body?.tags === undefined ? {} : { tags: body.tags as Record<string, string> }),
        });
        return this.accepted(existed ? 200 : 201, wireAsg(written, 'Updating'), written.id, sub!, loc, [
          'applicationSecurityGroup.json',
          'ApplicationSecurityGroup',
        ]);
      }
      case 'DELETE applicationsecuritygroups one':
        return this.deleting(
          sub!,
          loc,
          () => api.getApplicationSecurityGroup(rg!, name!),
          () => api.deleteApplicationSecurityGroup(rg!, name!),
        );
      default:
        throw unsupported(method, url.pathname);
    }
  }

  private async securityRule(
    method: string,
    sub: string,
    rg: string,
    nsgName: string,
    ruleName: string,
    body?: Json,
  ): Promise<Reply> {
    const api = this.sandbox.api(sub);
    const nsg = await api.getNetworkSecurityGroup(rg, nsgName).catch((e: unknown) => {
      if (method === 'DELETE' && e instanceof CloudApiError && e.status === 404) return undefined;
      throw e instanceof CloudApiError && e.status === 404
        ? new HttpError(
            404,
            'ParentResourceNotFound',
            `Can not perform requested operation on nested resource. Parent resource '${nsgName}' not found.`,
          )
        : e;
    });
    const existing = nsg?.properties.securityRules.find((r) => key(r.name) === key(ruleName));
    const schema: [SchemaFile, string] = ['networkSecurityGroup.json', 'SecurityRule'];
    if (method === 'GET') {
      if (!existing) throw new HttpError(404, 'NotFound', `Resource ${nsg!.id}/securityRules/${ruleName} not found.`);
      return ok(wireRule(existing), schema);
    }
    if (method === 'DELETE') {
      if (!nsg || !existing) return { status: 204, json: undefined };
      this.checkIdle(nsg.id);
      await api.deleteSecurityRule(rg, nsgName, ruleName);
      return this.deleteAccepted(nsg.id, sub, nsg.location);
    }
    if (method !== 'PUT') throw unsupported(method, `${nsg!.id}/securityRules/${ruleName}`);
    this.checkRequest('networkSecurityGroup.json', 'SecurityRule', body);
    this.checkIdle(nsg!.id);
    const written = await api.createOrUpdateSecurityRule(rg, nsgName, ruleName, {
      ...(body as unknown as AzureSecurityRule),
      name: ruleName,
    });
    return this.accepted(
      existing ? 200 : 201,
      { ...wireRule(written), properties: { ...written.properties, provisioningState: 'Updating' } },
      nsg!.id,
      sub,
      nsg!.location,
      schema,
    );
  }

  // ---- long-running operations -----------------------------------------------------------------

  private locationOf(sub: string): string {
    return (
      this.sandbox.snapshot().networkInterfaces.find((n) => key(n.id).includes(`/subscriptions/${key(sub)}/`))
        ?.location ?? 'westeurope'
    );
  }

  /** One write at a time per resource (ARM serialises them; the next gets 409 until it finishes). */
  private checkIdle(resourceId: string): void {
    const running = this.busy.get(key(resourceId));
    if (running !== undefined)
      throw new HttpError(
        409,
        'AnotherOperationInProgress',
        `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${this.endpoint}/operations/${running}. Resource: ${resourceId}.`,
      );
  }

  private begin(resourceId: string, sub: string, loc: string): Record<string, string> {
    const id = `op-${++this.nextOp}`;
    const error = this.failing.shift();
    this.operations.set(id, {
      resource: key(resourceId),
      pollsLeft: this.options.operationPolls ?? 0,
      ...(error ? { error } : {}),
    });
    this.busy.set(key(resourceId), id);
    const base = `${this.endpoint}/subscriptions/${sub}/providers/Microsoft.Network/locations/${loc}`;
    return {
      'azure-asyncoperation': `${base}/operations/${id}?api-version=${NETWORK_API}`,
      location: `${base}/operationResults/${id}?api-version=${NETWORK_API}`,
      'retry-after': String(this.options.lroRetryAfterSeconds ?? 0),
    };
  }

  private accepted(
    status: number,
    json: Json,
    resourceId: string,
    sub: string,
    loc: string,
    schema: [SchemaFile, string],
  ): Reply {
    const { location: _final, ...headers } = this.begin(resourceId, sub, loc);
    return { status, json, headers, schema };
  }

  private deleteAccepted(resourceId: string, sub: string, loc: string): Reply {
    return { status: 202, json: undefined, headers: this.begin(resourceId, sub, loc) };
  }

  private async deleting(
    sub: string,
    loc: string,
    get: () => Promise<{ id: string; location: string }>,
    del: () => Promise<void>,
  ): Promise<Reply> {
    let current: { id: string; location: string };
    try {
      current = await get();
    } catch (e) {
      if (e instanceof CloudApiError && e.status === 404) return { status: 204, json: undefined };
      throw e;
    }
    this.checkIdle(current.id);
    await del();
    return this.deleteAccepted(current.id, sub, current.location ?? loc);
  }

  private operation(kind: string, id: string): Reply {
    const op = this.operations.get(id);
    if (!op) throw new HttpError(404, 'NotFound', `Operation ${id} not found.`);
    if (op.pollsLeft > 0) {
      op.pollsLeft -= 1;
      if (kind === 'operationresults') return { status: 202, json: undefined, headers: { 'retry-after': '0' } };
      return ok({ status: 'InProgress' }, ['network.json', 'AzureAsyncOperationResult'], {
        'retry-after': String(this.options.lroRetryAfterSeconds ?? 0),
      });
    }
    if (this.busy.get(op.resource) === id) this.busy.delete(op.resource);
    if (kind === 'operationresults') return { status: 204, json: undefined };
    if (op.error) return ok({ status: 'Failed', error: op.error }, ['network.json', 'AzureAsyncOperationResult']);
    return ok({ status: 'Succeeded' }, ['network.json', 'AzureAsyncOperationResult']);
  }

  private wireNic(nic: AzureNetworkInterface, state = 'Succeeded'): Json {
    return wireNic(nic, this.extras.get(key(nic.id)), state);
  }
}

type SchemaFile =
  'networkSecurityGroup.json' | 'applicationSecurityGroup.json' | 'networkInterface.json' | 'network.json';

interface Reply {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
  schema?: [SchemaFile, string];
}

const ok = (json: unknown, schema?: [SchemaFile, string], headers: Record<string, string> = {}): Reply => ({
  status: 200,
  json,
  headers,
  ...(schema ? { schema } : {}),
});

const unsupported = (method: string, path: string): HttpError =>
  new HttpError(405, 'MethodNotAllowed', `The local ARM server does not support ${method} ${path}.`);

function inGroup<T extends { id: string }>(items: readonly T[], rg: string | undefined): T[] {
  return rg === undefined ? [...items] : items.filter((i) => key(i.id).includes(`/resourcegroups/${key(rg)}/`));
}

async function exists(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return true;
  } catch (e) {
    if (e instanceof CloudApiError && e.status === 404) return false;
    throw e;
  }
}

function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof CloudApiError) {
    const message = e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
    const retryAfter: Record<string, string> = e.status === 429 ? { 'retry-after': '1' } : {};
    return new HttpError(e.status, e.code, message, retryAfter);
  }
  return new HttpError(500, 'InternalServerError', e instanceof Error ? e.message : String(e));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
