/**
 * Every example is executed (STYLE G13): the example policies and the README's policy snippet
 * must validate, and the README's estate snippet must parse. A doc that drifts fails CI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatePolicy } from '../core/policy/parse.ts';
import { parseEstate } from '../adapters/sandbox/estate.ts';
import { validateConfig } from '../core/config/parse.ts';
import { loadConfig } from '../core/config/load.ts';

const readme = readFileSync('README.md', 'utf8');
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('documentation examples', () => {
  it.each(readdirSync('examples').filter((f) => f.endsWith('.yaml') && !f.includes('estate') && f !== 'segsync.yaml'))(
    'examples/%s validates without errors',
    (file) => {
      const { policy, diagnostics } = validatePolicy(readFileSync(`examples/${file}`, 'utf8'), file);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(policy).toBeDefined();
    },
  );

  it('the README policy example validates', () => {
    const block = yamlBlocks.find((b) => b.includes('kind: SegmentationPolicy'))!;
    const { policy, diagnostics } = validatePolicy(block, 'README.md');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(policy?.rules.map((r) => r.name)).toEqual([
      'internet-to-web',
      'web-to-db',
      'db-to-mainframe',
      'no-dev-to-prod',
    ]);
  });

  it('the README policy example is test/fixtures/policies/readme-shop-default.yaml (verify reports 0 disagreements on it)', () => {
    const block = /## The policy, by example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const fixture = readFileSync('test/fixtures/policies/readme-shop-default.yaml', 'utf8');
    expect(fixture.replace(/^#.*\n/gm, '')).toBe(block);
  });

  it('examples/segsync.yaml and the README configuration example validate', () => {
    expect(loadConfig('examples/segsync.yaml').diagnostics).toEqual([]);
    const block = yamlBlocks.find((b) => b.includes('kind: Deployment'))!;
    const { config, diagnostics } = validateConfig(block, 'README.md');
    expect(diagnostics).toEqual([]);
    expect(config!.aws!.accounts[0]!.regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('the README estate example and examples/hybrid-estate.yaml parse', () => {
    const block = yamlBlocks.find((b) => b.startsWith('aws:'))!;
    expect(parseEstate(block, 'README.md').diagnostics).toEqual([]);
    const hybrid = parseEstate(readFileSync('examples/hybrid-estate.yaml', 'utf8'), 'hybrid-estate.yaml');
    expect(hybrid.diagnostics).toEqual([]);
    expect(hybrid.estate!.aws.length + hybrid.estate!.azure.length + hybrid.estate!.gcp.length).toBeGreaterThanOrEqual(
      12,
    );
  });

  it('the README quickstart has exactly two commands, and .ci/run runs the test command', () => {
    const quickstart = /## Quickstart[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
    expect(quickstart).toHaveLength(2);
    const testCommand = quickstart[1]!.split('#')[0]!.trim().split('&&').pop()!.trim();
    expect(readFileSync('.ci/run', 'utf8')).toContain(testCommand);
  });
});
