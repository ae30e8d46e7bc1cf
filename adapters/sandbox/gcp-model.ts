/**
 * State, ids, fingerprints, limits and estate seeding of the sandbox GCP (what is modelled and
 * the sources: gcp.ts). Resource paths use the partial form the model documents
 * (`projects/<p>/global/networks/<n>`, `projects/<p>/zones/<z>`); selfLinks are full URLs.
 */
import type { GcpFirewall, GcpInstance } from '../../core/model/native/gcp.ts';
import { CloudApiError } from '../errors.ts';
import type { Estate, EstateGcpFirewall, EstateGcpInstance } from './estate-types.ts';

/** Quotas the sandbox enforces (CLOUD-FACTS §3.3, §3.6). */
export interface GcpLimits {
  /** Project quota "VPC firewall rules"; 500 is the value seen in public errors, adjustable [?]. */
  firewallsPerProject: number;
  tagsPerInstance: number;
  sourceTagsPerRule: number;
  targetTagsPerRule: number;
  /** Ranges per field of one rule: not captured from an official table [?]. */
  rangesPerRule: number;
}

export const DEFAULT_GCP_LIMITS: Readonly<GcpLimits> = {
  firewallsPerProject: 500,
  tagsPerInstance: 64,
  sourceTagsPerRule: 30,
  targetTagsPerRule: 70,
  rangesPerRule: 5000,
};

export const COMPUTE_URL = 'https://www.googleapis.com/compute/v1/';

export interface ProjectState {
  readonly project: string;
  /** Keyed by `<zone>/<name>` with the bare zone name. */
  readonly instances: Map<string, GcpInstance>;
  readonly firewalls: Map<string, GcpFirewall>;
  /** Network names that exist in the project (from the estate's instances and firewalls). */
  readonly networks: Set<string>;
  /** requestIds of mutations that succeeded (a repeat is acknowledged without being applied). */
  readonly requests: Set<string>;
}

export function gcpError(reason: string, message: string, status = 400): CloudApiError {
  return new CloudApiError('gcp', reason, message, status);
}

export const networkPath = (project: string, network: string): string =>
  `projects/${project}/global/networks/${network}`;
export const zonePath = (project: string, zone: string): string => `projects/${project}/zones/${zone}`;
export const instanceKey = (zone: string, name: string): string => `${zone}/${name}`;
export const firewallLink = (project: string, name: string): string =>
  `${COMPUTE_URL}projects/${project}/global/firewalls/${name}`;

/** Ids, fingerprint versions: one counter per sandbox, so the same calls give the same values. */
export class Sequence {
  /** `n`: the last value handed out (`count` of a persisted sandbox), 0 for a new one. */
  constructor(private n = 0) {}
  get count(): number {
    return this.n;
  }
  next(): number {
    this.n += 1;
    return this.n;
  }
  /** A numeric resource id like the service's (19 digits). */
  id(): string {
    return String(1_000_000_000_000_000_000n + BigInt(this.next()));
  }
}

/** FNV-1a 64 of the text, base64 of its 8 bytes: looks like a Compute fingerprint ("42WmSpB8rSM="). */
export function fingerprint(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(ch)) * 0x100000001b3n) & 0xffffffffffffffffn;
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(h);
  return bytes.toString('base64');
}

function projectState(projects: Map<string, ProjectState>, project: string): ProjectState {
  const existing = projects.get(project);
  if (existing) return existing;
  const created: ProjectState = {
    project,
    instances: new Map(),
    firewalls: new Map(),
    networks: new Set(),
    requests: new Set(),
  };
  projects.set(project, created);
  return created;
}

function seedInstance(p: ProjectState, e: EstateGcpInstance, seq: Sequence): void {
  const k = instanceKey(e.zone, e.id);
  if (p.instances.has(k)) throw new Error(`estate: GCP instance ${p.project}/${k} is listed twice`);
  const selfLink = `${COMPUTE_URL}projects/${p.project}/zones/${e.zone}/instances/${e.id}`;
  const items = e.tags ?? [];
  p.networks.add(e.network);
  p.instances.set(k, {
    id: seq.id(),
    name: e.id,
    zone: zonePath(p.project, e.zone),
    status: 'RUNNING',
    tags: {
      ...(items.length > 0 ? { items: [...items] } : {}),
      fingerprint: fingerprint(`${selfLink}#tags#${seq.next()}`),
    },
    labels: { ...e.labels },
    labelFingerprint: fingerprint(`${selfLink}#labels#${seq.next()}`),
    networkInterfaces: [
      {
        name: 'nic0',
        network: networkPath(p.project, e.network),
        networkIP: e.ip,
        ...(e.ipv6 === undefined ? {} : { ipv6Address: e.ipv6 }),
      },
    ],
    selfLink,
  });
}

/** An estate firewall in API form (validated by the caller like any insert). */
export function estateFirewall(f: EstateGcpFirewall): GcpFirewall {
  const direction = f.direction ?? 'INGRESS';
  const rule = [{ IPProtocol: f.protocol, ...(f.ports === undefined ? {} : { ports: [...f.ports] }) }];
  return {
    name: f.name,
    network: networkPath(f.project, f.network),
    priority: f.priority ?? 1000,
    direction,
    ...(f.action === 'deny' ? { denied: rule } : { allowed: rule }),
    ...(direction === 'INGRESS' ? { sourceRanges: [...f.ranges] } : { destinationRanges: [...f.ranges] }),
    ...(f.targetTags === undefined ? {} : { targetTags: [...f.targetTags] }),
  };
}

/**
 * One project state per estate project, instances seeded; the estate's firewalls are returned
 * with their project for the caller to validate and insert (so seeds obey the same rules).
 */
export function seedGcp(
  estate: Estate,
  seq: Sequence,
): { projects: Map<string, ProjectState>; firewalls: Array<[ProjectState, GcpFirewall]> } {
  const projects = new Map<string, ProjectState>();
  for (const e of estate.gcp) seedInstance(projectState(projects, e.project), e, seq);
  const firewalls = estate.gcpFirewalls.map((f): [ProjectState, GcpFirewall] => {
    const p = projectState(projects, f.project);
    p.networks.add(f.network);
    return [p, estateFirewall(f)];
  });
  return { projects, firewalls };
}
