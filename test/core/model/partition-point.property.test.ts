/** partitionPoint (core/model/compare.ts), the one binary search compile, policy and verify share. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionPoint } from '../../../core/model/compare.ts';

describe('partitionPoint', () => {
  it('GIVEN a sorted list and any value WHEN searched THEN the index is the first element not below it, as a scan finds (500 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -60, max: 60 }), (xs, x) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const scan = sorted.findIndex((v) => v >= x);
        expect(partitionPoint(sorted.length, (i) => sorted[i]! < x)).toBe(scan === -1 ? sorted.length : scan);
      }),
      { numRuns: 500 },
    );
  });
});
