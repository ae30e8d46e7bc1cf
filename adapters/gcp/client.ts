/**
 * GcpComputeApi (api.ts) over @google-cloud/compute 6.x for one project: the one place SDK shapes
 * become api.ts shapes and SDK errors become CloudApiError (STYLE G3, G14).
 *
 * - Reads: instances.aggregatedList and firewalls.list, every page (500 per page, Compute's
 *   maximum); `returnPartialSuccess` is NOT set, so an unreachable zone fails the read instead of
 *   silently hiding its instances (a missing instance would look like a departed one).
 * - Mutations wait for their Operation (globalOperations.wait / zoneOperations.wait, repeated
 *   until DONE: one wait returns after at most ~2 minutes) and throw the Operation's error
 *   (CLOUD-FACTS §7.1: a failed Operation is not thrown by the SDK).
 * - Every mutation carries a requestId (the caller's, or a fresh UUID); a transient failure
 *   (5xx, dropped connection) is retried here with the SAME requestId, so a write that landed
 *   before the failure is not applied twice (CLOUD-FACTS §3.4). Throttling (429 / 403
 *   rateLimitExceeded) is not retried here: it goes to the pacer/engine (adapters/errors.ts).
 * - A networks filter (the configuration's `gcp.projects[].networks`) limits instances (by nic0)
 *   and firewalls to those networks; an instance outside them reads as absent (404), as the
 *   scoped read expects of something segsync does not manage.
 * - Fingerprint conflicts are NOT retried here: setTags sends the fingerprint the plan was made
 *   from and a 412 conditionNotMet becomes a ConflictError, so the engine re-reads and re-plans
 *   (apply.ts) instead of overwriting a tag change it has not seen.
 */
import { randomUUID } from 'node:crypto';
import { FirewallsClient, GlobalOperationsClient, InstancesClient, ZoneOperationsClient } from '@google-cloud/compute';
import type { protos } from '@google-cloud/compute';
import { TransientCloudError } from '../../core/errors.ts';
import type { GcpFirewall, GcpFirewallProtocol } from '../../core/model/native/gcp.ts';
import { classifyCloudError, CloudApiError } from '../errors.ts';
import type { GcpComputeApi, GcpInstanceResource, GcpScope } from './api.ts';
import { GCP_ERRORS } from './errors.ts';

type SdkFirewall = protos.google.cloud.compute.v1.IFirewall;
type SdkInstance = protos.google.cloud.compute.v1.IInstance;
type SdkOperation = protos.google.cloud.compute.v1.IOperation;
/** Constructor options shared by every Compute client (apiEndpoint, port, protocol, authClient, …). */
export type ComputeClientOptions = ConstructorParameters<typeof FirewallsClient>[0];

/** Compute's largest page (maxResults "0 to 500"). */
const PAGE_SIZE = 500;
/** The async iterators page themselves; saying so stops gax's AutopaginateTrueWarning. */
const ASYNC_PAGES = { autoPaginate: false };
/** Transient failures of one mutation retried with the same requestId before giving up. */
const MUTATION_RETRIES = 3;

/** The SDK clients, shared by every project of one connection (they are project-agnostic). */
export interface ComputeClients {
  firewalls: FirewallsClient;
  instances: InstancesClient;
  globalOperations: GlobalOperationsClient;
  zoneOperations: ZoneOperationsClient;
}

/**
 * The clients are built on first use: each loads the whole Compute proto description (hundreds
 * of ms), and a read never needs the operations clients.
 */
export function computeClients(options: ComputeClientOptions): ComputeClients {
  const made: Partial<ComputeClients> = {};
  const lazy = <K extends keyof ComputeClients>(key: K, make: () => ComputeClients[K]): ComputeClients[K] =>
    (made[key] ??= make());
  return {
    get firewalls() {
      return lazy('firewalls', () => new FirewallsClient(options));
    },
    get instances() {
      return lazy('instances', () => new InstancesClient(options));
    },
    get globalOperations() {
      return lazy('globalOperations', () => new GlobalOperationsClient(options));
    },
    get zoneOperations() {
      return lazy('zoneOperations', () => new ZoneOperationsClient(options));
    },
  };
}

