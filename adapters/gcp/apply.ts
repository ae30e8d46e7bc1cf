/**
 * Executes one GCP plan step, idempotently (STYLE G3, DESIGN.md §3):
 * - insert-firewall: `alreadyExists` is success. Names hash the rule's content, so an existing
 *   rule of that name is this rule (a hand-edited one is caught by the next plan's update step).
 * - update-firewall: full replacement (firewalls.update, CLOUD-FACTS §3.4: VPC rules have no
 *   fingerprint); if the rule vanished meanwhile it is inserted instead.
 * - delete-firewall: `notFound` is success.
 * - set-tags: sends the fingerprint read with the plan's state; a stale one is a ConflictError
 *   (re-read, re-plan), never a blind overwrite of someone else's tag change.
 * Every other failure is classified by adapters/errors.ts with the GCP table. `requestId` (a UUID) is passed through when the
 * caller supplies one for its own retries of the same call (CLOUD-FACTS §3.4).
 */
import type { GcpStep } from '../../core/plan/gcp-steps.ts';
import type { GcpComputeApi } from './api.ts';
import { classifyCloudError, cloudErrorKind } from '../errors.ts';
import { GCP_ERRORS } from './errors.ts';

const isAlreadyExists = (e: unknown): boolean => cloudErrorKind(e, GCP_ERRORS) === 'already-exists';
const isNotFound = (e: unknown): boolean => cloudErrorKind(e, GCP_ERRORS) === 'not-found';

/**
 * @example
 * for (const step of plan.steps) await applyGcpStep(api, step);
 */
export async function applyGcpStep(api: GcpComputeApi, step: GcpStep, requestId?: string): Promise<void> {
  try {
    await run(api, step, requestId);
  } catch (e) {
    throw classifyCloudError(e, GCP_ERRORS, step);
  }
}

async function run(api: GcpComputeApi, step: GcpStep, requestId: string | undefined): Promise<void> {
  switch (step.kind) {
    case 'insert-firewall':
      return ignoring(isAlreadyExists, () => api.insertFirewall(step.firewall, requestId));
    case 'update-firewall':
      try {
        return await api.updateFirewall(step.firewall.name, step.firewall, requestId);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        return ignoring(isAlreadyExists, () => api.insertFirewall(step.firewall));
      }
    case 'delete-firewall':
      return ignoring(isNotFound, () => api.deleteFirewall(step.firewall.name, requestId));
    case 'set-tags':
      return api.setTags(step.zone, step.instance, { items: step.items, fingerprint: step.fingerprint }, requestId);
  }
}

async function ignoring(done: (e: unknown) => boolean, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (!done(e)) throw e;
  }
}
