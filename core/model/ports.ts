/**
 * Policy port specs (`tcp/443`, `udp/53`, `tcp/8000-8100`, `tcp`, `udp`, `icmp`, `any`) and exact
 * protocol/port sets. Pure: no I/O, no clock, no randomness.
 *
 * Invariants:
 * - Specs are lowercase and strict; every rejected spec gets a message and, when a correction
 *   is obvious, a hint ("did you mean ..."). Ports written in a spec are 1-65535: port 0 is not
 *   a destination anyone can write, but "every port" (`tcp`, `udp`, `any`) is 0-65535
 *   internally, because that is what the clouds' "all ports" means (AWS 0-65535, Azure `*`, GCP
 *   no ports). So `tcp` and `tcp/1-65535` are different sets and format differently: turning one
 *   into the other would widen or drop port 0.
 * - `icmp` is ICMP for IPv4 and ICMPv6 (protocols 1 and 58), without types or codes.
 * - `PortSet` is immutable and canonical (tcp/udp as sorted, disjoint, non-adjacent inclusive
 *   ranges; see ranges.ts), so equal sets have equal fields and equal `key()`s.
 * - `others` stands for every IP protocol except tcp, udp and icmp. No policy spec names it on
 *   its own; it is only ever set by `any`, so `any` minus `tcp/22` still opens e.g. GRE. Because
 *   `toSpecs` must never drop it, its entries may include `{ protocol: 'others' }`
 *   (`PortSetEntry`); compilers must handle (or refuse) it explicitly.
 */
import type { Parsed } from './address.ts';
import { NUMBER_RANGES, type Range } from './ranges.ts';

export type Protocol = 'tcp' | 'udp' | 'icmp';
export type PortSpec =
  { protocol: 'any' } | { protocol: 'icmp' } | { protocol: 'tcp' | 'udp'; from: number; to: number };
/** What a PortSet is made of: policy specs plus "every protocol other than tcp/udp/icmp". */
export type PortSetEntry = PortSpec | { protocol: 'others' };

const MAX_PORT = 65535;
const FULL: ReadonlyArray<Range<number>> = Object.freeze([Object.freeze([0, MAX_PORT] as const)]);
const NONE: ReadonlyArray<Range<number>> = Object.freeze([]);
const SUPPORTED = 'supported: "tcp" and "udp" (all ports, or /port, or /from-to), "icmp", "any"';
/** Service names people write instead of numbers; only used to suggest the number. */
const SERVICES: ReadonlyMap<string, number> = new Map([
  ['ssh', 22],
  ['dns', 53],
  ['http', 80],
  ['https', 443],
  ['rdp', 3389],
  ['postgres', 5432],
  ['mysql', 3306],
]);

const fail = (message: string, hint?: string): { ok: false; message: string; hint?: string } =>
  hint === undefined ? { ok: false, message } : { ok: false, message, hint };
const meant = (spec: string): string => `did you mean "${spec}"?`;

/**
 * Parse one policy port spec.
 *
 * @example
 * parsePortSpec('tcp/8000-8100'); // { ok: true, value: { protocol: 'tcp', from: 8000, to: 8100 } }
 * parsePortSpec('tcp');           // { ok: true, value: { protocol: 'tcp', from: 0, to: 65535 } }
 * parsePortSpec('TCP/443');       // { ok: false, message: '"TCP/443": protocols are lowercase', hint: 'did you mean "tcp/443"?' }
 */
export function parsePortSpec(text: string): Parsed<PortSpec> {
  if (text === 'any' || text === 'icmp') return { ok: true, value: { protocol: text } };
  if (text !== text.trim()) return diagnoseShape(text);
  const m = /^(tcp|udp)(?:\/([^-,]*)(?:-([^,]*))?)?$/.exec(text);
  if (m === null) return diagnoseShape(text);
  const protocol = m[1] as 'tcp' | 'udp';
  if (m[2] === undefined) return { ok: true, value: { protocol, from: 0, to: MAX_PORT } };
  const from = parsePort(m[2], protocol, text);
  if (!from.ok) return from;
  const to = m[3] === undefined ? from : parsePort(m[3], protocol, text);
  if (!to.ok) return to;
  if (from.value > to.value) {
    return fail(
      `"${text}": port range ${from.value}-${to.value} is reversed`,
      meant(`${protocol}/${to.value}-${from.value}`),
    );
  }
  return { ok: true, value: { protocol, from: from.value, to: to.value } };
}

