/** The native state of all three clouds: what `segsync state` prints and what verify judges. */
import type { AwsState } from './aws.ts';
import type { AzureState } from './azure.ts';
import type { GcpState } from './gcp.ts';

export type { AwsState, AzureState, GcpState };

export interface NativeState {
  aws: AwsState;
  azure: AzureState;
  gcp: GcpState;
}
