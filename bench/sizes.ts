/** Sizes: the native objects a full apply left against quotas, what compile asked for, and the naive per-workload translation. */
import type { Desired } from '../core/compile/index.ts';
import type { NativeState } from '../core/model/native/index.ts';
import { isOwnedAws, isOwnedAzure, isOwnedGcpFirewall } from '../core/ownership.ts';
import type { Cloud } from '../core/policy/labels.ts';
import { selectorMatches } from '../core/policy/selector/index.ts';
import type { Peer, Policy } from '../core/policy/types.ts';
import { DEPLOYMENT } from './cases.ts';

export interface NativeSize {
  aws: {
    groups: number;
    ruleUnits: number;
    prefixLists: number;
    prefixListEntries: number;
    maxGroupsPerRegion: number;
    maxPrefixListsPerRegion: number;
    maxRulesPerGroupDirFamily: number;
    maxGroupsPerEni: number;
    maxPrefixListEntries: number;
  };
  azure: {
    nsgs: number;
    rules: number;
    asgs: number;
    maxRulesPerNsg: number;
    maxAsgsPerIpConfig: number;
    maxAsgsPerNsg: number;
    maxPrefixesPerNsgSide: number;
  };
  gcp: {
    firewalls: number;
    maxFirewallsPerProject: number;
    maxTagsPerInstance: number;
    maxRangesPerRule: number;
    maxSourceTagsPerRule: number;
    maxTargetTagsPerRule: number;
  };
}

export function nativeSize(state: NativeState, desired: Desired): NativeSize {
  const max = (xs: Iterable<number>): number => {
    let m = 0;
    for (const x of xs) if (x > m) m = x;
    return m;
  };
  const countBy = <T>(xs: readonly T[], key: (x: T) => string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
    return m;
  };
  // AWS
  const sgs = state.aws.SecurityGroups.filter((g) => isOwnedAws(g.Tags, DEPLOYMENT));
  const pls = state.aws.PrefixLists.filter((p) => isOwnedAws(p.Tags, DEPLOYMENT));
  const plById = new Map(state.aws.PrefixLists.map((p) => [p.PrefixListId, p]));
  let units = 0;
  let maxDirFam = 0;
  for (const g of sgs) {
    for (const perms of [g.IpPermissions, g.IpPermissionsEgress]) {
      // Per family: CIDR and group references count 1, a prefix list counts its MaxEntries.
      let v4 = 0;
      let v6 = 0;
      for (const p of perms) {
        units += p.IpRanges.length + p.Ipv6Ranges.length + p.PrefixListIds.length + p.UserIdGroupPairs.length;
        v4 += p.IpRanges.length + p.UserIdGroupPairs.length;
        v6 += p.Ipv6Ranges.length + p.UserIdGroupPairs.length;
        for (const ref of p.PrefixListIds) {
          const pl = plById.get(ref.PrefixListId);
          if (pl?.AddressFamily === 'IPv6') v6 += pl.MaxEntries;
          else v4 += pl?.MaxEntries ?? 1;
        }
      }
      maxDirFam = Math.max(maxDirFam, v4, v6);
    }
  }
  // Per (account, Region): from the desired objects, which carry their scope.
  const aws = {
    groups: sgs.length,
    ruleUnits: units,
    prefixLists: pls.length,
    prefixListEntries: pls.reduce((n, p) => n + p.Entries.length, 0),
    maxGroupsPerRegion: max(countBy(desired.aws.groups, (g) => g.scope).values()),
    maxPrefixListsPerRegion: max(countBy(desired.aws.prefixLists, (p) => p.scope).values()),
    maxRulesPerGroupDirFamily: maxDirFam,
    maxGroupsPerEni: max(state.aws.NetworkInterfaces.map((e) => e.Groups.length)),
    maxPrefixListEntries: max(pls.map((p) => p.Entries.length)),
  };
  // Azure
  const nsgs = state.azure.networkSecurityGroups.filter((n) => isOwnedAzure(n.tags, DEPLOYMENT));
  const asgsPerNsg = (n: (typeof nsgs)[number]) =>
    new Set(
      n.properties.securityRules.flatMap((r) =>
        [
          ...(r.properties.sourceApplicationSecurityGroups ?? []),
          ...(r.properties.destinationApplicationSecurityGroups ?? []),
        ].map((a) => a.id.toLowerCase()),
      ),
    ).size;
  const prefixes = (n: (typeof nsgs)[number], side: 'source' | 'destination') =>
    n.properties.securityRules.reduce((s, r) => {
      const p = r.properties;
      const list =
        side === 'source'
          ? [...(p.sourceAddressPrefixes ?? []), ...(p.sourceAddressPrefix ? [p.sourceAddressPrefix] : [])]
          : [
              ...(p.destinationAddressPrefixes ?? []),
              ...(p.destinationAddressPrefix ? [p.destinationAddressPrefix] : []),
            ];
      return s + list.filter((x) => /[\d:]/.test(x)).length;
    }, 0);
  const azure = {
    nsgs: nsgs.length,
    rules: nsgs.reduce((n, g) => n + g.properties.securityRules.length, 0),
    asgs: state.azure.applicationSecurityGroups.filter((a) => isOwnedAzure(a.tags, DEPLOYMENT)).length,
    maxRulesPerNsg: max(nsgs.map((n) => n.properties.securityRules.length)),
    maxAsgsPerIpConfig: max(
      state.azure.networkInterfaces.flatMap((n) =>
        n.properties.ipConfigurations.map((c) => c.properties.applicationSecurityGroups?.length ?? 0),
      ),
    ),
    maxAsgsPerNsg: max(nsgs.map(asgsPerNsg)),
    maxPrefixesPerNsgSide: max(nsgs.flatMap((n) => [prefixes(n, 'source'), prefixes(n, 'destination')])),
  };
  // GCP
  const fws = state.gcp.firewalls.filter((f) => isOwnedGcpFirewall(f, DEPLOYMENT));
  const projectOf = (network: string) => /projects\/([^/]+)/.exec(network)?.[1] ?? network;
  const gcp = {
    firewalls: fws.length,
    maxFirewallsPerProject: max(countBy(state.gcp.firewalls, (f) => projectOf(f.network)).values()),
    maxTagsPerInstance: max(state.gcp.instances.map((i) => i.tags.items?.length ?? 0)),
    maxRangesPerRule: max(fws.map((f) => Math.max(f.sourceRanges?.length ?? 0, f.destinationRanges?.length ?? 0))),
    maxSourceTagsPerRule: max(fws.map((f) => f.sourceTags?.length ?? 0)),
    maxTargetTagsPerRule: max(fws.map((f) => f.targetTags?.length ?? 0)),
  };
  return { aws, azure, gcp };
}

