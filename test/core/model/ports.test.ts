import { describe, expect, it } from 'vitest';
import { PortSet, formatPortSpec, parsePortSpec, type PortSpec } from '../../../core/model/ports.ts';

function spec(text: string): PortSpec {
  const r = parsePortSpec(text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.value;
}
const ports = (...texts: string[]): PortSet => PortSet.fromSpecs(texts.map(spec));
const shown = (s: PortSet): string[] => s.toSpecs().map(formatPortSpec);

describe('parsePortSpec', () => {
  it.each([
    ['tcp/443', { protocol: 'tcp', from: 443, to: 443 }],
    ['udp/53', { protocol: 'udp', from: 53, to: 53 }],
    ['tcp/8000-8100', { protocol: 'tcp', from: 8000, to: 8100 }],
    ['tcp/1', { protocol: 'tcp', from: 1, to: 1 }],
    ['udp/65535', { protocol: 'udp', from: 65535, to: 65535 }],
    ['tcp/1-65535', { protocol: 'tcp', from: 1, to: 65535 }],
    ['tcp/80-80', { protocol: 'tcp', from: 80, to: 80 }],
    ['tcp', { protocol: 'tcp', from: 0, to: 65535 }],
    ['udp', { protocol: 'udp', from: 0, to: 65535 }],
    ['icmp', { protocol: 'icmp' }],
    ['any', { protocol: 'any' }],
  ])('parses %s', (text, value) => {
    expect(parsePortSpec(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['TCP/443', /lowercase/, 'did you mean "tcp/443"?'],
    ['Any', /lowercase/, 'did you mean "any"?'],
    ['ICMP', /lowercase/, 'did you mean "icmp"?'],
    ['443', /no protocol/, 'did you mean "tcp/443" (or "udp/443")?'],
    ['8000-8100', /no protocol/, 'did you mean "tcp/8000-8100" (or "udp/8000-8100")?'],
    ['tcp:443', /separate protocol and port with "\/"/, 'did you mean "tcp/443"?'],
    ['udp 53', /separate protocol and port/, 'did you mean "udp/53"?'],
    ['tcp : 80-90', /separate protocol and port/, 'did you mean "tcp/80-90"?'],
    ['tcp/90-80', /reversed/, 'did you mean "tcp/80-90"?'],
    ['TCP/90-80', /lowercase.*reversed/, 'did you mean "tcp/80-90"?'],
    ['tcp/70000', /out of range/, 'write "tcp" for every tcp port'],
    ['udp/80-70000', /out of range/, 'write "udp" for every udp port'],
    ['tcp/0', /port 0/, 'ports are 1-65535; write "tcp" for every tcp port'],
    ['tcp/0-21', /port 0/, 'ports are 1-65535; write "tcp" for every tcp port'],
    ['tcp/0443', /leading zero/, 'did you mean "tcp/443"?'],
    ['tcp/080-090', /leading zero/, 'did you mean "tcp/80-90"?'],
    ['icmp/8', /icmp takes no port/, 'did you mean "icmp"?'],
    ['icmp/8-9', /icmp takes no port/, 'did you mean "icmp"?'],
    ['any/80', /"any" takes no port/, 'write "any", or "tcp/80" and "udp/80"'],
    ['icmpv6', /covers both ICMP and ICMPv6/, 'did you mean "icmp"?'],
    ['all', /written "any"/, 'did you mean "any"?'],
    ['*', /written "any"/, 'did you mean "any"?'],
    ['tcp/80,443', /one port or range per entry/, 'write "tcp/80", "tcp/443"'],
    ['tcp/https', /service names/, 'did you mean "tcp/443"?'],
    ['tcp/abc', /not a number/, 'ports are 1-65535, e.g. "tcp/443"'],
    ['tcp/constructor', /not a number/, 'ports are 1-65535, e.g. "tcp/443"'],
    ['any/x', /"any" takes no port/, 'write "any"'],
    ['tcp/1/2', /not a number/, 'ports are 1-65535, e.g. "tcp/443"'],
    ['tcp/', /missing/, 'write "tcp" for every tcp port, or e.g. "tcp/443"'],
    ['tcp/80-', /missing/, 'write "tcp" for every tcp port, or e.g. "tcp/443"'],
    ['tcp/-80', /missing/, 'write "tcp" for every tcp port, or e.g. "tcp/443"'],
    [' tcp/443', /whitespace/, 'did you mean "tcp/443"?'],
    ['tcp/443 ', /whitespace/, 'did you mean "tcp/443"?'],
  ])('rejects %j with a hint', (text, message, hint) => {
    expect(parsePortSpec(text)).toEqual({ ok: false, message: expect.stringMatching(message), hint });
  });

  it('lists the supported protocols for unknown ones', () => {
    for (const text of ['sctp/1', 'sctp', 'gre', 'tcpx/1', 'foo bar baz']) {
      const r = parsePortSpec(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.hint).toMatch(/"tcp".*"udp".*"icmp".*"any"/);
    }
    expect(parsePortSpec('sctp/1')).toMatchObject({ message: '"sctp/1": unsupported protocol "sctp"' });
  });

  it('rejects empty input', () => {
    expect(parsePortSpec('')).toMatchObject({ ok: false, message: 'empty port spec' });
    expect(parsePortSpec('  ')).toMatchObject({ ok: false, message: 'empty port spec' });
  });
});

describe('formatPortSpec', () => {
  it.each([
    [{ protocol: 'tcp', from: 443, to: 443 }, 'tcp/443'],
    [{ protocol: 'tcp', from: 80, to: 90 }, 'tcp/80-90'],
    [{ protocol: 'tcp', from: 0, to: 65535 }, 'tcp'],
    [{ protocol: 'udp', from: 1, to: 65535 }, 'udp/1-65535'], // excludes port 0: not "udp"
    [{ protocol: 'tcp', from: 0, to: 21 }, 'tcp/0-21'], // internal range, formatted faithfully
    [{ protocol: 'icmp' }, 'icmp'],
    [{ protocol: 'any' }, 'any'],
    [{ protocol: 'others' }, 'others'],
  ] as const)('%j -> %s', (p, text) => {
    expect(formatPortSpec(p)).toBe(text);
  });

  it('round-trips every writable spec', () => {
    for (const text of ['tcp/443', 'udp/53', 'tcp/8000-8100', 'tcp', 'udp', 'icmp', 'any', 'tcp/1-65535']) {
      expect(formatPortSpec(spec(text))).toBe(text);
    }
    expect(formatPortSpec(spec('tcp/80-80'))).toBe('tcp/80');
  });
});

describe('PortSet', () => {
  it('merges adjacent and overlapping ranges per protocol', () => {
    const s = ports('tcp/80', 'tcp/81-90', 'tcp/85-100', 'udp/53', 'tcp/443');
    expect(s.tcp).toEqual([
      [80, 100],
      [443, 443],
    ]);
    expect(s.udp).toEqual([[53, 53]]);
    expect(s.icmp).toBe(false);
    expect(s.others).toBe(false);
    expect(shown(s)).toEqual(['tcp/80-100', 'tcp/443', 'udp/53']);
  });

  it('any is everything, including other protocols', () => {
    const all = ports('any');
    expect(all.isAll()).toBe(true);
    expect(all.equals(PortSet.all())).toBe(true);
    expect(all.others).toBe(true);
    expect(shown(all)).toEqual(['any']);
    expect(all.key()).toBe('any');
    expect(ports('tcp', 'udp', 'icmp').isAll()).toBe(false); // others missing
    expect(shown(ports('tcp', 'udp', 'icmp'))).toEqual(['tcp', 'udp', 'icmp']);
  });

  it('subtracting tcp/22 from any keeps udp, icmp and every other protocol', () => {
    const s = PortSet.all().subtract(ports('tcp/22'));
    expect(s.tcp).toEqual([
      [0, 21],
      [23, 65535],
    ]);
    expect(s.udp).toEqual([[0, 65535]]);
    expect(s.icmp).toBe(true);
    expect(s.others).toBe(true);
    expect(s.isAll()).toBe(false);
    expect(shown(s)).toEqual(['tcp/0-21', 'tcp/23-65535', 'udp', 'icmp', 'others']);
    expect(PortSet.fromSpecs(s.toSpecs()).equals(s)).toBe(true);
  });

  it('tcp and tcp/1-65535 differ by port 0 and are never conflated', () => {
    const all = ports('tcp');
    const named = ports('tcp/1-65535');
    expect(all.equals(named)).toBe(false);
    expect(all.key()).not.toBe(named.key());
    expect(all.subtract(named).tcp).toEqual([[0, 0]]);
    expect(all.has('tcp')).toBe(true);
    expect(named.has('tcp')).toBe(false);
    expect(named.has('tcp', 1)).toBe(true);
  });

  it('answers membership', () => {
    const s = ports('tcp/80-90', 'udp/53', 'icmp');
    expect(s.has('tcp', 80)).toBe(true);
    expect(s.has('tcp', 90)).toBe(true);
    expect(s.has('tcp', 91)).toBe(false);
    expect(s.has('udp', 80)).toBe(false);
    expect(s.has('udp', 53)).toBe(true);
    expect(s.has('icmp')).toBe(true);
    expect(s.has('icmp', 8)).toBe(true); // icmp ignores the port
    expect(s.has('tcp', 80.5)).toBe(false);
    expect(s.has('tcp', -1)).toBe(false);
    expect(ports('udp/53').has('icmp')).toBe(false);
  });

  it('intersects and subtracts exactly', () => {
    const a = ports('tcp/1-1000', 'udp', 'icmp');
    const b = ports('tcp/500-2000', 'udp/53');
    expect(shown(a.intersect(b))).toEqual(['tcp/500-1000', 'udp/53']);
    expect(shown(a.subtract(b))).toEqual(['tcp/1-499', 'udp/0-52', 'udp/54-65535', 'icmp']);
    expect(a.subtract(a).isEmpty()).toBe(true);
    expect(PortSet.all().subtract(PortSet.all()).isEmpty()).toBe(true);
  });

  it('empty set', () => {
    expect(PortSet.empty().isEmpty()).toBe(true);
    expect(PortSet.empty().toSpecs()).toEqual([]);
    expect(PortSet.empty().key()).toBe('none');
    expect(PortSet.empty().toString()).toBe('none');
    expect(PortSet.fromSpecs([]).equals(PortSet.empty())).toBe(true);
  });

  it('keys are canonical', () => {
    expect(ports('udp/53', 'tcp/443', 'tcp/80').key()).toBe('tcp:80,443;udp:53');
    expect(ports('tcp/80', 'tcp/443', 'udp/53').key()).toBe(ports('udp/53', 'tcp/443', 'tcp/80').key());
    expect(ports('icmp').key()).toBe('icmp');
    expect(PortSet.fromSpecs([{ protocol: 'others' }]).key()).toBe('others');
    expect(ports('tcp/80-81').key()).not.toBe(ports('tcp/80', 'tcp/82').key());
  });

  it('rejects malformed internal ranges (a caller bug)', () => {
    expect(() => PortSet.fromSpecs([{ protocol: 'tcp', from: 10, to: 5 }])).toThrow(RangeError);
    expect(() => PortSet.fromSpecs([{ protocol: 'udp', from: -1, to: 5 }])).toThrow(RangeError);
    expect(() => PortSet.fromSpecs([{ protocol: 'udp', from: 1, to: 65536 }])).toThrow(RangeError);
    expect(() => PortSet.fromSpecs([{ protocol: 'tcp', from: 1.5, to: 2 }])).toThrow(RangeError);
  });

  it('is immutable', () => {
    const s = ports('tcp/80');
    expect(Object.isFrozen(s.tcp)).toBe(true);
    s.union(ports('tcp/81'));
    expect(s.tcp).toEqual([[80, 80]]);
  });

  it('prints readably', () => {
    expect(ports('tcp/443', 'icmp').toString()).toBe('tcp/443, icmp');
  });
});
