/**
 * The clouds segsync speaks, and the label shapes every layer shares. Pure types: they sit at the
 * bottom of the pipeline (core/model) so policy, compile, plan and verify can all name them
 * without importing each other. Label normalisation itself lives in core/policy/labels.ts.
 */

export type Cloud = 'aws' | 'azure' | 'gcp';
/** Canonical labels: trimmed, lowercased keys and values (core/policy/labels.ts makes them). */
export type Labels = Readonly<Record<string, string>>;
export interface LabelProblem {
  code: 'label-collision' | 'label-key-invalid' | 'label-value-invalid';
  key: string;
  message: string;
  hint: string;
}
