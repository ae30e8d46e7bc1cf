/**
 * How zod issues of the policy format become diagnostics: the peer union (`from`/`to`) is
 * reported as the form the user evidently meant, and custom checks get codes by field. Pure.
 */
import type { IssueMapping } from '../source/zod-issues.ts';
import { PolicySchema } from './schema.ts';

const PEER_KEYS = ['selector', 'external', 'cidrs'];

export const POLICY_ISSUES: IssueMapping = {
  root: PolicySchema,
  unionForms: 'a segment name, {selector: "..."}, {external: name} or {cidrs: [...]}',
  unionKeys: PEER_KEYS,
  // Branch order follows PeerSchema: name, {selector}, {external}, {cidrs}.
  unionBranch: (input) => {
    if (typeof input === 'string') return 0;
    if (!input || typeof input !== 'object' || Array.isArray(input)) return undefined;
    const i = PEER_KEYS.findIndex((k) => k in input);
    return i < 0 ? undefined : i + 1;
  },
  customCode: (path) => {
    const last = path.filter((p) => typeof p === 'string').pop();
    if (last === 'cidrs' || last === 'ranges') return 'invalid-cidr';
    if (last === 'except') return 'invalid-except';
    if (last === 'ports') return 'invalid-port';
    if (last === 'selector') return 'invalid-selector';
    if (last === 'name' || last === 'from' || last === 'to' || last === 'external') return 'invalid-name';
    return 'invalid';
  },
};
