import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const args = ['--sandbox', 'examples/hybrid-estate.yaml', '--policy', 'examples/three-tier.yaml'];

describe('segsync matrix', () => {
  it('GIVEN the demo estate and policy WHEN asked for data THEN each cell holds the ports the clouds let through', async () => {
    const { code, out } = await runCli('matrix', ...args, '--json');

    expect(code).toBe(0);
    const m = JSON.parse(out) as {
      points: Array<{ name: string }>;
      probes: string[];
      cells: Array<Array<string[] | null>>;
    };
    const at = (from: string, to: string) =>
      m.cells[m.points.findIndex((p) => p.name.startsWith(from))]![m.points.findIndex((p) => p.name.startsWith(to))];
    expect(at('prod-web', 'prod-app')).toEqual(['tcp/8080']);
    expect(at('prod-app', 'prod-db')).toEqual(['tcp/5432']);
    expect(at('prod-app', 'mainframe')).toEqual(['tcp/1414', 'udp/500']);
    expect(at('internet', 'prod-web')).toEqual(['tcp/443']);
    expect(at('dev-web', 'prod-app')).toEqual([]);
    expect(at('internet', 'mainframe')).toBeNull();
    // dev-db is only monitored: nothing on it is enforced, so every probe passes both ways.
    expect(at('internet', 'dev-db')).toEqual(m.probes);
  });

  it('GIVEN --compact WHEN printed THEN one character per cell, numbered columns, and a legend', async () => {
    const { code, out } = await runCli('matrix', ...args, '--compact');

    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    const row = (name: string) => lines.find((l) => / [a-z-]+ \(|^\d /.test(l) && l.includes(name))!;
    const cells = (name: string) => row(name).slice(lines[0]!.indexOf('1'));
    expect(lines[0]!.trim()).toBe('12345678');
    expect(cells('prod-web (')).toBe(' +......');
    expect(cells('dev-db (')).toBe('+.... ##');
    expect(out).toContain('# all 6 probed ports pass   + some   . none');
  });

  it('GIVEN 8 or fewer points WHEN printed without flags THEN the wide table spells the ports out', async () => {
    const { out } = await runCli('matrix', ...args);

    expect(out.split('\n')[0]).toMatch(/^from \\ to\s+prod-web \(i-prod-web1\)/);
    expect(out).toMatch(/prod-app \(i-prod-app1\)\s+tcp\/443\s+tcp\/5432/);
  });
});
