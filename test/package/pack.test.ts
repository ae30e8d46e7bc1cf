/**
 * The package as users get it: `npm pack` (which builds dist/), installed into an empty folder,
 * used from plain Node — no tsx, no TypeScript sources. Slow (build + install, ~30-60 s), so one
 * test does the whole journey.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('the packed package', () => {
  it('GIVEN npm pack installed in an empty folder WHEN imported from plain Node THEN the library and the CLI work without tsx', () => {
    const work = mkdtempSync(join(tmpdir(), 'segsync-pack-'));
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], repo)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--prefer-offline', join(work, packed!.filename)], app);

    const script = `
      import { parsePolicy, allows } from 'segsync';
      const policy = parsePolicy(\`apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: lib }
spec:
  segments: [{ name: web, selector: "tier == 'web'" }]
  rules: [{ name: https, from: { cidrs: [0.0.0.0/0] }, to: web, ports: [tcp/443] }]
\`, 'inline.yaml');
      const web = { labels: { tier: 'web' }, addresses: ['10.0.0.5'] };
      const flow = (port) => allows(policy, { src: '203.0.113.9', dst: web, protocol: 'tcp', port }).allowed;
      console.log(JSON.stringify({ https: flow(443), ssh: flow(22) }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' });
    const validate = execFileSync(
      process.execPath,
      [
        join(app, 'node_modules/segsync/bin/segsync.js'),
        'validate',
        join(app, 'node_modules/segsync/examples/three-tier.yaml'),
      ],
      { cwd: app, encoding: 'utf8' },
    );

    expect(JSON.parse(out)).toEqual({ https: true, ssh: false });
    expect(validate).toMatch(/three-tier\.yaml: valid/);
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    const files = packed!.files.map((f) => f.path);
    expect(files).toContain('dist/core/index.d.ts');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  }, 240_000);
});