export interface GcpClientOptions {
  project: string;
  /** Only these VPC networks (names); absent: every network. */
  networks?: readonly string[];
  /** Backoff between transient retries of a mutation (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class GcpComputeClient implements GcpComputeApi {
  readonly scope: GcpScope;
  private readonly networks: Set<string> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly sdk: ComputeClients,
    options: GcpClientOptions,
  ) {
    this.scope = { project: options.project };
    this.networks = options.networks ? new Set(options.networks) : undefined;
    this.sleep = options.sleep ?? realSleep;
  }

  private get project(): string {
    return this.scope.project;
  }

  private managed(network: string | null | undefined): boolean {
    return this.networks === undefined || this.networks.has(networkName(network ?? ''));
  }

  async listInstances(): Promise<GcpInstanceResource[]> {
    const out: GcpInstanceResource[] = [];
    await sdkCall(async () => {
      const pages = this.sdk.instances.aggregatedListAsync(
        { project: this.project, maxResults: PAGE_SIZE },
        ASYNC_PAGES,
      );
      for await (const [, scoped] of pages) for (const i of scoped.instances ?? []) out.push(toInstance(i));
    });
    return out.filter((i) => this.managed(i.networkInterfaces?.[0]?.network));
  }

  async getInstance(zone: string, name: string): Promise<GcpInstanceResource> {
    const [i] = await sdkCall(() => this.sdk.instances.get({ project: this.project, zone, instance: name }));
    const instance = toInstance(i);
    const network = instance.networkInterfaces?.[0]?.network;
    if (!this.managed(network))
      throw new CloudApiError('gcp', 'notFound', `instance ${zone}/${name} is in network ${network}, not managed`, 404);
    return instance;
  }

  async listFirewalls(): Promise<GcpFirewall[]> {
    const out: GcpFirewall[] = [];
    await sdkCall(async () => {
      for await (const f of this.sdk.firewalls.listAsync({ project: this.project, maxResults: PAGE_SIZE }, ASYNC_PAGES))
        out.push(toFirewall(f));
    });
    return out.filter((f) => this.managed(f.network));
  }

  async getFirewall(name: string): Promise<GcpFirewall> {
    const [f] = await sdkCall(() => this.sdk.firewalls.get({ project: this.project, firewall: name }));
    return toFirewall(f);
  }

  insertFirewall(firewall: GcpFirewall, requestId?: string): Promise<void> {
    return this.mutate(requestId, undefined, (id) =>
      this.sdk.firewalls.insert({ project: this.project, firewallResource: fromFirewall(firewall), requestId: id }),
    );
  }

  updateFirewall(name: string, firewall: GcpFirewall, requestId?: string): Promise<void> {
    // update (PUT), not patch: patch never sends empty lists, so it cannot clear one (CLOUD-FACTS §7.1).
    return this.mutate(requestId, undefined, (id) =>
      this.sdk.firewalls.update({
        project: this.project,
        firewall: name,
        firewallResource: fromFirewall(firewall),
        requestId: id,
      }),
    );
  }

  deleteFirewall(name: string, requestId?: string): Promise<void> {
    return this.mutate(requestId, undefined, (id) =>
      this.sdk.firewalls.delete({ project: this.project, firewall: name, requestId: id }),
    );
  }

  setTags(
    zone: string,
    instance: string,
    tags: { items: string[]; fingerprint: string },
    requestId?: string,
  ): Promise<void> {
    return this.mutate(requestId, zone, (id) =>
      this.sdk.instances.setTags({
        project: this.project,
        zone,
        instance,
        tagsResource: { items: [...tags.items], fingerprint: tags.fingerprint },
        requestId: id,
      }),
    );
  }

  /** Sends one mutation (retrying transient failures with the same requestId), waits for it, throws its error. */
  private async mutate(
    requestId: string | undefined,
    zone: string | undefined,
    send: (requestId: string) => Promise<[{ latestResponse?: unknown }, ...unknown[]]>,
  ): Promise<void> {
    const id = requestId ?? randomUUID();
    let op: SdkOperation | undefined;
    for (let attempt = 1; op === undefined; attempt++) {
      try {
        op = (await sdkCall(() => send(id)))[0].latestResponse as SdkOperation;
      } catch (e) {
        if (!(classifyCloudError(e, GCP_ERRORS) instanceof TransientCloudError) || attempt > MUTATION_RETRIES) throw e;
        await this.sleep(200 * 2 ** attempt);
      }
    }
    while (op.status !== 'DONE') op = await this.wait(op, zone);
    const failure = op.error?.errors?.[0];
    if (failure) {
      throw new CloudApiError(
        'gcp',
        failure.code ?? 'operationFailed',
        `operation ${op.name ?? ''} (${op.operationType ?? ''} ${op.targetLink ?? ''}) failed: ${failure.message ?? ''}`,
        op.httpErrorStatusCode ?? 400,
      );
    }
  }

  /** One operations.wait; a transient failure (it is a read) is retried. */
  private async wait(op: SdkOperation, zone: string | undefined): Promise<SdkOperation> {
    const operation = op.name ?? '';
    for (let attempt = 1; ; attempt++) {
      try {
        const [done] = await sdkCall(() =>
          zone === undefined
            ? this.sdk.globalOperations.wait({ project: this.project, operation })
            : this.sdk.zoneOperations.wait({ project: this.project, zone, operation }),
        );
        return done;
      } catch (e) {
        if (!(classifyCloudError(e, GCP_ERRORS) instanceof TransientCloudError) || attempt > MUTATION_RETRIES) throw e;
        await this.sleep(200 * 2 ** attempt);
      }
    }
  }
}

