/**
 * segsync's library entry. Everything exported here is pure and documented with an example;
 * the names are a contract other tools call.
 */
export {
  parseSelector,
  trySelector,
  selectorMatches,
  selectorToString,
  SelectorSyntaxError,
} from './policy/selector/index.ts';
export type { Selector } from './policy/selector/index.ts';
export { parsePolicy, validatePolicy } from './policy/parse.ts';
export type { ValidationResult } from './policy/parse.ts';
export { loadPolicy, loadAndValidatePolicy } from './policy/load.ts';
export { normalizeLabels, restrictLabels } from './policy/labels.ts';
export type { NormalizedLabels } from './policy/labels.ts';
export type { Cloud, Labels, LabelProblem } from './model/cloud.ts';
export { allows, workloadStatus } from './policy/intent.ts';
export type { Decision, Endpoint, Flow, WorkloadEndpoint, WorkloadStatus } from './policy/intent.ts';
export type { Policy, Rule, Segment, External, Peer } from './policy/types.ts';
export { policyJsonSchema } from './policy/schema.ts';
export { renderDiagnostic, toDotPath } from './diagnostics.ts';
export type { Diagnostic } from './diagnostics.ts';
export { SegsyncError, PolicyValidationError, InvalidFlowError } from './errors.ts';
