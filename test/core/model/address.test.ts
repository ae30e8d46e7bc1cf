import { describe, expect, it } from 'vitest';
import {
  AddressSet,
  cidrContains,
  cidrRange,
  familyBits,
  formatAddress,
  formatCidr,
  parseAddress,
  parseCidr,
  splitByFamily,
  type Cidr,
  type Family,
} from '../../../core/model/address.ts';

function net(text: string): Cidr {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.value;
}
const v4 = (text: string): bigint => net(text).base;
const set = (family: Family, ...cidrs: string[]): AddressSet => AddressSet.fromCidrs(family, cidrs.map(net));
const texts = (s: AddressSet): string[] => s.toCidrs().map(formatCidr);

describe('parseAddress', () => {
  it.each([
    ['10.0.0.1', 'ipv4', 0x0a000001n],
    ['0.0.0.0', 'ipv4', 0n],
    ['255.255.255.255', 'ipv4', 0xffffffffn],
    ['2001:db8::1', 'ipv6', 0x20010db8000000000000000000000001n],
    ['2001:DB8::1', 'ipv6', 0x20010db8000000000000000000000001n],
    ['::', 'ipv6', 0n],
    ['::1', 'ipv6', 1n],
    ['1::', 'ipv6', 1n << 112n],
    ['::ffff:1.2.3.4', 'ipv6', 0xffff01020304n],
    ['::FFFF:10.0.0.1', 'ipv6', 0xffff0a000001n],
    ['64:ff9b::192.0.2.33', 'ipv6', (0x64ff9bn << 96n) | 0xc0000221n],
    ['1:2:3:4:5:6:7:8', 'ipv6', 0x00010002000300040005000600070008n],
    ['0001:0002:0003:0004:0005:0006:0007:0008', 'ipv6', 0x00010002000300040005000600070008n],
    ['1:2:3:4:5:6:7::', 'ipv6', 0x00010002000300040005000600070000n],
    ['::2:3:4:5:6:7:8', 'ipv6', 0x00000002000300040005000600070008n],
  ] as const)('parses %s', (text, family, value) => {
    expect(parseAddress(text)).toEqual({ ok: true, value: { family, value } });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['hello', /not an IP address/],
    ['1.2.3', /four decimal octets/],
    ['1.2.3.4.5', /four decimal octets/],
    ['1.2.3.', /not a decimal number/],
    ['256.1.1.1', /greater than 255/],
    ['1.2.3.x', /not a decimal number/],
    ['1.2.3.+4', /not a decimal number/],
    ['1::2::3', /only once/],
    ['1:2:3:4:5:6:7:8:9', /9 groups/],
    ['1:2:3:4:5:6:7', /7 groups/],
    ['1:2:3:4:5:6:7:8::', /8 groups/],
    ['12345::', /group "12345"/],
    ['g::1', /group "g"/],
    [':1::', /empty group/],
    ['1::2:', /empty group/],
    [':::', /empty group/],
    ['1.2.3.4::', /group "1.2.3.4"/],
    ['::1.2.3.4:5', /group "1.2.3.4"/],
    ['::ffff:1.2.3.256', /embedded IPv4/],
  ])('rejects %j', (text, message) => {
    const r = parseAddress(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('rejects leading zeros in IPv4 octets and shows both readings when they differ', () => {
    expect(parseAddress('010.0.0.1')).toEqual({
      ok: false,
      message: expect.stringMatching(/leading zero/),
      hint: 'write "10.0.0.1" (decimal) or "8.0.0.1" (octal) without leading zeros',
    });
    expect(parseAddress('09.1.1.1')).toMatchObject({ ok: false, hint: 'did you mean "9.1.1.1"?' });
    expect(parseAddress('1.2.3.00')).toMatchObject({ ok: false, hint: 'did you mean "1.2.3.0"?' });
    expect(parseAddress('::ffff:1.02.3.4')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/leading zero/),
    });
  });

  it('rejects zone ids, brackets, address:port and whitespace with hints', () => {
    expect(parseAddress('fe80::1%eth0')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/zone id/),
      hint: 'did you mean "fe80::1"?',
    });
    expect(parseAddress('[2001:db8::1]')).toMatchObject({ ok: false, hint: 'did you mean "2001:db8::1"?' });
    expect(parseAddress('10.0.0.1:443')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/address:port/),
      hint: 'did you mean "10.0.0.1"?',
    });
    expect(parseAddress(' 10.0.0.1')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/whitespace/),
      hint: 'did you mean "10.0.0.1"?',
    });
  });
});

