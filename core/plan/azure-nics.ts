/**
 * Planning NIC membership (pure, deterministic): which ASGs every IP configuration of a managed
 * NIC is in, and which NSG the NIC carries (CLOUD-FACTS §2.1, §2.2, §6.7).
 *
 * - Owned ASGs are replaced by the class's ASG; foreign ASGs are always kept (they only matter to
 *   foreign NSGs; the NIC's own NSG is segsync's). All IP configurations get the same set (the
 *   service rejects a NIC whose IP configurations differ: sandbox azure-nic.ts).
 * - A foreign NSG on a managed NIC: replaced with a warning when the policy is `exclusive`,
 *   otherwise a blocking 'foreign-nsg-blocks' finding and no write (never half-apply).
 * - Make-before-break across NICs: a NIC whose NSG changes while it joins an ASG moves in two
 *   writes: 'join-asgs' (add the new ASG, keep the rest) for every such NIC first, then the
 *   final 'set-nic'. Otherwise, in a first rollout, a NIC's new NSG would reference a peer ASG
 *   its peers have not joined yet and cut flows the old and the new intent both allow. A NIC
 *   whose NSG stays changes in one atomic write (old → new class at once).
 *   Limits (not fixable by ordering single-NIC writes): when SEVERAL NICs change class at once,
 *   or a class moves to another NSG bucket while a peer still sits under its old NSG, a peer may
 *   briefly be judged under a mix of old and new rules.
 * - NICs no longer managed that still carry owned ASGs or an owned NSG are detached.
 */
import type { AzureDesired, AzureDesiredNic } from '../compile/azure-model.ts';
import { armKey } from '../model/ids.ts';
import type { AzureNetworkInterface } from '../model/native/azure.ts';
import { vnetOfSubnet } from '../model/native/azure.ts';
import { armParts, azureNetworkId } from '../model/ids.ts';
import type { PlanContext, Phased, StateIndex } from './azure-groups.ts';
import {
  compareArmIds,
  membershipOf,
  sameMembership,
  uniqueArmIds,
  withMembership,
} from '../model/native/azure-membership.ts';
import type { NicMembership, NicStep } from './azure-steps.ts';
import type { Finding } from '../model/finding.ts';

interface NicContext extends PlanContext {
  exclusive: boolean;
  idx: StateIndex;
  /** Ids (lowercased) of ASGs and NSGs this deployment owns or is about to create. */
  ownedAsgs: Set<string>;
  ownedNsgs: Set<string>;
}

export function planNics(desired: AzureDesired, ctx: NicContext, out: Phased, findings: Finding[]): void {
  const joins: NicStep[] = [];
  const sets: NicStep[] = [];
  const wanted = new Set(desired.nics.map((n) => armKey(n.id)));
  const subnets = new Set<string>();
  for (const d of desired.nics) {
    const nic = ctx.idx.nics.get(armKey(d.id));
    if (!nic) continue; // Inventory and state are read moments apart; the next run sees it.
    subnetFindings(nic, ctx, subnets, findings);
    managedNic(d, nic, ctx, { joins, sets }, findings);
  }
  for (const nic of [...ctx.idx.nics.values()].sort((a, b) => compareArmIds(a.id, b.id))) {
    if (!wanted.has(armKey(nic.id))) releasedNic(nic, ctx, sets);
  }
  out.membership.push(...joins, ...sets);
}

interface NicChange {
  expect: NicMembership;
  set: NicMembership;
  then?: NicMembership;
  ifMatch: string | undefined;
}

function nicStep(
  kind: NicStep['kind'],
  nic: AzureNetworkInterface,
  network: string,
  change: NicChange,
  summary: string,
): NicStep {
  const { expect, set, then, ifMatch } = change;
  const { resourceGroup: rg, subscription: sub } = armParts(nic.id);
  return {
    cloud: 'azure',
    scope: sub,
    network,
    resourceGroup: rg,
    target: nic.id,
    summary,
    kind,
    phase: 'membership',
    nicName: nic.name,
    ...(ifMatch === undefined ? {} : { ifMatch }),
    expect,
    set,
    ...(then === undefined ? {} : { then }),
    body: withMembership(nic, set),
  };
}

