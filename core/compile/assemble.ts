/**
 * Reach → the three clouds' desired state, one network at a time: each network's objects come
 * from compileAws / compileAzure / compileGcp run on that network alone, and are merged exactly
 * as those functions merge networks (the same sort orders, refusals and duplicate checks). So
 * the result equals one call over every network, and a network whose NetworkReach is unchanged
 * (the same object) reuses its objects: recompile (incremental.ts) redoes only the networks a
 * change touches, and inside those the classes whose entries (and, on GCP, the members they name) changed. Pure.
 */
import { CompileError, QuotaExceededError } from '../errors.ts';
import type { CompileContext } from '../model/budgets.ts';
import { compareStrings as cmp } from '../model/compare.ts';
import type { Finding } from '../model/finding.ts';
import { armKey } from '../model/ids.ts';
import type { Policy } from '../policy/types.ts';
import { awsBudget, compileAws, type AwsClassOutput, type AwsDesired } from './aws.ts';
import { azureBudget, compileAzure, type AzureClassOutput, type AzureDesired } from './azure.ts';
import { ClassMemo } from './class-memo.ts';
import { compileGcp, gcpBudget, type GcpClassOutput, type GcpDesired } from './gcp.ts';
import { projectQuotaRefusal } from './gcp-quota.ts';
import { firewallKey } from './gcp-rules.ts';
import type { Classification } from './classes.ts';
import type { NetworkReach, Reach } from './reach.ts';

/** One network's objects in its cloud, or that cloud's refusal of it. */
type NetworkResult =
  | { cloud: 'aws'; desired: AwsDesired; findings: Finding[] }
  | { cloud: 'azure'; desired: AzureDesired; findings: Finding[] }
  | { cloud: 'gcp'; desired: GcpDesired; findings: Finding[] }
  | { cloud: NetworkReach['cloud']; refused: QuotaExceededError };

/**
 * Per-network results by NetworkReach object, and per class inside a network whose reach
 * changed (class-memo.ts): valid for one (policy, ctx).
 */
export interface NetworkMemo {
  networks: WeakMap<NetworkReach, NetworkResult>;
  aws: ClassMemo<AwsClassOutput>;
  azure: ClassMemo<AzureClassOutput>;
  gcp: ClassMemo<GcpClassOutput>;
}

export function networkMemo(): NetworkMemo {
  return { networks: new WeakMap(), aws: new ClassMemo(), azure: new ClassMemo(), gcp: new ClassMemo() };
}

export interface Assembled {
  aws?: { desired: AwsDesired; findings: Finding[] };
  azure?: { desired: AzureDesired; findings: Finding[] };
  gcp?: { desired: GcpDesired; findings: Finding[] };
  refusals: QuotaExceededError[];
}

export function assemble(reach: Reach, ctx: CompileContext, policy: Policy, memo: NetworkMemo): Assembled {
  // Each compiler checks its budgets even with no network of its cloud.
  awsBudget(ctx);
  azureBudget(ctx);
  gcpBudget(ctx);
  const results = reach.networks.map((net) => {
    let r = memo.networks.get(net);
    if (!r) {
      r = compileOne(reach.classification, net, ctx, policy, memo);
      // A refusal's message counts peer classes' members anywhere, beyond what the network's
      // reach holds: it is not reused. Neither is anything under address plans: a compression
      // depends on every address segsync knows (compress.ts), not on this network's reach alone;
      // nor under end-to-end mode, for the same reason (end-to-end.ts).
      if (!('refused' in r) && !(policy.addressPlans?.length ?? 0) && !policy.endToEnd) memo.networks.set(net, r);
    }
    return r;
  });
  memo.aws.retain(reach.networks);
  memo.azure.retain(reach.networks);
  memo.gcp.retain(reach.networks);
  const of = <C extends NetworkReach['cloud']>(cloud: C) => results.filter((r) => r.cloud === cloud);
  const refusals: QuotaExceededError[] = [];
  const out: Assembled = { refusals };
  // Every network's refusals are gathered, in network order, so one error lists every violation.
  const aws = of('aws');
  const awsRefused = aws.flatMap((r) => ('refused' in r ? [r.refused] : []));
  if (awsRefused.length > 0) refusals.push(QuotaExceededError.combine(awsRefused));
  else out.aws = mergeAws(aws as Array<{ desired: AwsDesired; findings: Finding[] }>);
  const azure = of('azure');
  const azureRefused = azure.flatMap((r) => ('refused' in r ? [r.refused] : []));
  if (azureRefused.length > 0) refusals.push(QuotaExceededError.combine(azureRefused));
  else out.azure = mergeAzure(azure as Array<{ desired: AzureDesired; findings: Finding[] }>);
  const gcp = of('gcp');
  const gcpRefused = gcp.flatMap((r) => ('refused' in r ? [r.refused] : []));
  if (gcpRefused.length > 0) refusals.push(QuotaExceededError.combine(gcpRefused));
  else {
    // The project quota spans the networks of a project: checked once they are merged.
    const merged = mergeGcp(gcp as Array<{ desired: GcpDesired; findings: Finding[] }>, ctx.deploymentId);
    const overQuota = projectQuotaRefusal(merged.desired, gcpBudget(ctx));
    if (overQuota) refusals.push(overQuota);
    else out.gcp = merged;
  }
  return out;
}

