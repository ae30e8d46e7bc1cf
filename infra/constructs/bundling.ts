/**
 * How every handler is bundled: esbuild on this machine (no Docker, so `cdk synth` works offline),
 * ESM for Node 22 on arm64, the whole dependency tree inside the bundle (the SDK versions are the
 * ones package-lock.json pins, not the runtime's), and the deployment configuration plus its
 * policy copied next to the code so a policy change is a new asset, hence a deploy.
 */
import { dirname, join } from 'node:path';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Deployment } from '../deployment.ts';

/** Where the functions find the configuration (the contract's SEGSYNC_CONFIG). */
export const CONFIG_IN_BUNDLE = 'segsync.yaml';
export const LAMBDA_TASK_ROOT = '/var/task';

/**
 * ESM bundles need `require` for the CommonJS dependencies esbuild keeps as require() calls, and
 * `__dirname` / `__filename` for the ones that locate files next to themselves (google-gax).
 */
const REQUIRE_SHIM =
  "import { createRequire as __segsyncCreateRequire } from 'node:module';" +
  "import { fileURLToPath as __segsyncFileURLToPath } from 'node:url';" +
  "import { dirname as __segsyncDirname } from 'node:path';" +
  'const require = __segsyncCreateRequire(import.meta.url);' +
  'const __filename = __segsyncFileURLToPath(import.meta.url);' +
  'const __dirname = __segsyncDirname(__filename);';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function bundlingFor(deployment: Deployment): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: REQUIRE_SHIM,
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    externalModules: [],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => {
        const policyTarget = join(outputDir, deployment.policyInBundle);
        return [
          `mkdir -p ${shellQuote(dirname(policyTarget))}`,
          `cp ${shellQuote(deployment.configFile)} ${shellQuote(join(outputDir, CONFIG_IN_BUNDLE))}`,
          `cp ${shellQuote(deployment.policyFile)} ${shellQuote(policyTarget)}`,
        ];
      },
    },
  };
}
