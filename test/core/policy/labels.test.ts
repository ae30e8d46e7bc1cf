import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LABEL_KEY_MAX_LENGTH,
  LABEL_KEY_PATTERN,
  normalizeLabels,
  restrictLabels,
} from '../../../core/policy/labels.ts';

const plain = (o: object): Record<string, string> => ({ ...o }) as Record<string, string>;

describe('normalizeLabels', () => {
  it('trims and lowercases keys and values', () => {
    const r = normalizeLabels('aws', [
      { Key: ' Tier ', Value: ' Web ' },
      { Key: 'App', Value: 'SHOP' },
    ]);
    expect(plain(r.labels)).toEqual({ app: 'shop', tier: 'web' });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('accepts AWS tag arrays and records alike', () => {
    const fromArray = normalizeLabels('aws', [{ Key: 'tier', Value: 'web' }]);
    const fromRecord = normalizeLabels('aws', { tier: 'web' });
    expect(plain(fromArray.labels)).toEqual(plain(fromRecord.labels));
  });

  it('reports a collision with every original key and value, drops the key, and fails', () => {
    const r = normalizeLabels('aws', [
      { Key: 'Tier', Value: 'web' },
      { Key: 'tier', Value: 'db' },
      { Key: 'app', Value: 'shop' },
    ]);
    expect(plain(r.labels)).toEqual({ app: 'shop' });
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    const [p] = r.problems;
    expect(p).toMatchObject({ code: 'label-collision', key: 'tier' });
    expect(p?.message).toContain('"Tier"="web"');
    expect(p?.message).toContain('"tier"="db"');
    expect(p?.hint).toMatch(/will not guess/);
  });

  it('treats whitespace-only differences in keys as the same key', () => {
    const r = normalizeLabels('aws', { ' tier': 'web', tier: 'db' });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ code: 'label-collision', key: 'tier' });
    expect(r.problems[0]?.message).toContain('" tier"="web"');
  });

  it('keeps duplicates that agree after normalisation, without a problem', () => {
    const r = normalizeLabels('aws', [
      { Key: 'Tier', Value: 'Web' },
      { Key: 'tier', Value: 'web ' },
      { Key: 'TIER', Value: ' WEB' },
    ]);
    expect(plain(r.labels)).toEqual({ tier: 'web' });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('names all three tags in a three-way collision', () => {
    const r = normalizeLabels('azure', { Env: 'prod', env: 'dev', ENV: 'prod' });
    expect(r.ok).toBe(false);
    expect(r.problems[0]?.message).toMatch(/"Env"="prod", "env"="dev" and "ENV"="prod"/);
  });

  it('ignores and reports invalid keys, never renaming them', () => {
    const r = normalizeLabels('azure', { 'cost center': '42', 'env:prod': 'x', Tier: 'web', '': 'empty', ü: '1' });
    expect(plain(r.labels)).toEqual({ tier: 'web' });
    expect(r.ok).toBe(true); // invalid keys are warnings, not workload errors
    expect(r.problems.map((p) => [p.code, p.key])).toEqual([
      ['label-key-invalid', ''],
      ['label-key-invalid', 'cost center'],
      ['label-key-invalid', 'env:prod'],
      ['label-key-invalid', 'ü'],
    ]);
    expect(r.problems[0]?.message).toMatch(/an empty key/);
    expect(r.problems[1]?.hint).toMatch(/letters, digits and _ \. \/ -/);
  });

  it('accepts the selector language characters, including prefixed keys', () => {
    const r = normalizeLabels('aws', {
      'kubernetes.io/role': 'Node',
      'team/owner': 'Net-Ops',
      'a_b-c.d': '1',
      '0': 'zero',
    });
    expect(plain(r.labels)).toEqual({
      '0': 'zero',
      'a_b-c.d': '1',
      'kubernetes.io/role': 'node',
      'team/owner': 'net-ops',
    });
    expect(r.problems).toEqual([]);
  });

  it('enforces the key length limit', () => {
    const ok = 'k'.repeat(LABEL_KEY_MAX_LENGTH);
    const long = 'k'.repeat(LABEL_KEY_MAX_LENGTH + 1);
    const r = normalizeLabels('azure', { [ok]: 'a', [long]: 'b' });
    expect(Object.keys(r.labels)).toEqual([ok]);
    expect(r.problems[0]).toMatchObject({
      code: 'label-key-invalid',
      key: long,
      message: expect.stringMatching(/longer than 512/),
    });
  });

  it('skips AWS reserved aws: tags silently, in any case', () => {
    const r = normalizeLabels('aws', [
      { Key: 'aws:cloudformation:stack-name', Value: 'x' },
      { Key: 'AWS:autoscaling:groupName', Value: 'y' },
      { Key: ' aws:foo', Value: 'z' },
      { Key: 'Name', Value: 'web-1' },
    ]);
    expect(plain(r.labels)).toEqual({ name: 'web-1' });
    expect(r.problems).toEqual([]);
  });

  it('reports aws:-looking keys on other clouds as invalid keys (":" is not a label character)', () => {
    const r = normalizeLabels('gcp', { 'aws:foo': 'x' });
    expect(r.problems[0]).toMatchObject({ code: 'label-key-invalid', key: 'aws:foo' });
  });

  it('handles Azure records (case-insensitive names in the cloud, handled anyway)', () => {
    const r = normalizeLabels('azure', { Environment: 'Production', CostCenter: '1234' });
    expect(plain(r.labels)).toEqual({ costcenter: '1234', environment: 'production' });
    expect(r.ok).toBe(true);
  });

  it('handles GCP labels (already lowercase; empty values allowed)', () => {
    const r = normalizeLabels('gcp', { tier: 'web', 'goog-ops-agent': '', env: 'prod' });
    expect(plain(r.labels)).toEqual({ env: 'prod', 'goog-ops-agent': '', tier: 'web' });
    expect(r.ok).toBe(true);
  });

  it('treats a missing or null value as empty and a missing key as invalid', () => {
    const r = normalizeLabels('aws', [
      { Key: 'a' },
      { Key: 'b', Value: null as unknown as string },
      { Value: 'orphan' },
    ]);
    expect(plain(r.labels)).toEqual({ a: '', b: '' });
    expect(r.problems).toMatchObject([{ code: 'label-key-invalid', key: '' }]);
  });

  it('keeps values with both quote kinds but warns that selectors cannot spell them', () => {
    const r = normalizeLabels('aws', { note: `it's "x"`, other: `it's` });
    expect(plain(r.labels)).toEqual({ note: `it's "x"`, other: `it's` });
    expect(r.ok).toBe(true);
    expect(r.problems).toMatchObject([{ code: 'label-value-invalid', key: 'note' }]);
  });

  it('returns frozen, prototype-free labels so keys like constructor or __proto__ are ordinary', () => {
    // Built the way a JSON parser builds cloud responses: "__proto__" is an own key there.
    const tags = JSON.parse('{"__proto__": "x", "Constructor": "y"}') as Record<string, string>;
    const r = normalizeLabels('aws', tags);
    expect(Object.isFrozen(r.labels)).toBe(true);
    expect(Object.getPrototypeOf(r.labels)).toBe(null);
    expect(Object.keys(r.labels)).toEqual(['__proto__', 'constructor']);
    expect(r.labels['__proto__']).toBe('x');
    expect(r.labels['toString']).toBeUndefined();
  });

  it('is independent of input order', () => {
    const tags = [
      { Key: 'b', Value: '1' },
      { Key: 'A', Value: '2' },
      { Key: 'bad key', Value: '3' },
      { Key: 'a', Value: '3' },
    ];
    const one = normalizeLabels('aws', tags);
    const two = normalizeLabels('aws', [...tags].reverse());
    expect(Object.keys(one.labels)).toEqual(['b']);
    expect(Object.keys(two.labels)).toEqual(Object.keys(one.labels));
    expect(two.problems.map((p) => [p.code, p.key])).toEqual(one.problems.map((p) => [p.code, p.key]));
  });

  it('property: labels are canonical, collisions exactly when normalised values disagree', () => {
    const key = fc.oneof(
      fc.constantFrom('Tier', 'tier', ' tier', 'TIER ', 'app', 'App', 'bad key', 'aws:x', 'k/v.1_-'),
      fc.string({ maxLength: 4 }),
    );
    const value = fc.oneof(fc.constantFrom('web', 'Web', ' web', 'db', ''), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(
        fc.constantFrom('aws' as const, 'azure' as const, 'gcp' as const),
        fc.array(fc.tuple(key, value), { maxLength: 8 }),
        (cloud, pairs) => {
          const r = normalizeLabels(
            cloud,
            pairs.map(([Key, Value]) => ({ Key, Value })),
          );
          const groups = new Map<string, Set<string>>();
          for (const [k, v] of pairs) {
            const t = k.trim();
            if ((cloud === 'aws' && t.toLowerCase().startsWith('aws:')) || !LABEL_KEY_PATTERN.test(t)) continue;
            const set = groups.get(t.toLowerCase()) ?? new Set<string>();
            set.add(v.trim().toLowerCase());
            groups.set(t.toLowerCase(), set);
          }
          const collided = [...groups]
            .filter(([, vs]) => vs.size > 1)
            .map(([k]) => k)
            .sort();
          expect(r.problems.filter((p) => p.code === 'label-collision').map((p) => p.key)).toEqual(collided);
          expect(r.ok).toBe(collided.length === 0);
          for (const [k, v] of Object.entries(r.labels)) {
            expect(k).toBe(k.trim().toLowerCase());
            expect(v).toBe(v.trim().toLowerCase());
            expect([...(groups.get(k) ?? [])]).toEqual([v]);
          }
          expect(Object.keys(r.labels).length + collided.length).toBe(groups.size);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('restrictLabels', () => {
  const labels = normalizeLabels('aws', { tier: 'web', app: 'shop', owner: 'bob' }).labels;

  it('keeps only the listed keys', () => {
    expect(plain(restrictLabels(labels, ['tier', 'app']))).toEqual({ app: 'shop', tier: 'web' });
    expect(plain(restrictLabels(labels, ['missing']))).toEqual({});
    expect(plain(restrictLabels(labels, []))).toEqual({});
  });

  it('keeps everything when no keys are configured', () => {
    expect(restrictLabels(labels, undefined)).toBe(labels);
  });

  it('only sees own keys, even on plain objects', () => {
    const r = restrictLabels({ tier: 'web' }, ['tier', 'constructor', 'toString']);
    expect(plain(r)).toEqual({ tier: 'web' });
    expect(r['constructor']).toBeUndefined();
    expect(Object.isFrozen(r)).toBe(true);
  });
});

describe('LABEL_KEY_PATTERN', () => {
  it('matches the Calico selector label characters', () => {
    for (const k of ['a', 'A', '0', 'kubernetes.io/role', 'team/owner', 'a_b', 'a-b', 'a.b'])
      expect(LABEL_KEY_PATTERN.test(k)).toBe(true);
    for (const k of ['', 'a b', 'a:b', 'a=b', 'a"b', 'é', 'a,b', '(a)']) expect(LABEL_KEY_PATTERN.test(k)).toBe(false);
  });
});
