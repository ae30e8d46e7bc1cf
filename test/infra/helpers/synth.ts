/**
 * Synthesizes the app for a test configuration once per test file. Bundling is skipped here
 * (`aws:cdk:bundling-stacks: []`: the assets are placeholders) because esbuild over the real
 * handlers takes seconds per function; test/infra/cdk-synth.test.ts runs the real `cdk synth`
 * with bundling, end to end.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, type BuiltApp } from '../../../infra/build-app.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = join(ROOT, 'test/fixtures/infra');

export interface Synthesized extends BuiltApp {
  homeTemplate: Template;
  memberTemplates: Template[];
  forwarderTemplate: Template;
}

export function synthFixture(config = 'segsync.yaml', context: Record<string, unknown> = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const built = buildApp(app, { configFile: join(FIXTURES, config), projectRoot: ROOT });
  // One synth for every stack (Template.fromStack would synthesize, and run cdk-nag, per stack).
  const assembly = app.synth();
  const template = (stack: { artifactId: string }) =>
    Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  return {
    ...built,
    homeTemplate: template(built.home),
    memberTemplates: built.members.map(template),
    forwarderTemplate: template(built.forwarder),
  };
}

/** An EventBridge event sample from test/fixtures/infra/events (see its SOURCE.md). */
export function eventSample(name: string): Record<string, never> {
  return JSON.parse(readFileSync(join(FIXTURES, 'events', `${name}.json`), 'utf8')) as Record<string, never>;
}
