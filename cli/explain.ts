/**
 * What `segsync explain --from/--to` accept, resolved to something the policy and the clouds can
 * judge: an instance (id, name or Name tag), a segment (judged over its workloads, shown through
 * one representative enforced workload), an external (an address inside it), a CIDR (an address
 * inside it), or an IP address.
 */
import { formatAddress, parseAddress, parseCidr, type Cidr } from '../core/model/address.ts';
import type { Workload } from '../core/model/inventory.ts';
import { workloadStatus, type Endpoint } from '../core/policy/intent.ts';
import { restrictLabels } from '../core/policy/labels.ts';
import { selectorMatches } from '../core/policy/selector/index.ts';
import type { Policy } from '../core/policy/types.ts';
import { parsePortSpec } from '../core/model/ports.ts';
import type { Protocol } from '../core/model/ports.ts';
import { findWorkloads, someNames } from './workloads.ts';

export interface Party {
  /** What the person typed. */
  input: string;
  kind: 'instance' | 'segment' | 'external' | 'cidr' | 'address';
  /** The address the flow uses. */
  address: string;
  /** The workload judged (the instance itself, or the segment's representative). */
  workload?: Workload;
  /** For a segment: every managed workload it selects (the policy answer covers them all). */
  members?: Workload[];
  /** One sentence: what the input was taken to mean. */
  meaning: string;
}

/** An address inside a CIDR that stands for it: .10 into the range (or the range's only address); 203.0.113.10 for 0.0.0.0/0. */
export function addressIn(c: Cidr): string {
  if (c.prefix === 0) return c.family === 'ipv4' ? '203.0.113.10' : '2001:db8::10';
  const size = 1n << BigInt((c.family === 'ipv4' ? 32 : 128) - c.prefix);
  return formatAddress(c.family, size > 10n ? c.base + 10n : c.base);
}

/** Resolves one end; a string is the error message when nothing matches. */
export function resolveParty(text: string, policy: Policy, workloads: readonly Workload[]): Party | string {
  const byId = workloads.filter((w) => w.nativeId === text || w.id === text || w.id.endsWith(`/${text}`));
  if (byId.length === 1) return instance(text, byId[0]!, 'instance');
  const segment = policy.segments.find((s) => s.name === text);
  if (segment) {
    const members = [...workloads]
      .filter((w) => w.managed && selectorMatches(segment.selector, restrictLabels(w.labels, policy.labelKeys)))
      .sort((a, b) => a.id.localeCompare(b.id));
    if (members.length === 0)
      return `segment "${text}" selects no workload in this estate, so there is nothing to judge`;
    const rep = members.find((w) => workloadStatus(policy, w) === 'enforced') ?? members[0]!;
    return {
      input: text,
      kind: 'segment',
      address: rep.addresses[0]!,
      workload: rep,
      members,
      meaning: `segment ${text} (${members.length} workload${members.length === 1 ? '' : 's'}; represented by ${rep.nativeId}, ${rep.addresses[0]})`,
    };
  }
  const external = policy.externals.find((e) => e.name === text);
  if (external) {
    const c = external.cidrs.find((x) => x.family === 'ipv4') ?? external.cidrs[0]!;
    const address = addressIn(c);
    return { input: text, kind: 'external', address, meaning: `external ${text} (as ${address}, inside ${fmt(c)})` };
  }
  if (parseAddress(text).ok) {
    const owner = workloads.find((w) => w.addresses.includes(text));
    return owner
      ? instance(text, owner, 'address')
      : { input: text, kind: 'address', address: text, meaning: `address ${text}` };
  }
  const cidr = text.includes('/') ? parseCidr(text) : undefined;
  if (cidr?.ok) {
    const address = addressIn(cidr.value);
    return { input: text, kind: 'cidr', address, meaning: `CIDR ${text} (as ${address})` };
  }
  if (cidr && !cidr.ok) return `${cidr.message}${cidr.hint ? `; ${cidr.hint}` : ''}`;
  const named = findWorkloads(text, workloads);
  if (named.length === 1) return instance(text, named[0]!, 'Name tag');
  if (named.length > 1 || byId.length > 1)
    return `"${text}" names ${named.length || byId.length} instances (${(named.length ? named : byId).map((w) => w.nativeId).join(', ')}); give the instance id`;
  return (
    `"${text}" is not an instance, segment, external, IP address or CIDR ` +
    `(segments: ${policy.segments.map((s) => s.name).join(', ')}; instances: ${someNames(workloads)})`
  );
}

function instance(text: string, w: Workload, how: 'instance' | 'address' | 'Name tag'): Party {
  const address = how === 'address' ? text : w.addresses[0]!;
  const meaning =
    how === 'instance'
      ? `instance ${w.nativeId} (${w.cloud}, ${address})`
      : how === 'address'
        ? `address ${text} (instance ${w.nativeId}, ${w.cloud})`
        : `instance ${w.nativeId} (Name tag ${text}; ${w.cloud}, ${address})`;
  return { input: text, kind: 'instance', address, workload: w, meaning };
}

const fmt = (c: Cidr): string => `${formatAddress(c.family, c.base)}/${c.prefix}`;

/** The flow's endpoint for the policy oracle. */
export function endpointOf(p: Party): Endpoint {
  return p.workload ? { ...p.workload, address: p.address } : p.address;
}

/** `--port`: one protocol and one port (or icmp), with a message a person can act on. */
export function parseOnePort(text: string): { protocol: Protocol; port?: number } | string {
  const r = parsePortSpec(text);
  if (!r.ok) {
    const out = /out of range/.test(r.message);
    return out ? `${text}: port out of range (ports are 1-65535)` : `${r.message}${r.hint ? `; ${r.hint}` : ''}`;
  }
  const spec = r.value;
  if (spec.protocol === 'any') return `${text}: give one protocol and port, e.g. tcp/5432, udp/53 or icmp`;
  if (spec.protocol === 'icmp') return { protocol: 'icmp' };
  if (spec.from !== spec.to)
    return `${text}: give one port, e.g. ${spec.protocol}/${spec.from === 0 ? 443 : spec.from}`;
  return { protocol: spec.protocol, port: spec.from };
}

/** Within one segment, the representative pair is two different workloads when there are two. */
export function distinctEnds(src: Party, dst: Party, policy: Policy): Party {
  if (!dst.members || !src.workload || dst.workload !== src.workload) return dst;
  const others = dst.members.filter((w) => w !== src.workload);
  const rep = others.find((w) => workloadStatus(policy, w) === 'enforced') ?? others[0];
  if (!rep) return dst;
  const meaning = dst.meaning.replace(
    `represented by ${dst.workload.nativeId}, ${dst.address}`,
    `represented by ${rep.nativeId}, ${rep.addresses[0]}`,
  );
  return { ...dst, workload: rep, address: rep.addresses[0]!, meaning };
}
