/** What compiled desired state lets in, read back for assertions. */
import type { Desired } from '../../core/compile/index.ts';

/**
 * Every CIDR each cloud lets into dns: AWS prefix list entries and rule CIDRs of dns's groups;
 * Azure NSG prefixes and GCP ranges of every inbound allow (the estates using this let only dns in).
 */
export function dnsSources(d: Desired): Record<'aws' | 'azure' | 'gcp', string[]> {
  const aws = d.aws.groups
    .filter((g) => g.className === 'dns')
    .flatMap((g) =>
      g.ingress.flatMap((u) =>
        u.peer.kind === 'cidr'
          ? [u.peer.cidr]
          : u.peer.kind === 'prefix-list'
            ? (d.aws.prefixLists.find((p) => p.name === (u.peer as { name: string }).name)?.entries ?? [])
            : [],
      ),
    );
  const azure = d.azure.nsgs.flatMap((n) =>
    n.rules
      .filter((r) => r.properties.direction === 'Inbound' && r.properties.access === 'Allow')
      .flatMap((r) => [
        ...(r.properties.sourceAddressPrefixes ?? []),
        ...(r.properties.sourceAddressPrefix ? [r.properties.sourceAddressPrefix] : []),
      ]),
  );
  const gcp = d.gcp.firewalls
    .filter((f) => f.firewall.direction === 'INGRESS' && f.firewall.allowed)
    .flatMap((f) => f.firewall.sourceRanges ?? []);
  return { aws: [...new Set(aws)].sort(), azure: [...new Set(azure)].sort(), gcp: [...new Set(gcp)].sort() };
}
