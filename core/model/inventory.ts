/**
 * The workload model every cloud maps into (DESIGN.md §3 "Inventory"). Pure data.
 *
 * Labels here are canonical (normalizeLabels already ran); ids are cloud-qualified so two clouds
 * can never collide; an attachment is where a cloud hangs membership (AWS ENI, Azure NIC IP
 * configuration, GCP instance network interface). Every id format here is built and parsed in
 * core/model/ids.ts, nowhere else.
 */
import type { Cloud, LabelProblem, Labels } from './cloud.ts';

export type { Cloud };

export interface Location {
  cloud: Cloud;
  /** AWS account id, Azure subscription id, or GCP project id. */
  account: string;
  /** AWS/Azure region, or GCP region (zones roll up to their region). */
  region: string;
}

export interface Attachment {
  /**
   * Where membership hangs: AWS ENI id (`eni-…`); Azure NIC IP configuration ARM id;
   * GCP `gcp:<project>/<zone>/<instance>/<nic name>`.
   */
  id: string;
  /**
   * Cloud-qualified network: `aws:<account>:<region>:<vpc-id>`, `azure:<VNet ARM id>`,
   * `gcp:projects/<project>/global/networks/<name>`.
   */
  network: string;
  /** Private addresses on this attachment, IPv4 and/or IPv6. */
  addresses: string[];
}

export interface Workload {
  /** Cloud-qualified, stable: `aws:<account>:<region>:<instance-id>`, `azure:<VM ARM id>`, `gcp:<project>:<zone>:<name>`. */
  id: string;
  /** The id the cloud itself uses (i-0abc, VM name, instance name). */
  nativeId: string;
  cloud: Cloud;
  location: Location;
  /** The network of the primary attachment. */
  network: string;
  labels: Labels;
  /** Every private address, primary first. */
  addresses: string[];
  publicAddresses: string[];
  attachments: Attachment[];
  /** False when the workload sits in a location this deployment does not manage. */
  managed: boolean;
  /** Tag problems found while normalising (collisions make the workload unusable as a peer). */
  labelProblems: LabelProblem[];
}

export interface Inventory {
  workloads: Workload[];
}
