/**
 * compile(policy, inventory) → desired native state for all three clouds. Pure and
 * deterministic: reach.ts computes the exact allow-sets once, cloud-neutrally; aws.ts, azure.ts
 * and gcp.ts only translate them into each cloud's objects within its budgets.
 */
import { QuotaExceededError } from '../errors.ts';
import type { Inventory } from '../model/inventory.ts';
import type { Policy } from '../policy/types.ts';
import type { Finding } from '../model/finding.ts';
import type { CompileContext } from '../model/budgets.ts';
import { compileAws, type AwsDesired } from './aws.ts';
import { compileAzure, type AzureDesired } from './azure.ts';
import { compileGcp, type GcpDesired } from './gcp.ts';
import { computeReach, type Reach } from './reach.ts';
import { policyWarnings } from '../policy/coverage.ts';

export interface Desired {
  reach: Reach;
  aws: AwsDesired;
  azure: AzureDesired;
  gcp: GcpDesired;
  findings: Finding[];
}

/**
 * @example
 * const desired = compile(policy, { workloads }, { deploymentId: 'prod' });
 * desired.aws; // security groups, prefix lists and ENI memberships to converge on
 */
export function compile(policy: Policy, inventory: Inventory, ctx: CompileContext): Desired {
  const reach = computeReach(policy, inventory.workloads);
  // Every cloud compiles even when another refuses, so one error lists every violation.
  const refusals: QuotaExceededError[] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof QuotaExceededError)) throw e;
      refusals.push(e);
      return undefined;
    }
  };
  const aws = attempt(() => compileAws(reach, ctx, policy));
  const azure = attempt(() => compileAzure(reach, ctx, policy));
  const gcp = attempt(() => compileGcp(reach, ctx, policy));
  if (!aws || !azure || !gcp) throw QuotaExceededError.combine(refusals);
  const findings = [
    ...policyFindings(policy, inventory),
    ...labelFindings(inventory),
    ...aws.findings,
    ...azure.findings,
    ...gcp.findings,
  ];
  return { reach, aws: aws.desired, azure: azure.desired, gcp: gcp.desired, findings };
}

/** What the policy means for this estate: selectors matching nothing, address peers covering workloads. */
function policyFindings(policy: Policy, inventory: Inventory): Finding[] {
  return policyWarnings(policy, inventory.workloads).map((w): Finding => ({
    severity: 'warning',
    code: w.code,
    target: w.target,
    message: w.message,
    hint: w.hint,
  }));
}

/** Tag problems (collisions, invalid keys) are workload errors the user must see in every plan. */
function labelFindings(inventory: Inventory): Finding[] {
  return inventory.workloads.flatMap((w) =>
    w.labelProblems.map((p): Finding => ({
      severity: 'warning',
      code: p.code,
      cloud: w.cloud,
      target: w.id,
      message: p.message,
      hint: p.hint,
    })),
  );
}
