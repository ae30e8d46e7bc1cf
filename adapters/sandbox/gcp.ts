/**
 * Sandbox GCP: an in-memory Compute Engine (VPC firewall rules, instances' network tags) per
 * project, seeded from an estate. Every call returns deep copies; ids, fingerprints and list
 * order are deterministic (same estate + same calls → same JSON). Split: gcp-model.ts (state,
 * ids, fingerprints, seeding), gcp-firewall.ts (rule validation).
 *
 * Modelled (reason string = CloudApiError code, HTTP status, source):
 * - Firewall name RFC 1035, 1-63 → 400 invalid "Invalid value for field 'resource.name' … Must be
 *   a match of regex …" (CLOUD-FACTS §3.1; crowdsecurity/cs-cloud-firewall-bouncer#5,
 *   GoogleCloudPlatform/deploymentmanager-samples#23); the same check for every network tag.
 * - Name unique per project → 409 alreadyExists "The resource 'projects/p/global/firewalls/x'
 *   already exists" (mesosphere-backup/terraform-dcos#23); update/delete of a missing rule → 404
 *   notFound "… was not found".
 * - Rule count per project ≥ GcpLimits.firewallsPerProject → 403 quotaExceeded "Quota 'FIREWALLS'
 *   exceeded.  Limit: 500.0 globally." (kyma-project/test-infra#677, elastic/elastic-agent#2806;
 *   the quota is adjustable, §3.6).
 * - Exactly one of allowed/denied (§3.1), priority 0-65535 (specs/gcp Firewall.priority), direction
 *   INGRESS/EGRESS (default INGRESS), protocol names/numbers → 400 invalid (message for protocols
 *   from terraform-google-modules/terraform-google-network#535); ports '443' or '80-90' only for
 *   tcp/udp/sctp (specs/gcp Firewall.allowed.ports) → 400 invalid [? message].
 * - EGRESS with sourceTags → 400 badRequest "Should not specify source tag or service account for
 *   egress direction." (specs/gcp Firewall.direction; mchmarny/grunner#6). INGRESS may carry
 *   destinationRanges and EGRESS sourceRanges (the API only forbids egress source tags).
 * - Ingress without sourceRanges/sourceTags is stored with sourceRanges ['0.0.0.0/0']
 *   (hashicorp/terraform-provider-google#6789); egress without destinationRanges with
 *   ['0.0.0.0/0'] (firewall docs, §3.1 [?]).
 * - Ranges: CIDR or address, IPv4 and IPv6 never mixed in one rule (§3.1; kubernetes/kops#12170),
 *   ≤ rangesPerRule per field (5000, unconfirmed §3.6), ≤ 30 sourceTags and ≤ 70 targetTags (§3.6
 *   [2nd]) → 400 invalid [? message].
 * - Network: full URL, `projects/p/global/networks/n` or `global/networks/n` (specs/gcp
 *   Firewall.network), default `default`, stored as `projects/p/global/networks/n`; another
 *   project's network → 400 invalid "Cross-project references for this resource type are not
 *   allowed." (AppScale/appscale-tools#339); unknown network → 404 notFound [?]; an update cannot
 *   change the network or the name → 400 invalid [?].
 * - firewalls.update replaces the whole rule (§3.4; no fingerprint on VPC rules: last writer wins).
 * - setTags: fingerprint must be the current one → 412 conditionNotMet "Supplied fingerprint does
 *   not match current metadata fingerprint." (§3.4; status 412 and message as handled in
 *   hashicorp/terraform-provider-google metadata code; reason per adapters/gcp/api.ts [?]); missing
 *   fingerprint → 400 invalid (specs/gcp NetworkInterface.fingerprint by analogy [?]); > 64 tags,
 *   duplicates, non-RFC 1035 tags → 400 invalid (§3.3). The fingerprint changes on every setTags.
 * - requestId (specs/gcp: must be a UUID, not the zero UUID → 400 invalid [?]): a mutation repeated
 *   with a requestId that already succeeded in this project returns success and changes nothing
 *   (§3.4). A request that failed validation is not recorded (the service rejects it before an
 *   Operation exists), so a retry runs again.
 * - Throttling (403 rateLimitExceeded) and 5xx only through the FaultInjector, checked first.
 * Not modelled: targetServiceAccounts/sourceServiceAccounts, logConfig, firewalls.patch, firewall
 * policies and secure tags (§3.2, §3.3), label validation on setLabels (a test control), instance
 * lifecycle, rate quotas per 60 s window (§3.4), Operation objects (calls resolve when done).
 * The real API returns full https URLs for zone and network; the sandbox returns the partial
 * forms above (adapters normalise the real URLs to them).
 */
