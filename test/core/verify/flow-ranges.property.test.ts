/**
 * addrRanges merges and sorts native CIDRs so inRanges can binary-search them; membership must be
 * exactly "inside one of the CIDRs", whatever their overlaps, families and order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, formatAddress, parseAddress, parseCidr } from '../../../core/model/address.ts';
import { addrRanges, inRanges } from '../../../core/verify/flow.ts';

const RUNS = 500;

const v4 = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 20, max: 32 }))
  .map(([v, p]) => `${formatAddress('ipv4', BigInt(v) & ~((1n << BigInt(32 - p)) - 1n))}/${p}`);
const v6 = fc
  .tuple(fc.bigInt({ min: 0n, max: (1n << 16n) - 1n }), fc.integer({ min: 116, max: 128 }))
  .map(([v, p]) => `${formatAddress('ipv6', ((0x20010db8n << 96n) | v) & ~((1n << BigInt(128 - p)) - 1n))}/${p}`);
const textArb = fc.oneof(v4, v6, fc.constantFrom('not-a-cidr', '0.0.0.0/0', '::/0', '10.0.0.1', '2001:db8::1'));

describe(`addrRanges + inRanges == "inside some CIDR" (${RUNS} runs)`, () => {
  it('GIVEN random CIDR texts and addresses near them WHEN asked THEN binary search agrees with a scan', () => {
    fc.assert(
      fc.property(fc.array(textArb, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 }), (texts, picks) => {
        const cidrs = texts.flatMap((t) => {
          const c = parseCidr(t);
          return c.ok ? [c.value] : [];
        });
        const ranges = addrRanges(texts);
        // Probe every CIDR's edges and neighbours, plus a few unrelated addresses.
        const probes = cidrs.flatMap((c) => {
          const size = 1n << BigInt((c.family === 'ipv4' ? 32 : 128) - c.prefix);
          return [c.base - 1n, c.base, c.base + size - 1n, c.base + size].map((v) => ({ family: c.family, value: v }));
        });
        for (const p of picks) probes.push({ family: p % 2 === 0 ? 'ipv4' : 'ipv6', value: BigInt(p) });
        for (const text of ['10.0.0.1', '2001:db8::1']) {
          const a = parseAddress(text);
          if (a.ok) probes.push(a.value);
        }
        for (const ip of probes.filter((p) => p.value >= 0n)) {
          expect(inRanges(ranges, ip)).toBe(cidrs.some((c) => cidrContains(c, ip.family, ip.value)));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