describe('parseCidr', () => {
  it('parses networks and bare addresses', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ ok: true, value: { family: 'ipv4', base: 0x0a000000n, prefix: 8 } });
    expect(parseCidr('10.1.2.3')).toEqual({ ok: true, value: { family: 'ipv4', base: 0x0a010203n, prefix: 32 } });
    expect(parseCidr('2001:db8::1')).toEqual({
      ok: true,
      value: { family: 'ipv6', base: 0x20010db8000000000000000000000001n, prefix: 128 },
    });
    expect(parseCidr('0.0.0.0/0')).toEqual({ ok: true, value: { family: 'ipv4', base: 0n, prefix: 0 } });
    expect(parseCidr('::/0')).toEqual({ ok: true, value: { family: 'ipv6', base: 0n, prefix: 0 } });
    expect(parseCidr('10.0.0.1/32')).toMatchObject({ ok: true, value: { prefix: 32 } });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ ok: true, value: { prefix: 32 } });
  });

  it('rejects host bits with the network as a hint', () => {
    expect(parseCidr('10.0.1.0/16')).toEqual({
      ok: false,
      message: expect.stringMatching(/host bits/),
      hint: 'did you mean "10.0.0.0/16"?',
    });
    expect(parseCidr('2001:db8::1/32')).toMatchObject({ ok: false, hint: 'did you mean "2001:db8::/32"?' });
    expect(parseCidr('1.2.3.4/0')).toMatchObject({ ok: false, hint: 'did you mean "0.0.0.0/0"?' });
    expect(parseCidr('10.0.0.1/31')).toMatchObject({ ok: false, hint: 'did you mean "10.0.0.0/31"?' });
  });

  it('rejects bad prefixes', () => {
    expect(parseCidr('10.0.0.0/33')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/out of range for IPv4 \(0-32\)/),
    });
    expect(parseCidr('::/129')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/out of range for IPv6 \(0-128\)/),
    });
    expect(parseCidr('10.0.0.0/')).toMatchObject({ ok: false, message: expect.stringMatching(/invalid prefix/) });
    expect(parseCidr('10.0.0.0/x')).toMatchObject({ ok: false, message: expect.stringMatching(/invalid prefix/) });
    expect(parseCidr('10.0.0.0/-1')).toMatchObject({ ok: false, message: expect.stringMatching(/invalid prefix/) });
    expect(parseCidr('10.0.0.0/8/8')).toMatchObject({ ok: false, message: expect.stringMatching(/invalid prefix/) });
    expect(parseCidr('10.0.0.0/08')).toMatchObject({ ok: false, hint: 'did you mean "10.0.0.0/8"?' });
    expect(parseCidr('10.0.0.0/ 8')).toMatchObject({ ok: false, message: expect.stringMatching(/invalid prefix/) });
    expect(parseCidr('10.0.0.0/255.0.0.0')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/invalid prefix/),
    });
  });

  it('keeps the prefix in hints about the address part', () => {
    expect(parseCidr('010.0.0.0/8')).toMatchObject({
      ok: false,
      hint: 'write "10.0.0.0/8" (decimal) or "8.0.0.0/8" (octal) without leading zeros',
    });
    expect(parseCidr('[::1]/128')).toMatchObject({ ok: false, hint: 'did you mean "::1/128"?' });
    expect(parseCidr(' 10.0.0.0/8 ')).toMatchObject({ ok: false, hint: 'did you mean "10.0.0.0/8"?' });
    expect(parseCidr('')).toMatchObject({ ok: false, message: 'empty address' });
  });
});