function parsePort(t: string, protocol: 'tcp' | 'udp', text: string): Parsed<number> {
  const every = `write "${protocol}" for every ${protocol} port`;
  if (t === '') return fail(`"${text}": a port number is missing`, `${every}, or e.g. "${protocol}/443"`);
  const service = SERVICES.get(t);
  if (service !== undefined)
    return fail(`"${text}": ports are numbers, not service names`, meant(`${protocol}/${service}`));
  if (!/^[0-9]+$/.test(t))
    return fail(`"${text}": port "${t}" is not a number`, `ports are 1-65535, e.g. "${protocol}/443"`);
  if (t.length > 1 && t.startsWith('0')) {
    const fixed = parsePortSpec(text.replace(/\b0+([0-9])/g, '$1'));
    return fail(
      `"${text}": port "${t}" has a leading zero`,
      fixed.ok ? meant(formatPortSpec(fixed.value)) : fixed.hint,
    );
  }
  const n = Number(t);
  if (n === 0) return fail(`"${text}": port 0 is not a destination port`, `ports are 1-65535; ${every}`);
  if (n > MAX_PORT) return fail(`"${text}": port ${t} is out of range (ports are 1-65535)`, every);
  return { ok: true, value: n };
}

/** Not `tcp|udp[/...]`, `icmp` or `any`: find the likeliest slip and say how to write it. */
function diagnoseShape(text: string): Parsed<PortSpec> {
  if (text.trim() === '') return fail('empty port spec', `e.g. "tcp/443"; ${SUPPORTED}`);
  if (text !== text.trim()) {
    const r = parsePortSpec(text.trim());
    return r.ok
      ? fail(`"${text}" has surrounding whitespace`, meant(text.trim()))
      : fail(`"${text}" has surrounding whitespace; ${r.message}`, r.hint);
  }
  const lower = text.toLowerCase();
  if (lower !== text) {
    const r = parsePortSpec(lower);
    return r.ok
      ? fail(`"${text}": protocols are lowercase`, meant(formatPortSpec(r.value)))
      : fail(`"${text}": protocols are lowercase; ${r.message}`, r.hint);
  }
  if (/^[0-9]+(-[0-9]+)?$/.test(text)) {
    const r = parsePortSpec(`tcp/${text}`);
    return fail(`"${text}" has no protocol`, r.ok ? `did you mean "tcp/${text}" (or "udp/${text}")?` : r.hint);
  }
  const list = /^(tcp|udp)\/(.*,.*)$/.exec(text);
  if (list !== null) {
    const each = (list[2] ?? '').split(',').map((p) => `${list[1]}/${p.trim()}`);
    const hint = each.every((e) => parsePortSpec(e).ok)
      ? `write ${each.map((e) => `"${e}"`).join(', ')}`
      : 'write one spec per entry, e.g. "tcp/80", "tcp/443"';
    return fail(`"${text}": one port or range per entry`, hint);
  }
  const sep = /^([a-z0-9]+)(?:\s*:\s*|\s+)([^\s].*)$/.exec(text);
  if (sep !== null && parsePortSpec(`${sep[1]}/${sep[2]}`).ok) {
    return fail(`"${text}": separate protocol and port with "/"`, meant(`${sep[1]}/${sep[2]}`));
  }
  return diagnoseProtocol(text);
}

function diagnoseProtocol(text: string): Parsed<PortSpec> {
  const slash = text.indexOf('/');
  const protocol = slash === -1 ? text : text.slice(0, slash);
  const port = slash === -1 ? undefined : text.slice(slash + 1);
  if (protocol === 'icmp')
    return fail(`"${text}": icmp takes no port (ICMP types and codes are not supported)`, meant('icmp'));
  if (protocol === 'any') {
    const both = parsePortSpec(`tcp/${port}`).ok ? `, or "tcp/${port}" and "udp/${port}"` : '';
    return fail(`"${text}": "any" takes no port; it already means every protocol and port`, `write "any"${both}`);
  }
  if (['icmpv6', 'icmp6', 'ipv6-icmp'].includes(protocol))
    return fail(`"${text}": "icmp" covers both ICMP and ICMPv6`, meant('icmp'));
  if (protocol === 'all' || protocol === '*')
    return fail(`"${text}": every protocol and port is written "any"`, meant('any'));
  return fail(`"${text}": unsupported protocol "${protocol}"`, SUPPORTED);
}

