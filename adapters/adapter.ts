/**
 * The one contract every cloud adapter implements (STYLE G3), in core types only. The sandbox
 * and the real clouds differ only in the API object they are built on (Ec2Api, AzureNetworkApi,
 * GcpComputeApi), so read.ts and apply.ts are written once per cloud.
 *
 * One read per location (AWS account+Region, Azure subscription, GCP project) returns the
 * workloads and the native state together: each list call (instances, ENIs/NICs, groups, rules)
 * runs once per location and feeds both (DESIGN.md §3 "adapters.read").
 *
 * A scoped read (the event path, DESIGN.md §4) names workloads and native objects; the adapter
 * then reads only those, through the cloud's by-id calls and id filters, and a named thing that
 * no longer exists is simply absent from the result (events name things that may be gone).
 */
import type { Workload } from '../core/model/inventory.ts';
import type { AwsState, AzureState, GcpState } from '../core/model/native/index.ts';
import type { Cloud } from '../core/model/cloud.ts';
import type { AwsStep } from '../core/plan/aws-steps.ts';
import type { AzureStep } from '../core/plan/azure-steps.ts';
import type { GcpStep } from '../core/plan/gcp-steps.ts';

export interface StateOf {
  aws: AwsState;
  azure: AzureState;
  gcp: GcpState;
}
export interface StepOf {
  aws: AwsStep;
  azure: AzureStep;
  gcp: GcpStep;
}

/**
 * What to read. Omitted: everything in every location. With `workloads` or `objects`, the read is
 * scoped: only what is named (an omitted list names nothing).
 */
export interface ReadRequest {
  /**
   * One location, as `locations()` lists it and as steps carry it in `scope`:
   * AWS `<account>/<region>`, Azure subscription id, GCP project id. Omitted: every location.
   */
  location?: string;
  /**
   * Workloads by the id the cloud gives the instance: AWS instance id (`i-…`), Azure VM ARM id,
   * GCP `<zone>/<instance name>` (or `projects/<p>/zones/<z>/instances/<n>`: instances.get needs
   * the zone).
   */
  workloads?: readonly string[];
  /**
   * Native objects by id or name: AWS security-group ids (`sg-…`) or names, prefix-list ids
   * (`pl-…`) or names; Azure NSG / ASG ARM ids; GCP firewall rule names.
   */
  objects?: readonly string[];
}

/** One read: the workloads (labels normalised) and the native state they and segsync's objects live in. */
export interface ReadResult<C extends Cloud> {
  workloads: Workload[];
  /**
   * Full read: owned objects, foreign objects, and the membership of every attachment. Scoped
   * read: the named objects, and the attachments (ENIs, NICs, instances) of the named workloads.
   */
  state: StateOf[C];
}

export interface CloudAdapter<C extends Cloud> {
  readonly cloud: C;
  /** The managed locations, sorted, in the form steps carry as `scope`. */
  locations(): string[];
  /** One read per location (of `request.location`, or of every location, merged in location order). */
  read(request?: ReadRequest): Promise<ReadResult<C>>;
  /** Executes one step idempotently (already-done is success); throws a SegsyncError subclass on failure. */
  apply(step: StepOf[C]): Promise<void>;
}

/** Whether a request names what to read (the event path) rather than asking for everything. */
export function isScoped(request: ReadRequest | undefined): boolean {
  return request?.workloads !== undefined || request?.objects !== undefined;
}

/** The locations a request covers; an unknown location is an error, never silently nothing. */
export function locationsOf(all: readonly string[], request: ReadRequest | undefined, same = eq): string[] {
  if (request?.location === undefined) return [...all];
  const found = all.filter((l) => same(l, request.location!));
  if (found.length === 0)
    throw new Error(`no API for location "${request.location}" (managed: ${all.join(', ') || 'none'})`);
  return found;
}

function eq(a: string, b: string): boolean {
  return a === b;
}