describe('formatting', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // longest run wins
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['FE80::ABCD', 'fe80::abcd'],
    ['::ffff:c000:0201', '::ffff:192.0.2.1'], // RFC 5952 §5: IPv4-mapped keeps the dotted tail
    ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['::fffe:1.2.3.4', '::fffe:102:304'], // not mapped: plain hex
    ['::1.2.3.4', '::102:304'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('%s -> %s', (input, expected) => {
    const r = parseAddress(input);
    expect(r.ok && formatAddress(r.value.family, r.value.value)).toBe(expected);
  });

  it('formats IPv4 and CIDRs canonically', () => {
    expect(formatAddress('ipv4', 0x0a000001n)).toBe('10.0.0.1');
    expect(formatCidr(net('10.0.0.0/8'))).toBe('10.0.0.0/8');
    expect(formatCidr(net('10.0.0.1'))).toBe('10.0.0.1/32');
    expect(formatCidr(net('2001:DB8:0::/48'))).toBe('2001:db8::/48');
    expect(formatCidr(net('::ffff:0:0/96'))).toBe('::ffff:0.0.0.0/96');
  });

  it('throws on values outside the family (a caller bug)', () => {
    expect(() => formatAddress('ipv4', 1n << 32n)).toThrow(RangeError);
    expect(() => formatAddress('ipv6', -1n)).toThrow(RangeError);
  });
});

describe('CIDR helpers', () => {
  it('computes ranges, containment and family width', () => {
    expect(cidrRange(net('10.0.0.0/8'))).toEqual([0x0a000000n, 0x0affffffn]);
    expect(cidrRange(net('::/0'))).toEqual([0n, (1n << 128n) - 1n]);
    expect(cidrContains(net('10.0.0.0/8'), 'ipv4', v4('10.255.255.255'))).toBe(true);
    expect(cidrContains(net('10.0.0.0/8'), 'ipv4', v4('11.0.0.0'))).toBe(false);
    expect(cidrContains(net('10.0.0.0/8'), 'ipv4', v4('9.255.255.255'))).toBe(false);
    expect(cidrContains(net('0.0.0.0/0'), 'ipv6', 1n)).toBe(false);
    expect(cidrContains(net('::ffff:0:0/96'), 'ipv4', v4('1.2.3.4'))).toBe(false);
    expect(familyBits('ipv4')).toBe(32);
    expect(familyBits('ipv6')).toBe(128);
  });

  it('splits by family keeping order', () => {
    const cs = ['10.0.0.0/8', '::1', '192.168.0.0/16', '2001:db8::/32'].map(net);
    expect(splitByFamily(cs)).toEqual({ ipv4: [cs[0], cs[2]], ipv6: [cs[1], cs[3]] });
  });
});

