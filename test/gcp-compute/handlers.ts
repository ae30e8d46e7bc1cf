/**
 * What each Compute method of the local server does, over the sandbox model's state (rules and
 * their sources: adapters/sandbox/gcp.ts). Mutations return an Operation (shapes.ts); a repeated
 * requestId returns the first Operation and does nothing again (CLOUD-FACTS §3.4).
 */
import type { GcpFirewall } from '../../core/model/native/gcp.ts';
import { CloudApiError } from '../../adapters/errors.ts';
import type { ComputeWorld } from './server.ts';
import { finished, firewallJson, instanceJson, newOperation, type OperationRecord } from './shapes.ts';

export type Handled = Record<string, unknown>;
type Body = Record<string, unknown> | undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Compute's page size cap for list calls (maxResults: "Acceptable values are 0 to 500"). */
const MAX_PAGE = 500;
/** Label keys and values (https://cloud.google.com/compute/docs/labeling-resources#requirements). */
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_LABELS = 64;

const invalid = (message: string): CloudApiError => new CloudApiError('gcp', 'invalid', message, 400);

function page<T>(items: T[], query: URLSearchParams): { items: T[]; nextPageToken?: string } {
  const size = Math.min(Number(query.get('maxResults') ?? MAX_PAGE) || MAX_PAGE, MAX_PAGE);
  const start = query.has('pageToken') ? Number(Buffer.from(query.get('pageToken')!, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalid(`Invalid value for field 'pageToken'.`);
  const next = start + size;
  return {
    items: items.slice(start, next),
    ...(next < items.length ? { nextPageToken: Buffer.from(String(next)).toString('base64url') } : {}),
  };
}

/** Runs a mutation once per requestId; an Operation fault replaces the change with a failed Operation. */
async function mutate(
  world: ComputeWorld,
  method: string,
  project: string,
  query: URLSearchParams,
  op: { type: string; target: string; zone?: string },
  change: () => Promise<void>,
): Promise<Handled> {
  const requestId = query.get('requestId') ?? undefined;
  if (requestId !== undefined && (!UUID.test(requestId) || requestId === ZERO_UUID))
    throw invalid(
      `Invalid value for field 'requestId': '${requestId}'. Must be a valid UUID other than the zero UUID.`,
    );
  const key = `${project} ${requestId}`;
  const seen = requestId === undefined ? undefined : world.requests.get(key);
  if (seen) return seen.json;
  world.sandbox.api(project); // 404 for an unknown project, before anything else
  const fault = world.takeOperationFault(method);
  if (!fault) await change();
  const record: OperationRecord = newOperation(project, op.type, op.target, op.zone, fault);
  world.operations.set(`${project} ${record.json.name as string}`, record);
  if (requestId !== undefined) world.requests.set(key, record);
  return record.json;
}

function waitFor(world: ComputeWorld, project: string, name: string, zone?: string): Handled {
  const op = world.operations.get(`${project} ${name}`);
  if (!op || op.zone !== zone) {
    const where = zone === undefined ? 'global' : `zones/${zone}`;
    throw new CloudApiError(
      'gcp',
      'notFound',
      `The resource 'projects/${project}/${where}/operations/${name}' was not found`,
      404,
    );
  }
  return finished(op);
}

/** JSON merge patch of a firewall (arrays and objects replace; the SDK never sends empty lists). */
function merged(current: GcpFirewall, patch: Record<string, unknown>): GcpFirewall {
  const { id: _id, selfLink: _self, ...rest } = current;
  const next: Record<string, unknown> = { ...rest };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next as unknown as GcpFirewall;
}

function checkLabels(labels: Record<string, string>): void {
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) throw invalid(`Too many labels: ${entries.length} (at most ${MAX_LABELS}).`);
  for (const [k, v] of entries) {
    if (!LABEL_KEY.test(k)) throw invalid(`Invalid value for field 'labels': '${k}'. Label key is invalid.`);
    if (!LABEL_VALUE.test(v)) throw invalid(`Invalid value for field 'labels.${k}': '${v}'. Label value is invalid.`);
  }
}

export async function handle(
  world: ComputeWorld,
  method: string,
  p: Record<string, string>,
  query: URLSearchParams,
  body: Body,
): Promise<Handled> {
  const project = p.project!;
  const api = () => world.sandbox.api(project);
  const fwPath = `projects/${project}/global/firewalls/${p.firewall}`;
  const instPath = `projects/${project}/zones/${p.zone}/instances/${p.instance}`;
  switch (method) {
    case 'compute.firewalls.list': {
      const all = (await api().listFirewalls()).map(firewallJson);
      return { kind: 'compute#firewallList', id: `projects/${project}/global/firewalls`, ...page(all, query) };
    }
    case 'compute.firewalls.get':
      return firewallJson(await api().getFirewall(p.firewall!));
    case 'compute.firewalls.insert': {
      const fw = body as unknown as GcpFirewall;
      return mutate(
        world,
        method,
        project,
        query,
        { type: 'insert', target: `projects/${project}/global/firewalls/${fw.name}` },
        () => api().insertFirewall(fw),
      );
    }
    case 'compute.firewalls.update':
      return mutate(world, method, project, query, { type: 'update', target: fwPath }, () =>
        api().updateFirewall(p.firewall!, body as unknown as GcpFirewall),
      );
    case 'compute.firewalls.patch':
      return mutate(world, method, project, query, { type: 'patch', target: fwPath }, async () => {
        const current = await api().getFirewall(p.firewall!);
        await api().updateFirewall(p.firewall!, merged(current, body ?? {}));
      });
    case 'compute.firewalls.delete':
      return mutate(world, method, project, query, { type: 'delete', target: fwPath }, () =>
        api().deleteFirewall(p.firewall!),
      );
    case 'compute.instances.aggregatedList': {
      const all = await api().listInstances();
      const { items, nextPageToken } = page(all, query);
      const byZone: Record<string, { instances: Handled[] }> = {};
      for (const i of items) {
        const zone = `zones/${i.zone.slice(i.zone.lastIndexOf('/') + 1)}`;
        (byZone[zone] ??= { instances: [] }).instances.push(instanceJson(i));
      }
      return {
        kind: 'compute#instanceAggregatedList',
        id: `projects/${project}/aggregated/instances`,
        items: byZone,
        ...(nextPageToken ? { nextPageToken } : {}),
      };
    }
    case 'compute.instances.get':
      return instanceJson(await api().getInstance(p.zone!, p.instance!));
    case 'compute.instances.setTags': {
      const tags = body as { items?: string[]; fingerprint?: string };
      return mutate(world, method, project, query, { type: 'setTags', target: instPath, zone: p.zone }, () =>
        api().setTags(p.zone!, p.instance!, { items: tags.items ?? [], fingerprint: tags.fingerprint ?? '' }),
      );
    }
    case 'compute.instances.setLabels': {
      const req = body as { labels?: Record<string, string>; labelFingerprint?: string };
      return mutate(world, method, project, query, { type: 'setLabels', target: instPath, zone: p.zone }, async () => {
        const current = await api().getInstance(p.zone!, p.instance!);
        if (req.labelFingerprint !== current.labelFingerprint)
          throw new CloudApiError(
            'gcp',
            'conditionNotMet',
            'Labels fingerprint either invalid or resource labels have changed',
            412,
          );
        const labels = req.labels ?? {};
        checkLabels(labels);
        const removed = Object.keys(current.labels ?? {}).filter((k) => !(k in labels));
        world.sandbox.setLabels(project, p.zone!, p.instance!, {
          ...labels,
          ...Object.fromEntries(removed.map((k) => [k, null])),
        });
      });
    }
    case 'compute.globalOperations.wait':
      return waitFor(world, project, p.operation!);
    case 'compute.zoneOperations.wait':
      return waitFor(world, project, p.operation!, p.zone);
    default:
      throw new CloudApiError('gcp', 'notFound', `${method} is not served by the local Compute server`, 404);
  }
}
