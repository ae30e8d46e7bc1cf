/**
 * The bench's end-to-end option: `/e2e` cases declare every generated network's /16 in
 * spec.endToEnd, the policy validates, and the case key round-trips through the parser.
 */
import { describe, expect, it } from 'vitest';
import { caseKey, parseCase } from '../../bench/cases.ts';
import { generateEstate, generatePolicy, networkRanges } from '../../bench/generate.ts';
import { formatCidr } from '../../core/model/address.ts';
import { parsePolicy } from '../../core/policy/parse.ts';

describe('bench: end-to-end cases', () => {
  it('GIVEN network ranges WHEN written into the policy THEN it validates with spec.endToEnd; without them it has none', () => {
    const { networks } = generateEstate({ seed: 7, workloads: 200, segments: 100 });
    const ranges = networkRanges(networks);
    expect(ranges[0]).toBe('10.1.0.0/16');
    const policy = parsePolicy(
      generatePolicy({ seed: 7, segments: 100, rules: 200, endToEndRanges: ranges }),
      'bench.yaml',
    );
    expect(policy.endToEnd!.ranges.map(formatCidr)).toEqual(ranges);
    expect(generatePolicy({ seed: 7, segments: 100, rules: 200 })).not.toMatch(/endToEnd/);
  });

  it('GIVEN a case with /e2e WHEN parsed THEN it is end-to-end and its key keeps the suffix', () => {
    const c = parseCase('1k/100/1k/realistic/aws-max/compress/e2e', { shape: 'sparse', aws: 'max' });
    expect(c).toMatchObject({ workloads: 1000, shape: 'realistic', addresses: 'compress', endToEnd: true });
    expect(caseKey(c)).toBe('1k/100/1k/realistic/aws-max/compress/e2e');
    expect(parseCase('1k/100/1k', { shape: 'sparse', aws: 'max' }).endToEnd).toBeUndefined();
  });
});
