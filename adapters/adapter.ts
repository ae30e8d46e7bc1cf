/**
 * The one contract every cloud adapter implements (STYLE G3), in core types only. The sandbox
 * and the real clouds differ only in the API object they are built on (Ec2Api, AzureNetworkApi,
 * GcpComputeApi), so read.ts and apply.ts are written once per cloud.
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

export interface CloudAdapter<C extends Cloud> {
  readonly cloud: C;
  /** Every instance in the managed scopes, labels normalised, as core workloads. */
  readInventory(): Promise<Workload[]>;
  /** Native state: owned objects, the membership of every attachment, and foreign objects attached to them. */
  readState(): Promise<StateOf[C]>;
  /** Executes one step idempotently (already-done is success); throws a SegsyncError subclass on failure. */
  apply(step: StepOf[C]): Promise<void>;
}
