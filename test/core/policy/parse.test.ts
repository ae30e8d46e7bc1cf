import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../../core/diagnostics.ts';
import { PolicyValidationError } from '../../../core/errors.ts';
import { parsePolicy, validatePolicy } from '../../../core/policy/parse.ts';

const MINIMAL = `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: p }
spec:
  segments:
    - { name: web, selector: "tier == 'web'" }
`;

describe('validatePolicy: every mistake, with its position', () => {
  it('reports all ten mistakes of one file at once, each with file:line:column', () => {
    // GIVEN a policy with ten different kinds of mistake
    const file = 'test/fixtures/policies/invalid/ten-mistakes.yaml';
    // WHEN it is validated
    const { policy, diagnostics } = validatePolicy(readFileSync(file, 'utf8'), file);
    // THEN no policy comes out, and every mistake is listed where it was written
    expect(policy).toBeUndefined();
    const found = diagnostics.map((d) => `${d.source?.line}:${d.source?.column} ${d.code}`);
    expect(found).toEqual([
      '5:23 invalid-value', // egress: block
      '8:15 invalid-cidr', // host bits set
      '11:39 invalid-selector', // '=' instead of '==', column inside the selector
      '14:13 duplicate-segment',
      '19:11 unknown-segment', // dbs
      '20:15 invalid-port', // tcp/70000
      '23:23 unknown-external', // mainfram
      '24:15 invalid-port', // tcp/90-80
      '25:7 missing-field', // rule without "to"
      '27:7 unknown-key', // too:
      '31:20 to-cidrs',
    ]);
    expect(diagnostics.every((d) => d.source?.file === file)).toBe(true);
  });

  it('gives the fix in the hint: did-you-mean for names, keys, CIDRs and reversed ranges', () => {
    const file = 'test/fixtures/policies/invalid/ten-mistakes.yaml';
    const { diagnostics } = validatePolicy(readFileSync(file, 'utf8'), file);
    const hint = (code: string, i = 0) => diagnostics.filter((d) => d.code === code)[i]?.hint;
    expect(hint('unknown-segment')).toBe('did you mean "db"?');
    expect(hint('unknown-external')).toBe('did you mean "mainframe"?');
    expect(hint('unknown-key')).toBe('did you mean "to"?');
    expect(hint('invalid-cidr')).toBe('did you mean "10.50.0.0/16"?');
    expect(hint('invalid-port', 1)).toBe('did you mean "tcp/80-90"?');
  });

  it('renders a diagnostic on one line with path relative to spec', () => {
    const { diagnostics } = validatePolicy(MINIMAL.replace("tier == 'web'", "tier == 'web' &&"), 'p.yaml');
    expect(renderDiagnostic(diagnostics[0]!)).toMatch(
      /^p\.yaml:6:\d+ {2}error {2}segments\[0\]\.selector {2}selector does not parse at column 17: expected a label key/,
    );
  });

  it('reports an empty file as an empty policy, not a crash', () => {
    for (const text of ['', '\n# nothing\n', '{}']) {
      const { policy, diagnostics } = validatePolicy(text, 'empty.yaml');
      expect(policy).toBeUndefined();
      expect(diagnostics.map((d) => d.code)).toEqual(['policy-empty']);
    }
  });

  it('reports a policy without segments', () => {
    const { diagnostics } = validatePolicy(MINIMAL.replace(/ {2}segments:\n.*\n/, '  segments: []\n'), 'p.yaml');
    expect(diagnostics.map((d) => [d.code, d.path.join('.')])).toEqual([['empty-list', 'spec.segments']]);
  });

  it('reports YAML syntax errors and duplicate keys with positions', () => {
    const bad = validatePolicy('apiVersion: segsync/v1\nkind: [unclosed\n', 'bad.yaml');
    expect(bad.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', severity: 'error' });
    expect(bad.diagnostics[0]!.source?.line).toBeGreaterThanOrEqual(2);
    const dup = validatePolicy(
      MINIMAL.replace('kind: SegmentationPolicy', 'kind: SegmentationPolicy\nkind: SegmentationPolicy'),
      'dup.yaml',
    );
    expect(dup.diagnostics.map((d) => [d.code, d.source?.line])).toEqual([['duplicate-key', 3]]);
  });

  it('rejects wrong apiVersion/kind, names a cloud cannot hold, and suggests a fix', () => {
    const text = MINIMAL.replace('segsync/v1', 'segsync/v2').replace('name: web', 'name: Web_Tier');
    const { diagnostics } = validatePolicy(text, 'p.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-value', 'invalid-name']);
    expect(diagnostics[1]!.hint).toContain('"web-tier"');
  });

  it('says which key is a typo inside an object peer', () => {
    const text = `${MINIMAL}  rules:\n    - name: r\n      from: { selektor: "a == 'b'" }\n      to: web\n      ports: [tcp/80]\n`;
    const { diagnostics } = validatePolicy(text, 'p.yaml');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'invalid-peer', hint: 'did you mean "selector"?' });
    expect(diagnostics[0]!.source).toMatchObject({ line: 9, column: 13 });
  });

  it('warns (without failing) when a selector names an uppercase key or value no label can have', () => {
    const text = MINIMAL.replace("tier == 'web'", "Tier == 'Web'");
    const { policy, diagnostics } = validatePolicy(text, 'p.yaml');
    expect(policy).toBeDefined();
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['selector-uppercase', 'warning'],
      ['selector-uppercase', 'warning'],
    ]);
  });

  it('warns when a selector uses a key that spec.labels.keys does not count', () => {
    const text = MINIMAL.replace('spec:\n', 'spec:\n  labels: { keys: [app] }\n');
    const { diagnostics } = validatePolicy(text, 'p.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['selector-key-not-counted']);
  });
});

describe('parsePolicy: the resolved policy', () => {
  it('GIVEN no exclusive line THEN exclusive is true (foreign groups are detached); an explicit false is kept', () => {
    expect(parsePolicy(MINIMAL, 'p.yaml').exclusive).toBe(true);
    expect(parsePolicy(MINIMAL.replace('spec:\n', 'spec:\n  exclusive: false\n'), 'p.yaml').exclusive).toBe(false);
  });

  it('resolves defaults, peers, ports and modes', () => {
    const policy = parsePolicy(readFileSync('examples/three-tier.yaml', 'utf8'), 'three-tier.yaml');
    expect(policy.defaults).toEqual({ egress: 'deny', unlabeled: 'ignore' });
    expect(policy.exclusive).toBe(true);
    expect(policy.segments.find((s) => s.name === 'dev-db')?.mode).toBe('monitor');
    const rule = policy.rules.find((r) => r.name === 'prod-app-to-mainframe')!;
    expect(rule).toMatchObject({
      action: 'allow',
      from: { kind: 'segment', name: 'prod-app' },
      to: { kind: 'external', name: 'mainframe' },
    });
    expect(rule.ports).toEqual([
      { protocol: 'tcp', from: 1414, to: 1414 },
      { protocol: 'udp', from: 500, to: 510 },
    ]);
  });

  it('throws one PolicyValidationError carrying every diagnostic', () => {
    const file = 'test/fixtures/policies/invalid/ten-mistakes.yaml';
    expect(() => parsePolicy(readFileSync(file, 'utf8'), file)).toThrowError(PolicyValidationError);
    try {
      parsePolicy(readFileSync(file, 'utf8'), file);
    } catch (e) {
      expect((e as PolicyValidationError).diagnostics).toHaveLength(11);
      expect((e as Error).message).toContain('ten-mistakes.yaml:19:11');
    }
  });
});
