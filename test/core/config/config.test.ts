import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../../core/diagnostics.ts';
import { loadConfig } from '../../../core/config/load.ts';
import { validateConfig } from '../../../core/config/parse.ts';

const VALID = `apiVersion: segsync/v1
kind: Deployment
metadata: { name: main }
spec:
  policy: policy.yaml
  aws:
    accounts:
      - id: "012345678901"
        role: arn:aws:iam::012345678901:role/segsync
        regions: [eu-west-1, us-east-1, eu-west-1]
    connectivity:
      - { kind: peering, id: pcx-0a1b2c3d, region: eu-west-1, vpcs: [vpc-0a1b2c3d, vpc-1a1b2c3d] }
  gcp:
    projects: [{ id: proj-shop }]
`;

function codes(text: string): string[] {
  return validateConfig(text, 'segsync.yaml').diagnostics.map((d) => d.code);
}

describe('deployment configuration', () => {
  it('reads the example and resolves its policy next to it', () => {
    const { config, diagnostics } = loadConfig('examples/segsync.yaml');
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      deploymentId: 'main',
      policy: join('examples', 'three-tier.yaml'),
      drift: { mode: 'apply', schedule: 'rate(15 minutes)' },
      limits: { aws: { groupsPerInterface: 5 } },
    });
    expect(config!.aws!.accounts.map((a) => a.id)).toEqual(['111111111111', '222222222222']);
    expect(config!.azure!.subscriptions).toHaveLength(1);
    expect(config!.gcp!.projects[0]!.networks).toEqual(['net-prod', 'net-dev']);
  });

  it('keeps account ids as strings and drops repeated Regions', () => {
    const { config } = validateConfig(VALID);
    expect(config!.aws!.accounts[0]).toEqual({
      id: '012345678901',
      role: 'arn:aws:iam::012345678901:role/segsync',
      regions: ['eu-west-1', 'us-east-1'],
    });
    expect(config!.drift).toEqual({ mode: 'apply', schedule: 'rate(15 minutes)' });
  });

  it('resolves a role name to its ARN in that account, in the partition of its Regions', () => {
    const named = validateConfig(VALID.replace('role: arn:aws:iam::012345678901:role/segsync', 'role: ops/segsync'));
    expect(named.config!.aws!.accounts[0]!.role).toBe('arn:aws:iam::012345678901:role/ops/segsync');
    const gov = validateConfig(
      VALID.replace('role: arn:aws:iam::012345678901:role/segsync', 'role: segsync')
        .replace('regions: [eu-west-1, us-east-1, eu-west-1]', 'regions: [us-gov-west-1]')
        .replace('region: eu-west-1, vpcs', 'region: us-gov-west-1, vpcs'),
    );
    expect(gov.config!.aws!.accounts[0]!.role).toBe('arn:aws-us-gov:iam::012345678901:role/segsync');
  });

  it('says to quote an account id written as a number, at its line', () => {
    const { diagnostics } = validateConfig(VALID.replace('"012345678901"', '12345678901'), 'segsync.yaml');
    const d = diagnostics.find((x) => x.message.includes('is a number'))!;
    expect(renderDiagnostic(d)).toMatch(/^segsync\.yaml:8:\d+ {2}error {2}aws\.accounts\[0\]\.id .*quote it/s);
  });

  it.each([
    ['a role in another account', VALID.replace('iam::012345678901', 'iam::999999999999'), 'role-in-other-account'],
    [
      'a peering with one VPC',
      VALID.replace('vpcs: [vpc-0a1b2c3d, vpc-1a1b2c3d]', 'vpcs: [vpc-0a1b2c3d]'),
      'peering-needs-two-vpcs',
    ],
    [
      'connectivity in an unmanaged Region',
      VALID.replace('region: eu-west-1, vpcs', 'region: ap-south-1, vpcs'),
      'connectivity-outside-targets',
    ],
    ['no targets', VALID.split('  aws:')[0]!, 'no-targets'],
    ['a misspelt field', VALID.replace('regions:', 'region:'), 'unknown-key'],
    ['a bad deployment id', VALID.replace('name: main', 'name: Main-1'), 'invalid'],
    ['a policy given as the config', 'apiVersion: segsync/v1\nkind: SegmentationPolicy\n', 'config-is-policy'],
    ['an empty file', '', 'config-empty'],
    ['bad YAML', 'spec: [', 'yaml-syntax'],
  ])('refuses %s with a positioned diagnostic', (_what, text, code) => {
    expect(codes(text)).toContain(code);
    for (const d of validateConfig(text, 'segsync.yaml').diagnostics) expect(d.source?.file).toBe('segsync.yaml');
  });

  it('suggests the field a typo meant', () => {
    const d = validateConfig(VALID.replace('regions:', 'regoins:')).diagnostics.find((x) => x.code === 'unknown-key')!;
    expect(d.hint).toContain('regions');
  });

  it('reports every mistake at once', () => {
    const text = VALID.replace('"012345678901"', '12345678901').replace('proj-shop', 'Proj_Shop');
    expect(validateConfig(text).diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThanOrEqual(2);
  });

  it('turns an unreadable file into a diagnostic', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segsync-config-'));
    expect(loadConfig(join(dir, 'missing.yaml')).diagnostics[0]!.code).toBe('config-unreadable');
    writeFileSync(join(dir, 'segsync.yaml'), VALID);
    expect(loadConfig(join(dir, 'segsync.yaml')).config!.policy).toBe(join(dir, 'policy.yaml'));
  });
});
