/**
 * Validation and normalisation of a VPC firewall rule as firewalls.insert/update do it. Reasons,
 * statuses and messages are the service's where observed; see gcp.ts for the sources and the
 * ones marked [?].
 */
import type { GcpFirewall, GcpFirewallProtocol } from '../../core/model/native/gcp.ts';
import { parseCidr, type Family } from '../../core/model/address.ts';
import { gcpError, networkPath, type GcpLimits, type ProjectState } from './gcp-model.ts';

/** RFC 1035 label, 1-63 chars: names of firewalls and network tags alike. */
export const RFC1035 = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const RFC1035_TEXT = "'(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'";
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'esp', 'ah', 'sctp', 'ipip', 'all']);
/** Protocols (by name or IANA number) whose rules may list ports. */
const PORTED = new Set(['tcp', 'udp', 'sctp', '6', '17', '132']);
const PORT = /^(\d{1,5})(?:-(\d{1,5}))?$/;

export function invalidField(field: string, value: unknown, must: string): Error {
  return gcpError('invalid', `Invalid value for field '${field}': '${String(value)}'. ${must}`);
}

export function checkRfc1035(field: string, value: string): void {
  if (typeof value !== 'string' || !RFC1035.test(value))
    throw invalidField(field, value, `Must be a match of regex ${RFC1035_TEXT}`);
}

/** Full URL, `projects/p/global/networks/n` or `global/networks/n` → the partial canonical form. */
function resolveNetwork(p: ProjectState, network: string | undefined): string {
  const text = network ?? 'global/networks/default';
  const m =
    /^(?:https:\/\/(?:www|compute)\.googleapis\.com\/compute\/v1\/)?(?:projects\/([^/]+)\/)?global\/networks\/([^/]+)$/.exec(
      text,
    );
  if (!m) throw invalidField('resource.network', text, 'Must be the URL of a network.');
  if (m[1] !== undefined && m[1] !== p.project)
    throw invalidField('resource.network', text, 'Cross-project references for this resource type are not allowed.');
  const name = m[2] as string;
  if (!p.networks.has(name))
    throw gcpError('notFound', `The resource '${networkPath(p.project, name)}' was not found`, 404);
  return networkPath(p.project, name);
}

function checkPorts(field: string, rule: GcpFirewallProtocol): void {
  (rule.ports ?? []).forEach((port, j) => {
    if (!PORTED.has(rule.IPProtocol))
      throw invalidField(
        `${field}.ports[${j}]`,
        port,
        'Ports may only be specified on rules whose protocol is one of [TCP, UDP, SCTP].',
      );
    const m = PORT.exec(port);
    const lo = Number(m?.[1]);
    const hi = m?.[2] === undefined ? lo : Number(m[2]);
    if (!m || lo > hi || hi > 65535)
      throw invalidField(`${field}.ports[${j}]`, port, 'Must be a port number or a port range between 0 and 65535.');
  });
}

/** Exactly one of allowed/denied, each entry a known protocol with valid ports. */
function checkAction(fw: GcpFirewall): 'allowed' | 'denied' {
  const allowed = fw.allowed ?? [];
  const denied = fw.denied ?? [];
  if (allowed.length > 0 === denied.length > 0) {
    throw invalidField(
      'resource',
      allowed.length > 0 ? 'allowed and denied' : 'neither allowed nor denied',
      'Exactly one of allowed or denied must be specified.',
    );
  }
  const kind = allowed.length > 0 ? 'allowed' : 'denied';
  (kind === 'allowed' ? allowed : denied).forEach((rule, i) => {
    const field = `resource.${kind}[${i}]`;
    const p = rule.IPProtocol;
    const number = /^\d{1,3}$/.test(p) && Number(p) <= 255;
    if (!PROTOCOLS.has(p) && !number) {
      throw invalidField(
        `${field}.IPProtocol`,
        p,
        'Must be one of ["ah", "all", "esp", "icmp", "ipip", "sctp", "tcp", "udp"] or an IP protocol number between 0 and 255.',
      );
    }
    checkPorts(field, rule);
  });
  return kind;
}