import { compareStrings } from '../../core/model/compare.ts';
import type { GcpFirewall, GcpInstance, GcpState } from '../../core/model/native/gcp.ts';
import type { GcpComputeApi, GcpScope } from '../gcp/api.ts';
import type { Estate } from './estate-types.ts';
import type { FaultInjector } from './faults.ts';
import { fromData, toData, type CloudDump } from './persist.ts';
import { checkRfc1035, invalidField, normalizeFirewall } from './gcp-firewall.ts';
import {
  DEFAULT_GCP_LIMITS,
  Sequence,
  firewallLink,
  fingerprint,
  gcpError,
  instanceKey,
  seedGcp,
  type GcpLimits,
  type ProjectState,
} from './gcp-model.ts';

export { DEFAULT_GCP_LIMITS, type GcpLimits } from './gcp-model.ts';

interface World {
  readonly projects: Map<string, ProjectState>;
  readonly seq: Sequence;
  readonly limits: GcpLimits;
  readonly faults: FaultInjector | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const bySelfLink = <T extends { selfLink?: string }>(a: T, b: T): number =>
  compareStrings(a.selfLink ?? '', b.selfLink ?? '');
const firewallPath = (project: string, name: string): string => `projects/${project}/global/firewalls/${name}`;

function insertInto(world: World, p: ProjectState, fw: GcpFirewall): void {
  const normalized = normalizeFirewall(p, fw, world.limits);
  if (p.firewalls.has(fw.name))
    throw gcpError('alreadyExists', `The resource '${firewallPath(p.project, fw.name)}' already exists`, 409);
  if (p.firewalls.size >= world.limits.firewallsPerProject) {
    throw gcpError(
      'quotaExceeded',
      `Quota 'FIREWALLS' exceeded.  Limit: ${world.limits.firewallsPerProject.toFixed(1)} globally.`,
      403,
    );
  }
  p.firewalls.set(fw.name, { id: world.seq.id(), ...normalized, selfLink: firewallLink(p.project, fw.name) });
}

/** 'us-central1-a', 'projects/p/zones/us-central1-a' or its URL → 'us-central1-a'. */
const bareZone = (zone: string): string => zone.slice(zone.lastIndexOf('/') + 1);

/** The Compute Engine API of one sandbox project. */
export class SandboxGcpCompute implements GcpComputeApi {
  readonly scope: GcpScope;

  constructor(
    private readonly world: World,
    private readonly p: ProjectState,
  ) {
    this.scope = { project: p.project };
  }

  /** Reads: an injected fault fails the call first. */
  private begin(operation: string): ProjectState {
    this.world.faults?.check('gcp', operation);
    return this.p;
  }

  /** Mutations: fault first, then requestId de-duplication, then the change itself. */
  private mutate(operation: string, requestId: string | undefined, change: (p: ProjectState) => void): void {
    const p = this.begin(operation);
    if (requestId !== undefined && (!UUID.test(requestId) || requestId === ZERO_UUID)) {
      throw invalidField('requestId', requestId, 'Must be a valid UUID other than the zero UUID.');
    }
    if (requestId !== undefined && p.requests.has(requestId)) return;
    change(p);
    if (requestId !== undefined) p.requests.add(requestId);
  }

  private firewall(p: ProjectState, name: string): GcpFirewall {
    const fw = p.firewalls.get(name);
    if (!fw) throw gcpError('notFound', `The resource '${firewallPath(p.project, name)}' was not found`, 404);
    return fw;
  }

  async listInstances(): Promise<GcpInstance[]> {
    const p = this.begin('listInstances');
    return structuredClone(
      [...p.instances.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.zone < b.zone ? -1 : 1)),
    );
  }

  async getInstance(zone: string, name: string): Promise<GcpInstance> {
    return structuredClone(instanceIn(this.begin('getInstance'), zone, name));
  }

  async getFirewall(name: string): Promise<GcpFirewall> {
    const p = this.begin('getFirewall');
    return structuredClone(this.firewall(p, name));
  }

  /** In name order, as firewalls.list returns them by default (specs/gcp firewalls.list orderBy). */
  async listFirewalls(): Promise<GcpFirewall[]> {
    const p = this.begin('listFirewalls');
    return structuredClone([...p.firewalls.values()].sort((a, b) => (a.name < b.name ? -1 : 1)));
  }

  async insertFirewall(firewall: GcpFirewall, requestId?: string): Promise<void> {
    this.mutate('insertFirewall', requestId, (p) => insertInto(this.world, p, firewall));
  }

  async updateFirewall(name: string, firewall: GcpFirewall, requestId?: string): Promise<void> {
    this.mutate('updateFirewall', requestId, (p) => {
      const current = this.firewall(p, name);
      if (firewall.name !== undefined && firewall.name !== name)
        throw invalidField('resource.name', firewall.name, `Must be '${name}': a firewall cannot be renamed.`);
      const normalized = normalizeFirewall(p, { ...firewall, name }, this.world.limits);
      if (normalized.network !== current.network)
        throw invalidField(
          'resource.network',
          firewall.network,
          `Must be '${current.network}': the network of a firewall cannot be changed.`,
        );
      p.firewalls.set(name, { id: current.id, ...normalized, selfLink: current.selfLink });
    });
  }

