/**
 * `npx cdk synth` end to end, offline, bundling included (esbuild on this machine, no Docker):
 * every handler is bundled with the configuration and policy beside it, the bundled
 * drift-locations handler runs and reads that configuration, and an invalid policy ends synth
 * with the diagnostics `segsync validate` prints. Slow (about a minute on a loaded 2-core machine):
 * this is the one test that bundles.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAndValidatePolicy } from '../../core/policy/load.ts';
import { renderDiagnostic } from '../../core/diagnostics.ts';
import { ROOT } from './helpers/synth.ts';

const SYNTH_TIMEOUT_MS = 300_000;
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' };

function cdkSynth(config: string, out: string) {
  const started = Date.now();
  const run = spawnSync('npx', ['cdk', 'synth', '-c', `config=${config}`, '-o', out, '--quiet', '--no-notices'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: SYNTH_TIMEOUT_MS,
  });
  return { ...run, ms: Date.now() - started };
}

describe('npx cdk synth (bundling included)', () => {
  const out = mkdtempSync(join(tmpdir(), 'segsync-cdk-'));
  let run: ReturnType<typeof cdkSynth>;
  /** Function logical id → its asset folder. */
  const assets: Record<string, string> = {};
  beforeAll(() => {
    run = cdkSynth('test/fixtures/infra/segsync.yaml', out);
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('finishes offline and writes the three stacks', () => {
    expect(run.status, run.stderr).toBe(0);
    for (const stack of ['Segsync-shop', 'Segsync-shop-member-222222222222', 'Segsync-shop-forwarder'])
      expect(existsSync(join(out, `${stack}.template.json`))).toBe(true);
    console.log(`cdk synth with bundling: ${(run.ms / 1000).toFixed(1)} s`);
  });

  it('bundles each handler with the configuration and the policy beside it', () => {
    const template = JSON.parse(readFileSync(join(out, 'Segsync-shop.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
    };
    const sizes: Record<string, number> = {};
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const asset = join(out, `asset.${r.Properties.Code!.S3Key!.replace(/\.zip$/, '')}`);
      assets[id] = asset;
      expect(readdirSync(asset).sort()).toEqual(['index.mjs', 'index.mjs.map', 'policy.yaml', 'segsync.yaml']);
      sizes[id] = statSync(join(asset, 'index.mjs')).size;
    }
    expect(Object.keys(sizes)).toHaveLength(4);
    console.log('bundle sizes (index.mjs, bytes):', sizes);
  });

  it('the bundled drift-locations handler reads the bundled configuration', () => {
    // In plain node, as Lambda runs it (an import through vitest would transform the bundle first).
    const asset = Object.entries(assets).find(([id]) => id.startsWith('HandlersdriftLocations'))![1];
    const url = pathToFileURL(join(asset, 'index.mjs')).href;
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(url)}); console.log(JSON.stringify(await m.handler({})));`,
      ],
      { env: { ...env, SEGSYNC_CONFIG: join(asset, 'segsync.yaml') }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      locations: { cloud: string; location: string }[];
    };
    expect(result.locations).toContainEqual({ cloud: 'aws', location: '222222222222/eu-west-1' });
    expect(result.locations).toContainEqual({ cloud: 'gcp', location: 'shop-prod-123' });
  });
});

describe('npx cdk synth with an invalid policy', () => {
  it(
    'fails with the positioned diagnostics segsync validate gives, before bundling',
    () => {
      const out = mkdtempSync(join(tmpdir(), 'segsync-cdk-'));
      const run = cdkSynth('test/fixtures/infra/invalid-policy/segsync.yaml', out);
      rmSync(out, { recursive: true, force: true });
      expect(run.status).not.toBe(0);
      const expected = loadAndValidatePolicy('test/fixtures/infra/invalid-policy/policy.yaml').diagnostics;
      for (const d of expected) expect(run.stderr).toContain(renderDiagnostic(d));
      expect(run.stderr).not.toContain('Bundling asset');
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    },
    SYNTH_TIMEOUT_MS,
  );
});