describe('AddressSet', () => {
  it('merges adjacent and overlapping CIDRs, never widening', () => {
    expect(texts(set('ipv4', '10.0.1.0/24', '10.0.0.0/24'))).toEqual(['10.0.0.0/23']);
    expect(texts(set('ipv4', '10.0.1.0/24', '10.0.2.0/24'))).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    expect(texts(set('ipv4', '10.0.0.0/8', '10.1.0.0/16'))).toEqual(['10.0.0.0/8']);
    expect(set('ipv4', '10.0.1.0/24', '10.0.2.0/24').ranges()).toEqual([[0x0a000100n, 0x0a0002ffn]]);
  });

  it('ignores other-family CIDRs', () => {
    expect(texts(set('ipv6', '10.0.0.0/8', '2001:db8::/32'))).toEqual(['2001:db8::/32']);
    expect(set('ipv4', '::/0').isEmpty()).toBe(true);
  });

  it('subtracts exactly', () => {
    const all = AddressSet.all('ipv4');
    expect(texts(all.subtract(set('ipv4', '10.0.0.0/8')))).toEqual([
      '0.0.0.0/5',
      '8.0.0.0/7',
      '11.0.0.0/8',
      '12.0.0.0/6',
      '16.0.0.0/4',
      '32.0.0.0/3',
      '64.0.0.0/2',
      '128.0.0.0/1',
    ]);
    expect(texts(set('ipv4', '10.0.0.0/24').subtract(set('ipv4', '10.0.0.128/32')))).toEqual([
      '10.0.0.0/25',
      '10.0.0.129/32',
      '10.0.0.130/31',
      '10.0.0.132/30',
      '10.0.0.136/29',
      '10.0.0.144/28',
      '10.0.0.160/27',
      '10.0.0.192/26',
    ]);
    expect(set('ipv4', '10.0.0.0/8').subtract(AddressSet.all('ipv4')).isEmpty()).toBe(true);
  });

  it('intersects, contains, sizes and compares', () => {
    const a = set('ipv4', '10.0.0.0/8', '192.168.0.0/16');
    const b = set('ipv4', '10.1.0.0/16', '172.16.0.0/12', '192.168.1.0/24');
    expect(texts(a.intersect(b))).toEqual(['10.1.0.0/16', '192.168.1.0/24']);
    expect(a.contains(v4('10.9.9.9'))).toBe(true);
    expect(a.contains(v4('11.0.0.0'))).toBe(false);
    expect(a.size()).toBe((1n << 24n) + (1n << 16n));
    expect(AddressSet.all('ipv6').size()).toBe(1n << 128n);
    expect(AddressSet.empty('ipv4').size()).toBe(0n);
    expect(a.union(b).equals(b.union(a))).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(AddressSet.empty('ipv4').equals(AddressSet.empty('ipv6'))).toBe(false);
  });

  it('covers ranges with the minimal CIDR list', () => {
    expect(texts(AddressSet.fromRanges('ipv4', [[1n, 6n]]))).toEqual([
      '0.0.0.1/32',
      '0.0.0.2/31',
      '0.0.0.4/31',
      '0.0.0.6/32',
    ]);
    expect(texts(AddressSet.all('ipv6'))).toEqual(['::/0']);
    expect(texts(AddressSet.all('ipv4'))).toEqual(['0.0.0.0/0']);
    expect(texts(AddressSet.fromRanges('ipv4', [[0n, 0xfffffffen]]))).toHaveLength(32);
    expect(texts(AddressSet.fromRanges('ipv6', [[1n, (1n << 128n) - 2n]]))).toHaveLength(2 * 127);
    expect(AddressSet.empty('ipv6').toCidrs()).toEqual([]);
  });

  it('normalises unsorted, overlapping ranges and rejects invalid ones', () => {
    expect(
      AddressSet.fromRanges('ipv4', [
        [20n, 30n],
        [0n, 5n],
        [6n, 10n],
        [25n, 40n],
      ]).ranges(),
    ).toEqual([
      [0n, 10n],
      [20n, 40n],
    ]);
    expect(() => AddressSet.fromRanges('ipv4', [[5n, 4n]])).toThrow(RangeError);
    expect(() => AddressSet.fromRanges('ipv4', [[0n, 1n << 32n]])).toThrow(RangeError);
    expect(() => AddressSet.fromRanges('ipv6', [[-1n, 1n]])).toThrow(RangeError);
  });

  it('refuses to combine families', () => {
    expect(() => AddressSet.all('ipv4').union(AddressSet.all('ipv6'))).toThrow(TypeError);
    expect(() => AddressSet.all('ipv4').subtract(AddressSet.empty('ipv6'))).toThrow(TypeError);
  });

  it('is immutable', () => {
    const s = set('ipv4', '10.0.0.0/8');
    expect(Object.isFrozen(s.ranges())).toBe(true);
    expect(Object.isFrozen(s.ranges()[0])).toBe(true);
    s.union(set('ipv4', '11.0.0.0/8'));
    expect(texts(s)).toEqual(['10.0.0.0/8']);
  });

  it('handles 100k host CIDRs quickly (sort once, linear merges)', () => {
    const hosts: Cidr[] = [];
    for (let i = 0; i < 100_000; i++)
      hosts.push({ family: 'ipv4', base: 0x0a000000n + BigInt((i * 7919) % 200_000) * 2n, prefix: 32 });
    const s = AddressSet.fromCidrs('ipv4', hosts);
    expect(s.ranges()).toHaveLength(100_000);
    const u = s.union(
      AddressSet.fromCidrs(
        'ipv4',
        hosts.map((c) => ({ ...c, base: c.base + 1n })),
      ),
    );
    expect(u.size()).toBe(200_000n);
    expect(u.subtract(s).size()).toBe(100_000n);
    expect(s.toCidrs()).toHaveLength(100_000);
  });
});
