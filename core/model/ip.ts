/**
 * IPv4/IPv6 address and CIDR text: parsing, canonical formatting and containment. Pure: no I/O,
 * no clock, no randomness. Re-exported by address.ts, which is the module to import.
 *
 * Invariants (an exact firewall compiler depends on them: never widen, never drop):
 * - Values are bigints: IPv4 in [0, 2^32), IPv6 in [0, 2^128). A `Cidr` never has host bits
 *   set, so one CIDR has exactly one spelling; `formatCidr` is canonical (IPv4 dotted decimal,
 *   IPv6 RFC 5952: lowercase, no leading zeros, the longest run of two or more zero groups
 *   compressed, the first on ties; IPv4-mapped `::ffff:0:0/96` written `::ffff:a.b.c.d`).
 * - Parsing is strict and never guesses: host bits set, leading zeros in IPv4 octets (octal in
 *   some tools, decimal in others), short IPv4 forms, zone ids, brackets, `addr:port` and
 *   surrounding whitespace are rejected, each with a message and, where one is obvious, a hint.
 * - IPv4-mapped IPv6 (`::ffff:1.2.3.4`) stays IPv6: cloud firewalls match families separately.
 *
 * In the examples, `net('10.0.0.0/8')` stands for the value of a successful `parseCidr`.
 */
export type Family = 'ipv4' | 'ipv6';
/** A network: `base` has no host bits set. */
export interface Cidr {
  family: Family;
  base: bigint;
  prefix: number;
}
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

/** Address width per family (internal to core/model). @example BITS.ipv6; // 128 */
export const BITS: Readonly<Record<Family, number>> = { ipv4: 32, ipv6: 128 };
/** POW2[k] = 2^k for k in 0..128, so hot loops never build bigints from shifts. */
const POW2: readonly bigint[] = Array.from({ length: 129 }, (_, k) => 1n << BigInt(k));
/** 2^k for 0 <= k <= 128 from a table (internal to core/model). @example pow2(8); // 256n */
export const pow2 = (k: number): bigint => POW2[k] as bigint;
const fail = (message: string, hint?: string): { ok: false; message: string; hint?: string } =>
  hint === undefined ? { ok: false, message } : { ok: false, message, hint };

/**
 * Number of bits in an address of this family.
 *
 * @example
 * familyBits('ipv6'); // 128
 */
export function familyBits(family: Family): number {
  return BITS[family];
}

/**
 * The first and last address of a CIDR.
 *
 * @example
 * cidrRange({ family: 'ipv4', base: 0x0a000000n, prefix: 8 }); // [0x0a000000n, 0x0affffffn]
 */
export function cidrRange(c: Cidr): readonly [bigint, bigint] {
  return [c.base, c.base + pow2(BITS[c.family] - c.prefix) - 1n];
}

/**
 * Whether an address lies inside a CIDR (always false across families).
 *
 * @example
 * cidrContains(net('10.0.0.0/8'), 'ipv4', 0x0a010203n); // true
 */
export function cidrContains(c: Cidr, family: Family, value: bigint): boolean {
  if (c.family !== family) return false;
  const [lo, hi] = cidrRange(c);
  return value >= lo && value <= hi;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const DECIMAL = /^[0-9]+$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): Parsed<bigint> {
  const parts = text.split('.');
  if (parts.length !== 4) {
    return fail(`"${text}" is not an IPv4 address: expected four decimal octets like 10.0.0.1`);
  }
  for (const part of parts) {
    if (!DECIMAL.test(part)) return fail(`"${text}" is not an IPv4 address: octet "${part}" is not a decimal number`);
    if (Number(part) > 255) return fail(`"${text}" is not an IPv4 address: octet ${part} is greater than 255`);
  }
  // Checked after every octet is known to be a number <= 255, so the readings shown are valid.
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return leadingZero(text, parts);
  return { ok: true, value: parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n) };
}

/**
 * The common case, canonical dotted decimal, read with numbers instead of regexes and bigints
 * (inventories hold one address per workload or more). Anything else, valid or not, is left to
 * the strict parsers, which give the messages: undefined means "not decided here".
 */
