/**
 * A NativeState with nothing in any cloud, so tests of one cloud can hand verify the whole
 * three-cloud shape: `{ ...emptyNative(), aws }`.
 */
import type { NativeState } from '../../core/model/native/index.ts';

export function emptyNative(): NativeState {
  return {
    aws: { SecurityGroups: [], NetworkInterfaces: [], PrefixLists: [] },
    azure: { networkSecurityGroups: [], applicationSecurityGroups: [], networkInterfaces: [] },
    gcp: { firewalls: [], instances: [] },
  };
}