function compileOne(
  classification: Classification,
  net: NetworkReach,
  ctx: CompileContext,
  policy: Policy,
  memo: NetworkMemo,
): NetworkResult {
  const one: Reach = { classification, networks: [net] };
  try {
    switch (net.cloud) {
      case 'aws':
        return { cloud: 'aws', ...compileAws(one, ctx, policy, memo.aws) };
      case 'azure':
        return { cloud: 'azure', ...compileAzure(one, ctx, policy, memo.azure) };
      case 'gcp':
        return { cloud: 'gcp', ...compileGcp(one, ctx, policy, memo.gcp, { perNetwork: true }) };
    }
  } catch (e) {
    if (!(e instanceof QuotaExceededError)) throw e;
    return { cloud: net.cloud, refused: e };
  }
}

/**
 * Sorted runs (each sorted by `compare`, one per network in network order) → the array a
 * stable sort of their concatenation gives: ties keep the earlier run first.
 */
function mergeRuns<T>(runs: ReadonlyArray<readonly T[]>, compare: (a: T, b: T) => number): T[] {
  let merged: T[] = [];
  for (const run of runs) {
    if (run.length === 0) continue;
    if (merged.length === 0 || compare(merged[merged.length - 1]!, run[0]!) <= 0) {
      merged = merged.concat(run);
      continue;
    }
    const next: T[] = [];
    let i = 0;
    let j = 0;
    while (i < merged.length && j < run.length) next.push(compare(merged[i]!, run[j]!) <= 0 ? merged[i++]! : run[j++]!);
    while (i < merged.length) next.push(merged[i++]!);
    while (j < run.length) next.push(run[j++]!);
    merged = next;
  }
  return merged;
}

function mergeAws(parts: Array<{ desired: AwsDesired; findings: Finding[] }>): {
  desired: AwsDesired;
  findings: Finding[];
} {
  const placeKey = (p: { scope: string; vpcId: string }) => `${p.scope}\u0000${p.vpcId}`;
  return {
    desired: {
      groups: mergeRuns(
        parts.map((p) => p.desired.groups),
        (a, b) => cmp(placeKey(a), placeKey(b)) || cmp(a.name, b.name),
      ),
      prefixLists: mergeRuns(
        parts.map((p) => p.desired.prefixLists),
        (a, b) => cmp(a.scope, b.scope) || cmp(a.name, b.name),
      ),
      memberships: mergeRuns(
        parts.map((p) => p.desired.memberships),
        (a, b) => cmp(placeKey(a), placeKey(b)) || cmp(a.interfaceId, b.interfaceId),
      ),
    },
    findings: parts.flatMap((p) => p.findings),
  };
}

function mergeAzure(parts: Array<{ desired: AzureDesired; findings: Finding[] }>): {
  desired: AzureDesired;
  findings: Finding[];
} {
  const byId = <T extends { id: string }>(a: T, b: T): number => cmp(armKey(a.id), armKey(b.id));
  return {
    desired: {
      asgs: mergeRuns(
        parts.map((p) => p.desired.asgs),
        byId,
      ),
      nsgs: mergeRuns(
        parts.map((p) => p.desired.nsgs),
        byId,
      ),
      nics: mergeRuns(
        parts.map((p) => p.desired.nics),
        byId,
      ),
    },
    findings: parts.flatMap((p) => p.findings),
  };
}

function mergeGcp(
  parts: Array<{ desired: GcpDesired; findings: Finding[] }>,
  deploymentId: string,
): { desired: GcpDesired; findings: Finding[] } {
  // compileGcp keeps one firewall per (project, name), the last one, and refuses two that differ.
  const firewalls = new Map<string, GcpDesired['firewalls'][number]>();
  for (const p of parts) {
    for (const fw of p.desired.firewalls) {
      const key = `${fw.project}/${fw.firewall.name}`;
      const seen = firewalls.get(key);
      if (seen !== undefined && firewallKey(seen.firewall) !== firewallKey(fw.firewall))
        throw new CompileError(
          `two different GCP firewall rules hash to the name ${fw.firewall.name}; change the deployment id`,
        );
      firewalls.set(key, fw);
    }
  }
  return {
    desired: {
      deploymentId,
      networks: parts.flatMap((p) => p.desired.networks).sort(cmp),
      firewalls: [...firewalls.values()].sort(
        (a, b) => cmp(a.project, b.project) || cmp(a.firewall.name, b.firewall.name),
      ),
      memberships: mergeRuns(
        parts.map((p) => p.desired.memberships),
        (a, b) => cmp(a.workloadId, b.workloadId),
      ),
    },
    findings: parts.flatMap((p) => p.findings),
  };
}
