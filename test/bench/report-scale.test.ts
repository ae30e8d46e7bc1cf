import { describe, expect, it } from 'vitest';
import { parseCase } from '../../bench/cases.ts';
import type { Outcome } from '../../bench/child-process.ts';
import type { FitResult, ScaleResults } from '../../bench/scale-runs.ts';
import { scaleSections } from '../../bench/report-scale.ts';

const run = { exit: 0, stdout: '', stderr: '', wallMs: 1000, peakRss: 0 };
const phase = (name: string, ms: number) => ({
  name,
  ms,
  peakRss: 2 ** 29,
  rssBefore: 2 ** 28,
  heapBefore: 0,
  heapAfter: 0,
  retainedHeap: 0,
});
const target = (compileMs: number, planMs: number): Outcome => ({
  case: parseCase('100k/1000/5k/sparse/unbounded', { shape: 'sparse', aws: 'max' }),
  phases: [phase('compile', compileMs), phase('plan-empty', planMs)],
  stderr: '',
  wallMs: 0,
  peakRssChild: 0,
});
const fitRow = (spec: string, refused: string[]): FitResult => ({
  spec,
  seed: 42,
  classes: 10,
  awsWorstUnits: 1200,
  awsWorst: 'dns ingress ipv4 in vpc-1',
  awsGroups: 3,
  awsPrefixLists: 4,
  azureMaxRules: 5,
  azureMaxPrefixes: 6,
  gcpRules: 7,
  gcpMaxRanges: 8,
  gcpMaxRulesPerProject: 9,
  gcpWorstProject: 'proj-1',
  gcpProjects: 1,
  compressions: 0,
  widenings: 0,
  refused,
});
const results = (refused: string[]): ScaleResults => ({
  fit: [{ spec: '1k/100/1k/realistic/aws-max', row: fitRow('1k/100/1k/realistic/aws-max', refused), run }],
  retag: {
    retags: [5, 40, 20].map((ms) => ({
      change: 'aws a1 tier web → api',
      recompile: { wall: ms, cpu: ms },
      plan: { wall: 1, cpu: 1 },
      networksRedone: 1,
      networks: 3,
    })),
    run,
  },
  transitions: {
    result: {
      seed: 42,
      size: 1000,
      applied: 1,
      picks: 2,
      refused: [
        'security group sg-x (class a002-web) would hold 266 ingress rules while old and new rules overlap, above the limit of 200; revoking first would …',
      ],
    },
    run,
  },
  printed: [],
});
const verdict = (text: string, target: string) => text.split('\n').find((l) => l.startsWith(`| ${target}`)) ?? '';

describe('the issue 9 report', () => {
  it('judges compile + plan at the target size against 2 s, with the ratio when missed', () => {
    const met = scaleSections([target(1500, 400)], results([])).join('\n');
    expect(verdict(met, '100k workloads')).toContain('**met**');
    const missed = scaleSections([target(3000, 1000)], results([])).join('\n');
    expect(verdict(missed, '100k workloads')).toMatch(/\*\*missed\*\*, ~2×/);
  });

  it('takes the median re-tag, not the best one', () => {
    const text = scaleSections([], results([])).join('\n');
    expect(verdict(text, 'one re-tag')).toContain('median **21 ms**');
    expect(verdict(text, 'one re-tag')).toContain('**missed**');
  });

  it('counts the violations of a refusal and never calls a refused case a fit', () => {
    const text = scaleSections([], results(['3 quota violations:', 'aws: …'])).join('\n');
    expect(verdict(text, '1k realistic fits')).toContain('refused (3)');
    expect(verdict(text, '1k realistic fits')).toContain('**missed**');
    expect(text).toContain('over the real limit');
    expect(text).toMatch(/1,200 ⚠/);
  });

  it('names the class and the overflow of each refused re-tag', () => {
    const text = scaleSections([], results([])).join('\n');
    expect(text).toContain('**1 of 2** applied');
    expect(text).toContain('class a002-web: would hold 266 ingress rules during the change (limit 200)');
  });
});
