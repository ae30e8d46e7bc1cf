/**
 * A short, stable, pure hash for deterministic object names (STYLE G6). FNV-1a 64-bit, printed
 * in base 36: not cryptographic; it only needs to be stable across runs and machines.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

export function stableHash(text: string, length = 8): string {
  let h = OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * PRIME) & MASK;
  }
  return h.toString(36).padStart(13, '0').slice(-length);
}