  async deleteFirewall(name: string, requestId?: string): Promise<void> {
    this.mutate('deleteFirewall', requestId, (p) => {
      this.firewall(p, name);
      p.firewalls.delete(name);
    });
  }

  async setTags(
    zone: string,
    instance: string,
    tags: { items: string[]; fingerprint: string },
    requestId?: string,
  ): Promise<void> {
    this.mutate('setTags', requestId, (p) => {
      const found = instanceIn(p, zone, instance);
      const items = tags.items ?? [];
      if (items.length > this.world.limits.tagsPerInstance)
        throw invalidField(
          'resource.tags.items',
          `${items.length} tags`,
          `At most ${this.world.limits.tagsPerInstance} tags are allowed.`,
        );
      items.forEach((t, i) => checkRfc1035(`resource.tags.items[${i}]`, t));
      const dup = items.find((t, i) => items.indexOf(t) !== i);
      if (dup !== undefined) throw invalidField('resource.tags.items', dup, 'Tags must be unique.');
      if (!tags.fingerprint)
        throw invalidField(
          'resource.tags.fingerprint',
          '',
          'A fingerprint is required: read the instance and send its tags.fingerprint.',
        );
      if (tags.fingerprint !== found.tags.fingerprint)
        throw gcpError('conditionNotMet', 'Supplied fingerprint does not match current metadata fingerprint.', 412);
      found.tags = {
        ...(items.length > 0 ? { items: [...items] } : {}),
        fingerprint: fingerprint(`${found.selfLink}#tags#${this.world.seq.next()}`),
      };
    });
  }
}

function instanceIn(p: ProjectState, zone: string, name: string): GcpInstance {
  const found = p.instances.get(instanceKey(bareZone(zone), name));
  if (!found)
    throw gcpError(
      'notFound',
      `The resource 'projects/${p.project}/zones/${bareZone(zone)}/instances/${name}' was not found`,
      404,
    );
  return found;
}

/** Every sandbox project of an estate, with test controls that play the part of people. */
export class SandboxGcp {
  private readonly apis = new Map<string, SandboxGcpCompute>();

  private constructor(private readonly world: World) {}

  /** Seeds instances, then inserts the estate's foreign firewalls through the same checks as the API. */
  static fromEstate(estate: Estate, options: { limits?: Partial<GcpLimits>; faults?: FaultInjector } = {}): SandboxGcp {
    const seq = new Sequence();
    const { projects, firewalls } = seedGcp(estate, seq);
    const world: World = {
      projects,
      seq,
      limits: { ...DEFAULT_GCP_LIMITS, ...options.limits },
      faults: options.faults,
    };
    for (const [p, fw] of firewalls) insertInto(world, p, fw);
    return new SandboxGcp(world);
  }

  /** Everything this sandbox holds (projects, the id/fingerprint sequence, limits) as JSON data; `restore` inverts it. */
  dump(): CloudDump {
    const { projects, seq, limits } = this.world;
    return toData({ limits, seq: seq.count, projects: [...projects.values()] }) as CloudDump;
  }

  /** The sandbox `dump()` saved: same state, same future ids and fingerprints. Faults are not part of the state. */
  static restore(dump: CloudDump, options: { limits?: Partial<GcpLimits>; faults?: FaultInjector } = {}): SandboxGcp {
    const data = fromData(dump) as { limits: GcpLimits; seq: number; projects: ProjectState[] };
    return new SandboxGcp({
      projects: new Map(data.projects.map((p) => [p.project, p])),
      seq: new Sequence(data.seq),
      limits: { ...data.limits, ...options.limits },
      faults: options.faults,
    });
  }

  private project(project: string): ProjectState {
    const p = this.world.projects.get(project);
    if (!p) throw gcpError('notFound', `The resource 'projects/${project}' was not found`, 404);
    return p;
  }

  api(project: string): SandboxGcpCompute {
    const api = this.apis.get(project) ?? new SandboxGcpCompute(this.world, this.project(project));
    this.apis.set(project, api);
    return api;
  }

  projects(): string[] {
    return [...this.world.projects.keys()].sort();
  }

  /** Every project's firewalls and instances, sorted by selfLink (project, then zone, then name). */
  snapshot(): GcpState {
    const all = [...this.world.projects.values()];
    return structuredClone({
      firewalls: all.flatMap((p) => [...p.firewalls.values()]).sort(bySelfLink),
      instances: all.flatMap((p) => [...p.instances.values()]).sort(bySelfLink),
    });
  }

  /** Someone edits an instance's labels: `null` removes a label; labelFingerprint changes. No faults. */
  setLabels(project: string, zone: string, instance: string, labels: Record<string, string | null>): void {
    const found = instanceIn(this.project(project), zone, instance);
    const next = { ...found.labels };
    for (const [k, v] of Object.entries(labels)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    found.labels = next;
    found.labelFingerprint = fingerprint(`${found.selfLink}#labels#${this.world.seq.next()}`);
  }
}