function managedNic(
  d: AzureDesiredNic,
  nic: AzureNetworkInterface,
  ctx: NicContext,
  out: { joins: NicStep[]; sets: NicStep[] },
  findings: Finding[],
): void {
  const current = membershipOf(nic);
  const foreignNsg = current.nsg !== null && !ctx.ownedNsgs.has(armKey(current.nsg));
  if (foreignNsg && !ctx.exclusive) {
    findings.push({
      severity: 'error',
      code: 'foreign-nsg-blocks',
      cloud: 'azure',
      target: nic.id,
      message: `NIC ${nic.name} (${d.workloadId}) carries the foreign NSG ${current.nsg}; a NIC has one NSG, so segsync's cannot be attached without removing it`,
      hint: 'set `exclusive: true` in the policy to let segsync replace it, or remove it yourself',
    });
    return;
  }
  const foreignAsgs = current.asgs.filter((a) => !ctx.ownedAsgs.has(armKey(a)));
  const final: NicMembership = { asgs: uniqueArmIds([...foreignAsgs, d.asg]), nsg: d.nsg };
  if (final.asgs.length > ctx.budget.asgsPerIpConfiguration) {
    findings.push({
      severity: 'error',
      code: 'quota-exceeded',
      cloud: 'azure',
      target: nic.id,
      message: `segment "${d.className}": NIC ${nic.name} would be in ${final.asgs.length} application security groups (${foreignAsgs.length} foreign + 1), the limit per IP configuration is ${ctx.budget.asgsPerIpConfiguration}`,
      hint: 'remove foreign ASG memberships from this NIC',
    });
    return;
  }
  if (sameMembership(current, final)) return;
  if (foreignNsg) {
    findings.push({
      severity: 'warning',
      code: 'foreign-nsg-replaced',
      cloud: 'azure',
      target: nic.id,
      message: `NIC ${nic.name}: the foreign NSG ${current.nsg} is replaced by segsync's (exclusive: true)`,
    });
  }
  const joined = uniqueArmIds([...current.asgs, d.asg]);
  const nsgChanges = armKey(current.nsg ?? '') !== armKey(d.nsg);
  if (nsgChanges && joined.length > current.asgs.length && joined.length <= ctx.budget.asgsPerIpConfiguration) {
    const join: NicMembership = { asgs: joined, nsg: current.nsg };
    out.joins.push(
      nicStep(
        'join-asgs',
        nic,
        d.network,
        { expect: current, set: join, then: final, ifMatch: nic.etag },
        `~ NIC ${nic.name} joins ${d.className}`,
      ),
    );
    out.sets.push(
      nicStep(
        'set-nic',
        nic,
        d.network,
        { expect: join, set: final, ifMatch: undefined },
        `~ NIC ${nic.name} → ${d.className} under ${armParts(d.nsg).name}`,
      ),
    );
    return;
  }
  out.sets.push(
    nicStep(
      'set-nic',
      nic,
      d.network,
      { expect: current, set: final, ifMatch: nic.etag },
      `~ NIC ${nic.name} → ${d.className} under ${armParts(d.nsg).name}`,
    ),
  );
}

/** A NIC segsync no longer manages: drop owned ASGs and an owned NSG, keep everything foreign. */
function releasedNic(nic: AzureNetworkInterface, ctx: NicContext, sets: NicStep[]): void {
  const current = membershipOf(nic);
  const ownsNsg = current.nsg !== null && ctx.ownedNsgs.has(armKey(current.nsg));
  const kept = current.asgs.filter((a) => !ctx.ownedAsgs.has(armKey(a)));
  if (!ownsNsg && kept.length === current.asgs.length) return;
  const final: NicMembership = { asgs: kept, nsg: ownsNsg ? null : current.nsg };
  const ipc = nic.properties.ipConfigurations[0];
  const network = azureNetworkId(ipc ? vnetOfSubnet(ipc.properties.subnet.id) : '');
  sets.push(
    nicStep(
      'set-nic',
      nic,
      network,
      { expect: current, set: final, ifMatch: nic.etag },
      `~ NIC ${nic.name} released (no longer managed)`,
    ),
  );
}

/** A subnet NSG is evaluated with the NIC's (both must allow): it can only narrow, but say so. */
function subnetFindings(nic: AzureNetworkInterface, ctx: NicContext, seen: Set<string>, findings: Finding[]): void {
  for (const ipc of nic.properties.ipConfigurations) {
    const subnet = ipc.properties.subnet.id;
    const nsg = ctx.idx.subnetNsgs.get(armKey(subnet));
    if (nsg === undefined || seen.has(armKey(subnet))) continue;
    seen.add(armKey(subnet));
    findings.push({
      severity: 'warning',
      code: 'subnet-nsg',
      cloud: 'azure',
      target: subnet,
      message: `subnet ${subnet} has the NSG ${nsg}; Azure applies it as well as segsync's NIC NSG (both must allow), so it may block traffic the policy allows`,
      hint: 'remove the subnet NSG or make it allow what the policy allows (CLOUD-FACTS §2.1)',
    });
  }
}
