/**
 * Options shared by every cloud-facing command. Kept apart from context.ts so registering
 * commands loads nothing heavy: `validate` and `schema` start without the cloud layer.
 */
import type { Command } from 'commander';

export interface CloudOptions {
  sandbox?: string;
  state?: string;
  /** segsync.yaml: the real clouds it names (DESIGN.md §7). */
  config?: string;
  /** Required without --config; with it, overrides the configuration's policy (try a change before shipping it). */
  policy?: string;
  /** Default: the configuration's metadata.name, else DEFAULT_DEPLOYMENT. */
  deployment?: string;
  limit: string[];
}

/**
 * The deployment id when none is given. Not "segsync": names already start with "segsync-"
 * (AWS, Azure) or "ss-" (GCP), and "segsync-segsync-prod-web-…" reads as a mistake.
 */
export const DEFAULT_DEPLOYMENT = 'main';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Adds the options every cloud-facing command shares. */
export function cloudOptions(cmd: Command): Command {
  return cmd
    .option(
      '--config <segsync.yaml>',
      "run against the real clouds this deployment configuration names (credentials: each cloud's standard chain)",
    )
    .option('--sandbox <estate.yaml>', 'run against the embedded sandbox clouds seeded from this estate file')
    .option(
      '--state <file>',
      'keep the sandbox clouds in this JSON file between commands, saved after every applied step; ' +
        'without --sandbox the file is the world, with --sandbox the estate seeds it only if the file does not exist yet',
    )
    .option('--policy <policy.yaml>', "the segmentation policy (with --config: instead of the configuration's)")
    .option(
      '--deployment <id>',
      'deployment id written into every object name and ownership tag segsync writes (1-10 of a-z0-9; ' +
        `default: metadata.name of --config, else "${DEFAULT_DEPLOYMENT}")`,
    )
    .option(
      '--limit <cloud.key=N>',
      'a raised quota, e.g. aws.groupsPerInterface=16 (repeatable; keys: the budgets in core/model/budgets.ts)',
      collect,
      [],
    );
}