function fastIpv4(text: string): bigint | undefined {
  const n = text.length;
  if (n < 7 || n > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return BigInt(value * 256 + octet);
}

/** `010.0.0.1` is 8.0.0.1 to inet_aton and 10.0.0.1 to most humans: refuse, show both readings. */
function leadingZero(text: string, parts: string[]): Parsed<bigint> {
  const decimal = parts.map((p) => String(Number(p))).join('.');
  const octets = parts.every((p) => /^[0-7]+$/.test(p)) ? parts.map((p) => parseInt(p, 8)) : [];
  const octal = octets.length === 4 && octets.every((n) => n <= 255) ? octets.join('.') : undefined;
  const hint =
    octal !== undefined && octal !== decimal
      ? `write "${decimal}" (decimal) or "${octal}" (octal) without leading zeros`
      : `did you mean "${decimal}"?`;
  return fail(`"${text}" has an octet with a leading zero, which tools read differently (octal or decimal)`, hint);
}

function parseIpv6Groups(part: string, text: string, allowV4Tail: boolean): Parsed<number[]> {
  if (part === '') return { ok: true, value: [] };
  const groups: number[] = [];
  const items = part.split(':');
  for (const [i, item] of items.entries()) {
    if (allowV4Tail && i === items.length - 1 && item.includes('.')) {
      const v4 = parseIpv4(item);
      // No hint: the IPv4 one would suggest a bare IPv4 address, silently changing the family.
      if (!v4.ok) return fail(`"${text}" has an invalid embedded IPv4 part: ${v4.message}`);
      groups.push(Number(v4.value >> 16n), Number(v4.value & 0xffffn));
    } else if (!HEX_GROUP.test(item)) {
      const what =
        item === ''
          ? 'an empty group (a single ":" where "::" or a group was expected)'
          : `group "${item}" (1-4 hex digits expected)`;
      return fail(`"${text}" is not an IPv6 address: ${what}`);
    } else groups.push(parseInt(item, 16));
  }
  return { ok: true, value: groups };
}

function parseIpv6(text: string): Parsed<bigint> {
  if (text.includes('%')) {
    return fail(
      `"${text}" has a zone id: zone ids are local to one host and cannot be used in firewall rules`,
      suggest(text.slice(0, text.indexOf('%')), parseAddress),
    );
  }
  const halves = text.split('::');
  if (halves.length > 2) return fail(`"${text}" is not an IPv6 address: "::" may appear only once`);
  const [headText = '', tailText] = halves;
  const head = parseIpv6Groups(headText, text, tailText === undefined);
  if (!head.ok) return head;
  const tail = parseIpv6Groups(tailText ?? '', text, true);
  if (!tail.ok) return tail;
  const explicit = head.value.length + tail.value.length;
  if (tailText === undefined ? explicit !== 8 : explicit > 7) {
    return fail(`"${text}" is not an IPv6 address: it has ${explicit} groups, expected 8 (or fewer with "::")`);
  }
  const groups = [...head.value, ...new Array<number>(8 - explicit).fill(0), ...tail.value];
  return { ok: true, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
}

/** A "did you mean" hint only for a candidate that parses; otherwise the candidate's own hint. */
function suggest(candidate: string, parse: (t: string) => Parsed<unknown>): string | undefined {
  const r = parse(candidate);
  return r.ok ? `did you mean "${candidate}"?` : r.hint;
}

/** Address hints quote corrected addresses; put the user's prefix on them, if every result is a valid CIDR. */
function withPrefix(message: string, hint: string | undefined, suffix: string): Parsed<Cidr> {
  const candidates = [...(hint ?? '').matchAll(/"([^"]*)"/g)].map((m) => `${m[1] ?? ''}${suffix}`);
  const valid = candidates.length > 0 && candidates.every((c) => parseCidr(c).ok);
  return fail(message, valid ? hint?.replace(/"([^"]*)"/g, `"$1${suffix}"`) : undefined);
}

/** Surrounding whitespace: suggest the trimmed text only if that parses, else explain why not. */
function whitespace<T>(text: string, parse: (t: string) => Parsed<T>): Parsed<T> {
  const r = parse(text.trim());
  return r.ok
    ? fail(`"${text}" has surrounding whitespace`, `did you mean "${text.trim()}"?`)
    : fail(`"${text}" has surrounding whitespace; ${r.message}`, r.hint);
}

/**
 * Parse one IPv4 or IPv6 address (no prefix).
 *
 * @example
 * parseAddress('2001:db8::1'); // { ok: true, value: { family: 'ipv6', value: 0x20010db8000000000000000000000001n } }
 * parseAddress('010.0.0.1');   // { ok: false, message: '... leading zero ...', hint: 'write "10.0.0.1" (decimal) or "8.0.0.1" (octal) ...' }
 */
export function parseAddress(text: string): Parsed<{ family: Family; value: bigint }> {
  const v4 = fastIpv4(text);
  if (v4 !== undefined) return { ok: true, value: { family: 'ipv4', value: v4 } };
  if (text.trim() === '') return fail('empty address');
  if (text !== text.trim()) return whitespace(text, parseAddress);
  if (text.startsWith('[') && text.endsWith(']')) {
    return fail(
      `"${text}" is bracketed: brackets belong in URLs, not in addresses`,
      suggest(text.slice(1, -1), parseAddress),
    );
  }
  if (/^[0-9.]+:[0-9]+$/.test(text)) {
    return fail(
      `"${text}" looks like address:port; an address takes no port (ports go in the rule's ports)`,
      suggest(text.slice(0, text.indexOf(':')), parseAddress),
    );
  }
  if (!/[.:]/.test(text))
    return fail(`"${text}" is not an IP address: expected IPv4 like 10.0.0.1 or IPv6 like 2001:db8::1`);
  const family: Family = text.includes(':') ? 'ipv6' : 'ipv4';
  const parsed = family === 'ipv6' ? parseIpv6(text) : parseIpv4(text);
  return parsed.ok ? { ok: true, value: { family, value: parsed.value } } : parsed;
}

/**
 * Parse a CIDR; a bare address means a single host (/32 or /128).
 *
 * @example
 * parseCidr('10.0.0.0/8');  // { ok: true, value: { family: 'ipv4', base: 0x0a000000n, prefix: 8 } }
 * parseCidr('10.0.1.0/16'); // { ok: false, message: '... host bits set ...', hint: 'did you mean "10.0.0.0/16"?' }
 */
export function parseCidr(text: string): Parsed<Cidr> {
  if (text !== text.trim() && text.trim() !== '') return whitespace(text, parseCidr);
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const addr = parseAddress(addrText);
  if (!addr.ok) return slash === -1 ? addr : withPrefix(addr.message, addr.hint, text.slice(slash));
  const { family, value } = addr.value;
  const bits = BITS[family];
  if (slash === -1) return { ok: true, value: { family, base: value, prefix: bits } };
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) {
    const hint =
      /^[0-9]+$/.test(prefixText) && Number(prefixText) <= bits
        ? suggest(`${addrText}/${Number(prefixText)}`, parseCidr)
        : undefined;
    return fail(`"${text}" has an invalid prefix length "${prefixText}": expected a decimal number 0-${bits}`, hint);
  }
  const prefix = Number(prefixText);
  if (prefix > bits)
    return fail(`"${text}": prefix /${prefix} is out of range for ${family === 'ipv4' ? 'IPv4' : 'IPv6'} (0-${bits})`);
  const size = pow2(bits - prefix);
  const base = value - (value % size);
  if (base !== value) {
    const suggestion = formatCidr({ family, base, prefix });
    return fail(
      `"${text}" has host bits set: a /${prefix} network starts at ${formatAddress(family, base)}`,
      `did you mean "${suggestion}"?`,
    );
  }
  return { ok: true, value: { family, base, prefix } };
}

// ---------------------------------------------------------------------------------------------
// Formatting

function formatIpv4(value: bigint): string {
  const n = Number(value);
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952 §5: IPv4-mapped addresses keep their dotted tail.
  if (value >> 32n === 0xffffn) return `::ffff:${formatIpv4(value & 0xffffffffn)}`;
  let bestStart = -1;
  let bestLen = 1; // RFC 5952 §4.2.2: a single zero group is never compressed
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/**
 * Canonical text of an address. Throws RangeError on a value outside the family (a bug, not input).
 *
 * @example
 * formatAddress('ipv6', 0x20010db8000000000000000000000001n); // '2001:db8::1'
 * formatAddress('ipv6', 0xffff01020304n);                    // '::ffff:1.2.3.4'
 */
export function formatAddress(family: Family, value: bigint): string {
  if (value < 0n || value >= pow2(BITS[family])) throw new RangeError(`${value} is not an ${family} address value`);
  return family === 'ipv4' ? formatIpv4(value) : formatIpv6(value);
}

/**
 * Canonical text of a CIDR, always with its prefix length.
 *
 * @example
 * formatCidr({ family: 'ipv6', base: 0x20010db8n << 96n, prefix: 32 }); // '2001:db8::/32'
 */
export function formatCidr(c: Cidr): string {
  return `${formatAddress(c.family, c.base)}/${c.prefix}`;
}

/**
 * Partition CIDRs by family, keeping their order.
 *
 * @example
 * splitByFamily(cidrs); // { ipv4: [...], ipv6: [...] }
 */
export function splitByFamily(cidrs: readonly Cidr[]): { ipv4: Cidr[]; ipv6: Cidr[] } {
  const out: { ipv4: Cidr[]; ipv6: Cidr[] } = { ipv4: [], ipv6: [] };
  for (const c of cidrs) out[c.family].push(c);
  return out;
}