/**
 * Canonical text of a spec or set entry. `tcp`/`udp` only for 0-65535; `tcp/1-65535` stays
 * explicit (it excludes port 0). Internal ranges starting at 0 (e.g. `tcp/0-21`, left by
 * subtracting from `tcp`) format faithfully even though a policy cannot write port 0.
 *
 * @example
 * formatPortSpec({ protocol: 'tcp', from: 80, to: 90 }); // 'tcp/80-90'
 * formatPortSpec({ protocol: 'udp', from: 0, to: 65535 }); // 'udp'
 */
export function formatPortSpec(p: PortSetEntry): string {
  if (p.protocol !== 'tcp' && p.protocol !== 'udp') return p.protocol;
  if (p.from === 0 && p.to === MAX_PORT) return p.protocol;
  return p.from === p.to ? `${p.protocol}/${p.from}` : `${p.protocol}/${p.from}-${p.to}`;
}

function portRange(from: number, to: number): Range<number> {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > MAX_PORT || from > to) {
    throw new RangeError(`${from}-${to} is not a valid port range`);
  }
  return [from, to];
}

/**
 * Exact set of (protocol, port) with a flag for "every other IP protocol too". Immutable.
 *
 * @example
 * const s = PortSet.all().subtract(PortSet.fromSpecs([{ protocol: 'tcp', from: 22, to: 22 }]));
 * s.toSpecs().map(formatPortSpec); // ['tcp/0-21', 'tcp/23-65535', 'udp', 'icmp', 'others']
 */
export class PortSet {
  private constructor(
    readonly tcp: ReadonlyArray<readonly [number, number]>,
    readonly udp: ReadonlyArray<readonly [number, number]>,
    readonly icmp: boolean,
    readonly others: boolean,
  ) {}

  private static readonly EMPTY = new PortSet(NONE, NONE, false, false);
  private static readonly ALL = new PortSet(FULL, FULL, true, true);

  /** @example PortSet.empty().isEmpty(); // true */
  static empty(): PortSet {
    return PortSet.EMPTY;
  }

  /** Every protocol and port, including protocols other than tcp/udp/icmp. @example PortSet.all().key(); // 'any' */
  static all(): PortSet {
    return PortSet.ALL;
  }

  /**
   * From specs or entries; tcp/udp ranges may start at 0 here (internal specs). Throws
   * RangeError on a malformed range: specs come from parsePortSpec, so that is a bug.
   *
   * @example
   * PortSet.fromSpecs([{ protocol: 'tcp', from: 80, to: 80 }, { protocol: 'tcp', from: 81, to: 90 }]).tcp; // [[80, 90]]
   */
  static fromSpecs(specs: Iterable<PortSetEntry>): PortSet {
    const tcp: Array<Range<number>> = [];
    const udp: Array<Range<number>> = [];
    let icmp = false;
    let others = false;
    for (const s of specs) {
      if (s.protocol === 'any') return PortSet.ALL;
      if (s.protocol === 'icmp') icmp = true;
      else if (s.protocol === 'others') others = true;
      else (s.protocol === 'tcp' ? tcp : udp).push(portRange(s.from, s.to));
    }
    return new PortSet(NUMBER_RANGES.normalize(tcp), NUMBER_RANGES.normalize(udp), icmp, others);
  }

  /** @example a.union(b).has('tcp', 443) === (a.has('tcp', 443) || b.has('tcp', 443)) */
  union(o: PortSet): PortSet {
    return new PortSet(
      NUMBER_RANGES.union(this.tcp, o.tcp),
      NUMBER_RANGES.union(this.udp, o.udp),
      this.icmp || o.icmp,
      this.others || o.others,
    );
  }

