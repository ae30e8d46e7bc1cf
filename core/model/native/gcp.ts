/**
 * GCP native state in Compute Engine v1 JSON shapes (firewalls, instances; see
 * ../shared/specs/gcp). Pure data.
 */

export interface GcpFirewallProtocol {
  /** 'tcp' | 'udp' | 'icmp' | 'all' | an IP protocol number */
  IPProtocol: string;
  /** '443', '8000-8100'; absent = every port */
  ports?: string[];
}

export interface GcpFirewall {
  id?: string;
  name: string;
  description?: string;
  /** `projects/<p>/global/networks/<n>` (full URL or partial path, as the API accepts). */
  network: string;
  /** 0-65535, lower wins; deny beats allow only at equal priority. */
  priority: number;
  direction: 'INGRESS' | 'EGRESS';
  allowed?: GcpFirewallProtocol[];
  denied?: GcpFirewallProtocol[];
  sourceRanges?: string[];
  destinationRanges?: string[];
  sourceTags?: string[];
  targetTags?: string[];
  disabled?: boolean;
  selfLink?: string;
}

export interface GcpNetworkInterface {
  name: string;
  network: string;
  networkIP: string;
  ipv6Address?: string;
}

export interface GcpInstance {
  id?: string;
  name: string;
  /** `projects/<p>/zones/<zone>` or the bare zone name */
  zone: string;
  status?: string;
  tags: { items?: string[]; fingerprint: string };
  labels?: Record<string, string>;
  labelFingerprint?: string;
  networkInterfaces: GcpNetworkInterface[];
  selfLink?: string;
}

/** Everything segsync reads or writes in GCP, across every project it manages. */
export interface GcpState {
  firewalls: GcpFirewall[];
  instances: GcpInstance[];
}