export interface Naive {
  rules: Record<Cloud, number>;
  maxPerWorkload: Record<Cloud, number>;
}

/** What compile asks for, before any cloud: objects and rules per cloud (also for unbounded cases). */
export interface DesiredSize {
  aws: {
    groups: number;
    ruleUnits: number;
    prefixLists: number;
    maxPrefixListEntries: number;
    maxGroupsPerClass: number;
  };
  azure: { nsgs: number; rules: number; asgs: number; maxRulesPerNsg: number };
  gcp: { firewalls: number; maxRangesPerRule: number };
}

export function desiredSize(d: Desired): DesiredSize {
  const max = (xs: number[]): number => xs.reduce((m, x) => (x > m ? x : m), 0);
  const groupsPerClass = new Map<string, number>();
  for (const g of d.aws.groups)
    groupsPerClass.set(
      `${g.scope}|${g.vpcId}|${g.classId}`,
      (groupsPerClass.get(`${g.scope}|${g.vpcId}|${g.classId}`) ?? 0) + 1,
    );
  return {
    aws: {
      groups: d.aws.groups.length,
      ruleUnits: d.aws.groups.reduce((n, g) => n + g.ingress.length + g.egress.length, 0),
      prefixLists: d.aws.prefixLists.length,
      maxPrefixListEntries: max(d.aws.prefixLists.map((p) => p.entries.length)),
      maxGroupsPerClass: max([...groupsPerClass.values()]),
    },
    azure: {
      nsgs: d.azure.nsgs.length,
      rules: d.azure.nsgs.reduce((n, x) => n + x.rules.length, 0),
      asgs: d.azure.asgs.length,
      maxRulesPerNsg: max(d.azure.nsgs.map((x) => x.rules.length)),
    },
    gcp: {
      firewalls: d.gcp.firewalls.length,
      maxRangesPerRule: max(
        d.gcp.firewalls.map((f) =>
          Math.max(f.firewall.sourceRanges?.length ?? 0, f.firewall.destinationRanges?.length ?? 0),
        ),
      ),
    },
  };
}

/**
 * The naive reference: every enforced workload gets its own firewall, and every allow rule
 * becomes one native rule per (peer address, port spec) on it — ingress at each enforced
 * destination, egress at each enforced source (when egress is denied by default). Deny rules
 * cannot be expressed this way on AWS at all; they are ignored (so naive is an under-estimate).
 * Computed per class (members agree on every selector), so it is cheap.
 */
export function naiveTranslation(policy: Policy, desired: Desired): Naive {
  const classes = desired.reach.classification.classes;
  const externalCidrs = (peer: Peer): number => {
    if (peer.kind === 'cidrs') return peer.cidrs.length;
    if (peer.kind === 'external') return policy.externals.find((e) => e.name === peer.name)?.cidrs.length ?? 0;
    return policy.externals
      .filter((e) => selectorMatches(peer.selector, e.labels))
      .reduce((s, e) => s + e.cidrs.length, 0);
  };
  const matchingClasses = (peer: Peer) =>
    peer.kind === 'segment' || peer.kind === 'selector'
      ? classes.filter((c) => selectorMatches(peer.selector, c.labels))
      : [];
  const rules: Record<Cloud, number> = { aws: 0, azure: 0, gcp: 0 };
  const perClass = new Map<string, number>();
  const egressDenied = policy.defaults.egress === 'deny';
  for (const r of policy.rules) {
    if (r.action !== 'allow') continue;
    const from = matchingClasses(r.from);
    const to = matchingClasses(r.to);
    const fromPeers = from.reduce((s, c) => s + c.members.length, 0) + externalCidrs(r.from);
    const toPeers = to.reduce((s, c) => s + c.members.length, 0) + externalCidrs(r.to);
    const ports = r.ports.length;
    for (const c of to) {
      if (c.status !== 'enforced') continue;
      const each = fromPeers * ports;
      perClass.set(c.id, (perClass.get(c.id) ?? 0) + each);
      for (const w of c.members) rules[w.cloud] += each;
    }
    if (!egressDenied) continue;
    for (const c of from) {
      if (c.status !== 'enforced') continue;
      const each = toPeers * ports;
      perClass.set(c.id, (perClass.get(c.id) ?? 0) + each);
      for (const w of c.members) rules[w.cloud] += each;
    }
  }
  const maxPerWorkload: Record<Cloud, number> = { aws: 0, azure: 0, gcp: 0 };
  for (const c of classes) {
    const n = perClass.get(c.id) ?? 0;
    for (const cloud of new Set(c.members.map((w) => w.cloud)))
      maxPerWorkload[cloud] = Math.max(maxPerWorkload[cloud], n);
  }
  return { rules, maxPerWorkload };
}
