/**
 * The local Compute server's resources in the service's JSON shapes: state is kept by the
 * sandbox model (adapters/sandbox/gcp.ts, which stores partial paths); Compute answers with full
 * URLs for zone, network and selfLink, `kind` on every resource, 64-bit ids as decimal strings, and
 * omits empty lists. Operation objects are built here too.
 */
import { randomBytes } from 'node:crypto';
import type { GcpFirewall, GcpInstance } from '../../core/model/native/gcp.ts';

export const COMPUTE_URL = 'https://www.googleapis.com/compute/v1/';
/** A fixed timestamp: the sandbox keeps none, and no segsync code reads it. */
const CREATED = '2026-01-05T09:00:00.000-08:00';

const url = (path: string): string => (path.startsWith('https://') ? path : `${COMPUTE_URL}${path}`);
const nonEmpty = <K extends string>(key: K, list: readonly unknown[] | undefined): Partial<Record<K, unknown[]>> =>
  list !== undefined && list.length > 0 ? ({ [key]: [...list] } as Record<K, unknown[]>) : {};

export function firewallJson(fw: GcpFirewall): Record<string, unknown> {
  return {
    kind: 'compute#firewall',
    ...(fw.id !== undefined ? { id: fw.id } : {}),
    creationTimestamp: CREATED,
    name: fw.name,
    ...(fw.description !== undefined ? { description: fw.description } : {}),
    network: url(fw.network),
    priority: fw.priority,
    direction: fw.direction,
    ...nonEmpty('sourceRanges', fw.sourceRanges),
    ...nonEmpty('destinationRanges', fw.destinationRanges),
    ...nonEmpty('sourceTags', fw.sourceTags),
    ...nonEmpty('targetTags', fw.targetTags),
    ...nonEmpty('allowed', fw.allowed),
    ...nonEmpty('denied', fw.denied),
    logConfig: { enable: false },
    disabled: fw.disabled ?? false,
    ...(fw.selfLink !== undefined ? { selfLink: url(fw.selfLink) } : {}),
  };
}

export function instanceJson(i: GcpInstance): Record<string, unknown> {
  const labels = i.labels ?? {};
  // No `kind`: Compute sends 'compute#instance', but the copied Instance schema is a filtered
  // subset without it, and the response check would (rightly) refuse a field it does not list.
  return {
    ...(i.id !== undefined ? { id: i.id } : {}),
    name: i.name,
    zone: url(i.zone),
    status: i.status ?? 'RUNNING',
    tags: { ...nonEmpty('items', i.tags.items), fingerprint: i.tags.fingerprint },
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(i.labelFingerprint !== undefined ? { labelFingerprint: i.labelFingerprint } : {}),
    networkInterfaces: i.networkInterfaces.map((n) => ({
      kind: 'compute#networkInterface',
      name: n.name,
      network: url(n.network),
      networkIP: n.networkIP,
      stackType: n.ipv6Address !== undefined ? 'IPV4_IPV6' : 'IPV4_ONLY',
      ...(n.ipv6Address !== undefined ? { ipv6Address: n.ipv6Address } : {}),
    })),
    ...(i.selfLink !== undefined ? { selfLink: url(i.selfLink) } : {}),
  };
}

export interface OperationRecord {
  json: Record<string, unknown>;
  /** Zone name for zonal operations; undefined for global ones. */
  zone?: string;
  /** Set when the operation fails instead of changing anything. */
  failure?: { code: string; message: string; status: number };
}

let counter = 0;

/** A new Operation, RUNNING until it is waited on (the change itself is already made, see server.ts). */
export function newOperation(
  project: string,
  operationType: string,
  targetLink: string,
  zone?: string,
  failure?: OperationRecord['failure'],
): OperationRecord {
  counter += 1;
  const name = `operation-${Date.now()}-${randomBytes(6).toString('hex')}-${counter}`;
  const scope = zone === undefined ? `projects/${project}/global` : `projects/${project}/zones/${zone}`;
  return {
    zone,
    failure,
    json: {
      kind: 'compute#operation',
      id: String(7_000_000_000_000_000_000n + BigInt(counter)),
      name,
      operationType,
      targetLink: url(targetLink),
      status: 'RUNNING',
      user: 'segsync-test@local.iam.gserviceaccount.com',
      progress: 0,
      insertTime: new Date().toISOString(),
      startTime: new Date().toISOString(),
      selfLink: `${COMPUTE_URL}${scope}/operations/${name}`,
      ...(zone === undefined ? {} : { zone: `${COMPUTE_URL}projects/${project}/zones/${zone}` }),
    },
  };
}

/** The operation as operations.wait returns it: DONE, with its error when it failed. */
export function finished(op: OperationRecord): Record<string, unknown> {
  op.json = {
    ...op.json,
    status: 'DONE',
    progress: 100,
    endTime: (op.json.endTime as string | undefined) ?? new Date().toISOString(),
    ...(op.failure
      ? {
          error: { errors: [{ code: op.failure.code, message: op.failure.message }] },
          httpErrorStatusCode: op.failure.status,
          httpErrorMessage: op.failure.status === 403 ? 'FORBIDDEN' : 'BAD REQUEST',
        }
      : {}),
  };
  return op.json;
}

/** Compute's error body (`{ error: { code, message, errors: [{ reason, … }] } }`). */
export function errorJson(status: number, reason: string, message: string): Record<string, unknown> {
  return {
    error: {
      code: status,
      message,
      errors: [{ message, domain: reason === 'rateLimitExceeded' ? 'usageLimits' : 'global', reason }],
    },
  };
}