function checkTags(fw: GcpFirewall, direction: string, limits: GcpLimits): void {
  if (direction === 'EGRESS' && (fw.sourceTags ?? []).length > 0) {
    throw gcpError('badRequest', 'Should not specify source tag or service account for egress direction.');
  }
  for (const [field, tags, limit] of [
    ['sourceTags', fw.sourceTags, limits.sourceTagsPerRule],
    ['targetTags', fw.targetTags, limits.targetTagsPerRule],
  ] as const) {
    if ((tags ?? []).length > limit)
      throw invalidField(`resource.${field}`, `${(tags ?? []).length} tags`, `At most ${limit} ${field} are allowed.`);
    (tags ?? []).forEach((t, i) => checkRfc1035(`resource.${field}[${i}]`, t));
  }
}

/** Valid CIDRs or addresses, ≤ the per-field limit, and one IP family across the whole rule. */
function checkRanges(fw: GcpFirewall, limits: GcpLimits): void {
  const families = new Set<Family>();
  for (const field of ['sourceRanges', 'destinationRanges'] as const) {
    const ranges = fw[field] ?? [];
    if (ranges.length > limits.rangesPerRule)
      throw invalidField(
        `resource.${field}`,
        `${ranges.length} ranges`,
        `At most ${limits.rangesPerRule} ranges are allowed.`,
      );
    ranges.forEach((r, i) => {
      const parsed = parseCidr(r);
      if (!parsed.ok)
        throw invalidField(`resource.${field}[${i}]`, r, 'Must be a valid IPV4 or IPV6 CIDR address range.');
      families.add(parsed.value.family);
    });
  }
  if (families.size > 1)
    throw invalidField('resource', 'IPv4 and IPv6 ranges', 'A firewall rule cannot mix IPv4 and IPv6 ranges.');
}

/**
 * The rule as the service stores it: network in the partial canonical form, defaults filled in
 * (INGRESS, priority 1000, disabled false, 0.0.0.0/0 as the source of an ingress rule without
 * sources and the destination of an egress rule without destinations). Throws on invalid input.
 */
export function normalizeFirewall(p: ProjectState, fw: GcpFirewall, limits: GcpLimits): GcpFirewall {
  checkRfc1035('resource.name', fw.name);
  const network = resolveNetwork(p, fw.network);
  const direction = fw.direction ?? 'INGRESS';
  if (direction !== 'INGRESS' && direction !== 'EGRESS')
    throw invalidField('resource.direction', direction, 'Must be one of [EGRESS, INGRESS].');
  const priority = fw.priority ?? 1000;
  if (!Number.isInteger(priority) || priority < 0 || priority > 65535)
    throw invalidField('resource.priority', priority, 'Must be an integer between 0 and 65535.');
  const kind = checkAction(fw);
  checkTags(fw, direction, limits);
  checkRanges(fw, limits);
  const noSource =
    direction === 'INGRESS' && (fw.sourceRanges ?? []).length === 0 && (fw.sourceTags ?? []).length === 0;
  const noDestination = direction === 'EGRESS' && (fw.destinationRanges ?? []).length === 0;
  const copy = structuredClone(fw);
  const list = <K extends 'sourceRanges' | 'destinationRanges' | 'sourceTags' | 'targetTags'>(
    k: K,
    fill: boolean,
  ): Partial<Record<K, string[]>> =>
    ((copy[k] ?? []).length > 0 ? { [k]: copy[k] } : fill ? { [k]: ['0.0.0.0/0'] } : {}) as Partial<
      Record<K, string[]>
    >;
  return {
    name: fw.name,
    ...(copy.description === undefined ? {} : { description: copy.description }),
    network,
    priority,
    direction,
    [kind]: copy[kind],
    ...list('sourceRanges', noSource),
    ...list('destinationRanges', noDestination),
    ...list('sourceTags', false),
    ...list('targetTags', false),
    disabled: copy.disabled ?? false,
  };
}
