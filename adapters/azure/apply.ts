/**
 * Executes one Azure plan step (STYLE G3: one function per step kind). Every step is idempotent:
 * PUTs converge, a DELETE of something already gone succeeds, and a NIC write whose target
 * membership is already in place succeeds. Errors leave as segsync errors (errors.ts).
 *
 * NIC writes (CLOUD-FACTS §2.4) are PUTs of the whole NIC with If-Match:
 * - the plan-time etag for a NIC's first write in a plan (the body is the NIC as planned);
 * - for a NIC's second write ('set-nic' after 'join-asgs'), the etag our previous write returned
 *   (remembered in `etags`), or, after a restart, a fresh read checked against `expect` — a
 *   compare-and-set on the membership, then If-Match with the fresh etag.
 * A 412 whose NIC already has the target membership is our own earlier attempt: success.
 */
import type { AzureNetworkInterface } from '../../core/model/native/azure.ts';
import { ConflictError } from '../../core/errors.ts';
import type { AzureStep, NicStep } from '../../core/plan/azure-steps.ts';
import { membershipOf, sameMembership, withMembership } from '../../core/model/native/azure-membership.ts';
import type { AzureNetworkApi } from './api.ts';
import { classifyCloudError, cloudErrorKind } from '../errors.ts';
import { AZURE_ERRORS } from './errors.ts';
import { toNetworkInterface } from './read.ts';

const isAzureGone = (e: unknown): boolean => cloudErrorKind(e, AZURE_ERRORS) === 'gone';
const classifyAzureError = (e: unknown, step: AzureStep): Error => classifyCloudError(e, AZURE_ERRORS, step);

/** Etags of NICs this process wrote last, by lowercased id. */
export type EtagMemo = Map<string, string>;

export async function applyAzureStep(
  api: AzureNetworkApi,
  step: AzureStep,
  etags: EtagMemo = new Map(),
): Promise<void> {
  try {
    await run(api, step, etags);
  } catch (e) {
    throw classifyAzureError(e, step);
  }
}

async function run(api: AzureNetworkApi, step: AzureStep, etags: EtagMemo): Promise<void> {
  const rg = step.resourceGroup;
  switch (step.kind) {
    case 'create-asg':
      await api.createOrUpdateApplicationSecurityGroup(rg, step.name, { location: step.location, tags: step.tags });
      return;
    case 'create-nsg':
      await api.createOrUpdateNetworkSecurityGroup(rg, step.name, {
        location: step.location,
        tags: step.tags,
        properties: { securityRules: step.securityRules },
      });
      return;
    case 'put-rule':
      await api.createOrUpdateSecurityRule(rg, step.nsgName, step.rule.name, step.rule);
      return;
    case 'delete-rule':
      return deleting(() => api.deleteSecurityRule(rg, step.nsgName, step.ruleName));
    case 'delete-nsg':
      return deleting(() => api.deleteNetworkSecurityGroup(rg, step.name));
    case 'delete-asg':
      return deleting(() => api.deleteApplicationSecurityGroup(rg, step.name));
    case 'join-asgs':
    case 'set-nic':
      return writeNic(api, step, etags);
  }
}

async function deleting(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (!isAzureGone(e)) throw e;
  }
}

/** The NIC as it is now (one GET by resource group and name), or undefined when it is gone. */
async function readNic(api: AzureNetworkApi, step: NicStep): Promise<AzureNetworkInterface | undefined> {
  try {
    return toNetworkInterface(await api.getNetworkInterface(step.resourceGroup, step.nicName));
  } catch (e) {
    if (isAzureGone(e)) return undefined;
    throw e;
  }
}

/** Whether the NIC already has what this step (or, for a join, the plan's final write) sets. */
function done(nic: AzureNetworkInterface, step: NicStep): boolean {
  const now = membershipOf(nic);
  return sameMembership(now, step.set) || (step.then !== undefined && sameMembership(now, step.then));
}

/** The body and etag to PUT, or undefined when the NIC already has the target membership. */
async function prepareNic(
  api: AzureNetworkApi,
  step: NicStep,
  etags: EtagMemo,
): Promise<{ body: AzureNetworkInterface; ifMatch: string | undefined } | undefined> {
  const remembered = step.ifMatch ?? etags.get(step.target.toLowerCase());
  if (remembered !== undefined) return { body: step.body, ifMatch: remembered };
  const fresh = await readNic(api, step);
  if (!fresh) throw new ConflictError(`NIC ${step.target} is gone; re-plan`);
  if (done(fresh, step)) return undefined;
  if (!sameMembership(membershipOf(fresh), step.expect))
    throw new ConflictError(`NIC ${step.target} changed since the plan was made; re-plan`);
  return { body: withMembership(fresh, step.set), ifMatch: fresh.etag };
}

async function writeNic(api: AzureNetworkApi, step: NicStep, etags: EtagMemo): Promise<void> {
  const key = step.target.toLowerCase();
  const prepared = await prepareNic(api, step, etags);
  if (!prepared) return;
  try {
    const written = await api.createOrUpdateNetworkInterface(
      step.resourceGroup,
      step.nicName,
      prepared.body,
      prepared.ifMatch === undefined ? {} : { ifMatch: prepared.ifMatch },
    );
    if (written.etag !== undefined) etags.set(key, written.etag);
  } catch (e) {
    const classified = classifyAzureError(e, step);
    if (!(classified instanceof ConflictError)) throw classified;
    // A re-run of a write that already landed: the membership is what we wanted. The NIC's
    // other fields are not known to match our body, so the next write of it reads afresh.
    etags.delete(key);
    const fresh = await readNic(api, step);
    if (!fresh || !done(fresh, step)) throw classified;
  }
}