  /** @example a.intersect(b).has('udp', 53) === (a.has('udp', 53) && b.has('udp', 53)) */
  intersect(o: PortSet): PortSet {
    return new PortSet(
      NUMBER_RANGES.intersect(this.tcp, o.tcp),
      NUMBER_RANGES.intersect(this.udp, o.udp),
      this.icmp && o.icmp,
      this.others && o.others,
    );
  }

  /** @example PortSet.all().subtract(PortSet.all()).isEmpty(); // true */
  subtract(o: PortSet): PortSet {
    return new PortSet(
      NUMBER_RANGES.subtract(this.tcp, o.tcp),
      NUMBER_RANGES.subtract(this.udp, o.udp),
      this.icmp && !o.icmp,
      this.others && !o.others,
    );
  }

  /**
   * Membership. With a port: that tcp/udp port. Without a port: every port of the protocol
   * (what the spec `tcp` means). ICMP ignores the port.
   *
   * @example
   * PortSet.fromSpecs([{ protocol: 'tcp', from: 1, to: 65535 }]).has('tcp'); // false (port 0 missing)
   */
  has(protocol: Protocol, port?: number): boolean {
    if (protocol === 'icmp') return this.icmp;
    const list = protocol === 'tcp' ? this.tcp : this.udp;
    if (port === undefined) return NUMBER_RANGES.equal(list, FULL);
    return Number.isInteger(port) && NUMBER_RANGES.contains(list, port);
  }

  /** @example PortSet.fromSpecs([]).isEmpty(); // true */
  isEmpty(): boolean {
    return this.tcp.length === 0 && this.udp.length === 0 && !this.icmp && !this.others;
  }

  /** @example PortSet.fromSpecs([{ protocol: 'any' }]).isAll(); // true */
  isAll(): boolean {
    return this.icmp && this.others && NUMBER_RANGES.equal(this.tcp, FULL) && NUMBER_RANGES.equal(this.udp, FULL);
  }

  /** @example PortSet.all().equals(PortSet.fromSpecs([{ protocol: 'any' }])); // true */
  equals(o: PortSet): boolean {
    return (
      this.icmp === o.icmp &&
      this.others === o.others &&
      NUMBER_RANGES.equal(this.tcp, o.tcp) &&
      NUMBER_RANGES.equal(this.udp, o.udp)
    );
  }

  /**
   * Canonical string: equal sets have equal keys and only equal sets do (for grouping rules).
   *
   * @example
   * PortSet.fromSpecs([{ protocol: 'udp', from: 53, to: 53 }, { protocol: 'icmp' }]).key(); // 'udp:53;icmp'
   */
  key(): string {
    if (this.isAll()) return 'any';
    const ranges = (rs: ReadonlyArray<readonly [number, number]>): string =>
      rs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    const parts = [
      ...(this.tcp.length > 0 ? [`tcp:${ranges(this.tcp)}`] : []),
      ...(this.udp.length > 0 ? [`udp:${ranges(this.udp)}`] : []),
      ...(this.icmp ? ['icmp'] : []),
      ...(this.others ? ['others'] : []),
    ];
    return parts.length === 0 ? 'none' : parts.join(';');
  }

  /**
   * Canonical minimal entries: `[{ protocol: 'any' }]` when isAll(); otherwise tcp ranges, udp
   * ranges, icmp, then `others` (never dropped; see the module comment).
   *
   * @example
   * PortSet.fromSpecs([{ protocol: 'tcp', from: 0, to: 65535 }]).toSpecs(); // [{ protocol: 'tcp', from: 0, to: 65535 }]
   */
  toSpecs(): PortSetEntry[] {
    if (this.isAll()) return [{ protocol: 'any' }];
    const out: PortSetEntry[] = [];
    for (const [from, to] of this.tcp) out.push({ protocol: 'tcp', from, to });
    for (const [from, to] of this.udp) out.push({ protocol: 'udp', from, to });
    if (this.icmp) out.push({ protocol: 'icmp' });
    if (this.others) out.push({ protocol: 'others' });
    return out;
  }

  /** Human text for messages. @example PortSet.empty().toString(); // 'none' */
  toString(): string {
    return this.isEmpty() ? 'none' : this.toSpecs().map(formatPortSpec).join(', ');
  }
}
