/**
 * A finding: something compile or plan reports but does not change, e.g. a foreign security
 * group that widens access, or a quota the compiler refuses to exceed. Pure data, shared by
 * compile and plan, so it lives below both.
 */
import type { Cloud } from './cloud.ts';

export interface Finding {
  severity: 'warning' | 'error';
  code: string;
  /** Absent for a finding about the policy itself (e.g. a selector that matches nothing). */
  cloud?: Cloud;
  target: string;
  message: string;
  hint?: string;
}
