/**
 * The GCP adapter (STYLE G3): one CloudAdapter over the Compute APIs of every managed project,
 * real (client.ts) or sandbox. A read reads each project once, merged in project order; a step goes to the API
 * of its `scope` (the project).
 *
 * What GCP supports, as segsync uses it (CLOUD-FACTS.md §3): VPC firewall rules (allow/deny,
 * priorities, target and source network tags, IPv4 or IPv6 ranges per rule) and instance network
 * tags as membership. Not used: firewall policies, secure tags, service-account targets.
 */
import { StepFailedError } from '../../core/errors.ts';
import type { GcpStep } from '../../core/plan/gcp-steps.ts';
import { locationsOf, type CloudAdapter, type ReadRequest, type ReadResult } from '../adapter.ts';
import type { GcpComputeApi } from './api.ts';
import { applyGcpStep } from './apply.ts';
import { readGcp } from './read.ts';

export { applyGcpStep } from './apply.ts';
export { GCP_ERRORS, type GcpErrorKind } from './errors.ts';
export { parseGcpInstanceRef, readGcp, toGcpInstance } from './read.ts';

/**
 * @example
 * const gcp = gcpAdapter([sandbox.api('shop-prod')]);
 * const { workloads, state } = await gcp.read();
 */
export function gcpAdapter(apis: GcpComputeApi[]): CloudAdapter<'gcp'> {
  const byProject = new Map(apis.map((a) => [a.scope.project, a] as const));
  const projects = [...byProject.keys()].sort();
  return {
    cloud: 'gcp',
    locations: () => [...projects],
    async read(request?: ReadRequest): Promise<ReadResult<'gcp'>> {
      const parts = await Promise.all(locationsOf(projects, request).map((p) => readGcp(byProject.get(p)!, request)));
      return {
        workloads: parts.flatMap((p) => p.workloads),
        state: {
          firewalls: parts.flatMap((p) => p.state.firewalls),
          instances: parts.flatMap((p) => p.state.instances),
        },
      };
    },
    async apply(step: GcpStep): Promise<void> {
      const api = byProject.get(step.scope);
      if (api === undefined)
        throw new StepFailedError(
          step,
          new Error(`no GCP API for project "${step.scope}" (managed: ${[...byProject.keys()].join(', ') || 'none'})`),
        );
      await applyGcpStep(api, step);
    },
  };
}
