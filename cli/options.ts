/**
 * Options shared by every cloud-facing command. Kept apart from context.ts so registering
 * commands loads nothing heavy: `validate` and `schema` start without the cloud layer.
 */
export interface CloudOptions {
  sandbox?: string;
  policy: string;
  deployment: string;
}

/** Adds the options every cloud-facing command shares. */
export function cloudOptions<T extends { option: (...a: string[]) => T; requiredOption: (...a: string[]) => T }>(
  cmd: T,
): T {
  return cmd
    .option('--sandbox <estate.yaml>', 'run against the embedded sandbox clouds seeded from this estate file')
    .requiredOption('--policy <policy.yaml>', 'the segmentation policy')
    .option('--deployment <id>', 'deployment id written into every object segsync owns', 'segsync');
}
