/**
 * The CDK app: `cdk synth -c config=segsync.yaml` (default segsync.yaml, or $SEGSYNC_CONFIG_FILE).
 * The configuration and its policy are validated first, with the diagnostics `segsync validate`
 * prints; a mistake ends synth with that list and exit code 1, before anything is bundled.
 */
import { App } from 'aws-cdk-lib';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { buildApp } from './build-app.ts';
import { CONFIG_CONTEXT_KEY, CONFIG_ENV, DEFAULT_CONFIG_FILE, DeploymentInvalidError } from './deployment.ts';

const app = new App();
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const configFile =
  (app.node.tryGetContext(CONFIG_CONTEXT_KEY) as string | undefined) ?? process.env[CONFIG_ENV] ?? DEFAULT_CONFIG_FILE;
try {
  buildApp(app, { configFile, projectRoot });
  app.synth();
} catch (e) {
  if (!(e instanceof DeploymentInvalidError)) throw e;
  process.stderr.write(`segsync: ${configFile} cannot be deployed:\n${e.message}\n`);
  process.exit(1);
}
