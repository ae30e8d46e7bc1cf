/**
 * A short, stable, pure hash for deterministic object names (STYLE G6). FNV-1a 64-bit, printed
 * in base 36: not cryptographic; it only needs to be stable across runs and machines.
 *
 * The 64-bit state is kept as two 32-bit halves in numbers (a bigint multiply per character was
 * a top frame at 100k workloads); the prime is 2^40 + 0x1b3, so h × prime is (lo × 0x1b3 with
 * its carry) plus lo shifted into the high half. Same values as the bigint definition.
 */
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3;
const TWO_32 = 0x1_0000_0000;

export function stableHash(text: string, length = 8): string {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    const t = lo * PRIME_LO;
    hi = (hi * PRIME_LO + Math.floor(t / TWO_32) + (lo << 8)) >>> 0;
    lo = t >>> 0;
  }
  const h = (BigInt(hi) << 32n) | BigInt(lo);
  return h.toString(36).padStart(13, '0').slice(-length);
}