/** Runs an SDK call; an HTTP error becomes CloudApiError (reason, status); anything else (network) passes. */
async function sdkCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toCloudApiError(e);
  }
}

/**
 * 6.x throws GaxiosError: `status` and the raw JSON body (`{ error: { code, message, errors:
 * [{ reason }] } }`) as its message; 7.x a GoogleError with `httpStatusCode` (CLOUD-FACTS §7.1).
 */
export function toCloudApiError(e: unknown): unknown {
  if (e instanceof CloudApiError || e === null || typeof e !== 'object') return e;
  const err = e as {
    status?: number;
    code?: unknown;
    httpStatusCode?: number;
    message?: string;
    response?: { status?: number; data?: unknown };
  };
  const status =
    err.status ?? err.response?.status ?? err.httpStatusCode ?? (typeof err.code === 'number' ? err.code : undefined);
  if (status === undefined) return e;
  const body = (parseJson(err.message) ?? err.response?.data) as
    { error?: { message?: string; status?: string; errors?: { reason?: string; message?: string }[] } } | undefined;
  const reason = body?.error?.errors?.[0]?.reason ?? body?.error?.status ?? `http${status}`;
  const message = body?.error?.message ?? err.message ?? `HTTP ${status}`;
  const out = new CloudApiError('gcp', reason, message, status);
  (out as { cause?: unknown }).cause = e;
  return out;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || !text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkName(network: string): string {
  return network.slice(network.lastIndexOf('/') + 1);
}

const list = <K extends string>(key: K, v: readonly string[] | null | undefined): Partial<Record<K, string[]>> =>
  v && v.length > 0 ? ({ [key]: [...v] } as Record<K, string[]>) : {};
const text = <K extends string>(key: K, v: string | number | null | undefined): Partial<Record<K, string>> =>
  v === null || v === undefined || v === '' ? {} : ({ [key]: String(v) } as Record<K, string>);

function toProtocols(rules: SdkFirewall['allowed']): GcpFirewallProtocol[] | undefined {
  if (!rules || rules.length === 0) return undefined;
  return rules.map((r) => ({ IPProtocol: r.IPProtocol ?? '', ...list('ports', r.ports) }));
}

/** SDK Firewall → api.ts / core shape: empty lists and unset fields left out, as the sandbox does. */
export function toFirewall(f: SdkFirewall): GcpFirewall {
  const allowed = toProtocols(f.allowed);
  const denied = toProtocols(f.denied);
  return {
    ...text('id', f.id as string | number | null | undefined),
    name: f.name ?? '',
    ...text('description', f.description),
    network: f.network ?? '',
    priority: f.priority ?? 1000,
    direction: f.direction === 'EGRESS' ? 'EGRESS' : 'INGRESS',
    ...(allowed ? { allowed } : {}),
    ...(denied ? { denied } : {}),
    ...list('sourceRanges', f.sourceRanges),
    ...list('destinationRanges', f.destinationRanges),
    ...list('sourceTags', f.sourceTags),
    ...list('targetTags', f.targetTags),
    ...(f.disabled ? { disabled: true } : {}),
    ...text('selfLink', f.selfLink),
  };
}

/** core shape → SDK request: output-only fields (id, selfLink) dropped. */
export function fromFirewall(f: GcpFirewall): SdkFirewall {
  return {
    name: f.name,
    ...(f.description !== undefined ? { description: f.description } : {}),
    network: f.network,
    priority: f.priority,
    direction: f.direction,
    ...(f.allowed ? { allowed: f.allowed.map((p) => ({ ...p })) } : {}),
    ...(f.denied ? { denied: f.denied.map((p) => ({ ...p })) } : {}),
    ...list('sourceRanges', f.sourceRanges),
    ...list('destinationRanges', f.destinationRanges),
    ...list('sourceTags', f.sourceTags),
    ...list('targetTags', f.targetTags),
    disabled: f.disabled === true,
  };
}

export function toInstance(i: SdkInstance): GcpInstanceResource {
  const labels = i.labels ?? {};
  return {
    ...text('id', i.id as string | number | null | undefined),
    name: i.name ?? '',
    zone: i.zone ?? '',
    ...text('status', i.status),
    tags: { ...list('items', i.tags?.items), ...text('fingerprint', i.tags?.fingerprint) },
    ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
    ...text('labelFingerprint', i.labelFingerprint),
    networkInterfaces: (i.networkInterfaces ?? []).map((n) => ({
      ...text('name', n.name),
      ...text('network', n.network),
      ...text('networkIP', n.networkIP),
      ...text('ipv6Address', n.ipv6Address),
    })),
    ...text('selfLink', i.selfLink),
  };
}
