/**
 * What segsync sets on an Azure NIC (its ASGs and its NSG), read from and written into the ARM
 * NIC shape. Pure. With the native model because the planner (core/plan/azure-nics.ts) and the
 * adapter (adapters/azure/apply.ts: "is this write already done?") must agree on it exactly.
 * ARM ids compare without case (armKey).
 */
import { compareStrings } from '../compare.ts';
import { armKey } from '../ids.ts';
import type { AzureNetworkInterface } from './azure.ts';

/** What segsync sets on a NIC: the ASGs of every IP configuration (all equal) and the NIC's NSG. */
export interface NicMembership {
  /** ASG ids, sorted case-insensitively. */
  asgs: string[];
  nsg: string | null;
}

/** ARM ids in canonical order: case-insensitive, by code unit. */
export const compareArmIds = (a: string, b: string): number => compareStrings(armKey(a), armKey(b));

/** ARM ids deduplicated without case (first spelling kept), in canonical order. */
export function uniqueArmIds(ids: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) if (!seen.has(armKey(id))) seen.set(armKey(id), id);
  return [...seen.values()].sort(compareArmIds);
}

export function membershipOf(nic: AzureNetworkInterface): NicMembership {
  const asgs = nic.properties.ipConfigurations.flatMap((c) =>
    (c.properties.applicationSecurityGroups ?? []).map((a) => a.id),
  );
  return { asgs: uniqueArmIds(asgs), nsg: nic.properties.networkSecurityGroup?.id ?? null };
}

export function sameMembership(a: NicMembership, b: NicMembership): boolean {
  return (
    armKey(a.nsg ?? '') === armKey(b.nsg ?? '') &&
    a.asgs.length === b.asgs.length &&
    a.asgs.every((x, i) => armKey(x) === armKey(b.asgs[i]!))
  );
}

/** The NIC as read with `m` applied: the PUT body of a membership write. */
export function withMembership(nic: AzureNetworkInterface, m: NicMembership): AzureNetworkInterface {
  const { networkSecurityGroup: _old, ...props } = nic.properties;
  return {
    ...nic,
    properties: {
      ...props,
      ...(m.nsg === null ? {} : { networkSecurityGroup: { id: m.nsg } }),
      ipConfigurations: nic.properties.ipConfigurations.map((c) => ({
        ...c,
        properties: { ...c.properties, applicationSecurityGroups: m.asgs.map((id) => ({ id })) },
      })),
    },
  };
}
