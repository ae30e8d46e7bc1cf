/**
 * The closed vocabulary of GCP plan steps (STYLE G5): what each kind writes, in which phase.
 * Pure data; adapters/gcp/apply.ts executes one function per kind. Same place as
 * aws-steps.ts and azure-steps.ts, so every cloud's vocabulary is found the same way.
 *
 *   insert-firewall  create | authorize  firewalls.insert of a complete owned rule.
 *   update-firewall  authorize           put back an owned rule edited by hand under its name.
 *   set-tags         membership          instances.setTags with the fingerprint it was computed from.
 *   delete-firewall  revoke | delete     firewalls.delete of an owned rule no longer wanted.
 */
import type { GcpFirewall } from '../model/native/gcp.ts';
import type { Owned } from '../ownership.ts';
import type { StepBase } from './step-base.ts';

export interface GcpStepBase extends StepBase {
  cloud: 'gcp';
}

/** firewalls.insert of a complete owned rule. */
export interface GcpInsertFirewallStep extends GcpStepBase {
  kind: 'insert-firewall';
  phase: 'create' | 'authorize';
  firewall: Owned<GcpFirewall>;
}
/** firewalls.update: an owned rule edited by hand under its content-hashed name is put back. */
export interface GcpUpdateFirewallStep extends GcpStepBase {
  kind: 'update-firewall';
  phase: 'authorize';
  firewall: Owned<GcpFirewall>;
}
/** firewalls.delete of an owned rule no longer wanted. */
export interface GcpDeleteFirewallStep extends GcpStepBase {
  kind: 'delete-firewall';
  phase: 'revoke' | 'delete';
  firewall: Owned<GcpFirewall>;
}
/** instances.setTags with the whole new tag list and the fingerprint it was computed from. */
export interface GcpSetTagsStep extends GcpStepBase {
  kind: 'set-tags';
  phase: 'membership';
  zone: string;
  instance: string;
  items: string[];
  fingerprint: string;
  previous: string[];
}

export type GcpStep = GcpInsertFirewallStep | GcpUpdateFirewallStep | GcpDeleteFirewallStep | GcpSetTagsStep;
