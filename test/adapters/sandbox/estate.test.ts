import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EstateError, loadEstate, parseEstate } from '../../../adapters/sandbox/estate.ts';
import { cidrContains, parseAddress, parseCidr } from '../../../core/model/address.ts';

const BRIEF_EXAMPLE = `aws:
  - { id: i-web1, account: "111111111111", region: eu-west-1, vpc: vpc-a, ip: 10.0.1.10, tags: { App: shop, Tier: web, Env: prod } }
azure:
  - { id: vm-app1, subscription: sub-1, region: westeurope, vnet: vnet-a, ip: 10.1.1.10, tags: { app: shop, tier: app, env: prod } }
gcp:
  - { id: vm-db1, project: proj-1, zone: europe-west1-b, network: net-a, ip: 10.2.1.10, labels: { app: shop, tier: db, env: prod } }
`;

/** The diagnostics of a document as `code@line:col`, for compact assertions. */
function found(text: string): string[] {
  return parseEstate(text, 'e.yaml').diagnostics.map((d) => `${d.code}@${d.source?.line}:${d.source?.column}`);
}
const one = (text: string) => {
  const { estate, diagnostics } = parseEstate(text, 'e.yaml');
  expect(estate).toBeUndefined();
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0]!;
};

describe('parseEstate: valid estates', () => {
  it('GIVEN the documented example THEN it parses, with defaults for the optional lists', () => {
    const { estate, diagnostics } = parseEstate(BRIEF_EXAMPLE, 'e.yaml');
    expect(diagnostics).toEqual([]);
    expect(estate).toEqual({
      aws: [
        {
          id: 'i-web1',
          account: '111111111111',
          region: 'eu-west-1',
          vpc: 'vpc-a',
          ip: '10.0.1.10',
          tags: { App: 'shop', Tier: 'web', Env: 'prod' },
        },
      ],
      azure: [
        {
          id: 'vm-app1',
          subscription: 'sub-1',
          region: 'westeurope',
          vnet: 'vnet-a',
          ip: '10.1.1.10',
          tags: { app: 'shop', tier: 'app', env: 'prod' },
        },
      ],
      gcp: [
        {
          id: 'vm-db1',
          project: 'proj-1',
          zone: 'europe-west1-b',
          network: 'net-a',
          ip: '10.2.1.10',
          labels: { app: 'shop', tier: 'db', env: 'prod' },
        },
      ],
      awsSecurityGroups: [],
      gcpFirewalls: [],
    });
  });

  it('GIVEN an empty file THEN the estate is empty, with a warning that there is nothing to segment', () => {
    expect(parseEstate('', 'e.yaml')).toEqual({
      estate: { aws: [], azure: [], gcp: [], awsSecurityGroups: [], gcpFirewalls: [] },
      diagnostics: [expect.objectContaining({ code: 'estate-empty', severity: 'warning' })],
    });
  });

  it('GIVEN a policy handed over as the estate THEN one error says the files are swapped', () => {
    const { estate, diagnostics } = parseEstate('apiVersion: segsync/v1\nkind: SegmentationPolicy\n', 'p.yaml');
    expect(estate).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['estate-is-policy']);
    expect(diagnostics[0]!.hint).toContain('did you swap the files?');
  });

  it('GIVEN the same IP in two different networks THEN that is fine', () => {
    const text = `aws:
  - { id: i-1, account: "111111111111", region: eu-west-1, vpc: vpc-a, ip: 10.0.0.1 }
  - { id: i-2, account: "111111111111", region: eu-west-1, vpc: vpc-b, ip: 10.0.0.1 }
`;
    expect(found(text)).toEqual([]);
  });
});

describe('examples/hybrid-estate.yaml', () => {
  const estate = loadEstate('examples/hybrid-estate.yaml');
  const all = [
    ...estate.aws.map((i) => ({ net: `aws:${i.vpc}`, ip: i.ip, labels: i.tags })),
    ...estate.azure.map((i) => ({ net: `azure:${i.vnet}`, ip: i.ip, labels: i.tags })),
    ...estate.gcp.map((i) => ({ net: `gcp:${i.network}`, ip: i.ip, labels: i.labels })),
  ];

  it('GIVEN the demo estate THEN it has 12-16 instances over 2 AWS VPCs/accounts, 1 subscription and 1 project', () => {
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(all.length).toBeLessThanOrEqual(16);
    expect(new Set(estate.aws.map((i) => i.account)).size).toBe(2);
    expect(new Set(estate.azure.map((i) => i.subscription)).size).toBe(1);
    expect(new Set(estate.gcp.map((i) => i.project)).size).toBe(1);
  });

  it('GIVEN the policy externals THEN no workload address is inside the mainframe or the office', () => {
    const outside = ['10.50.0.0/16', '192.168.10.0/24'].map((c) => {
      const r = parseCidr(c);
      if (!r.ok) throw new Error(c);
      return r.value;
    });
    for (const { ip } of all) {
      const a = parseAddress(ip);
      if (!a.ok) throw new Error(ip);
      for (const c of outside) expect(cidrContains(c, a.value.family, a.value.value), ip).toBe(false);
    }
  });

  it('GIVEN the networks THEN each uses its own 10.x.0.0/16', () => {
    const prefixOf = new Map<string, Set<string>>();
    for (const { net, ip } of all)
      prefixOf.set(net, (prefixOf.get(net) ?? new Set()).add(ip.split('.').slice(0, 2).join('.')));
    const prefixes = [...prefixOf.values()].map((s) => [...s]);
    expect(prefixes.every((p) => p.length === 1 && p[0]!.startsWith('10.'))).toBe(true);
    expect(new Set(prefixes.flat()).size).toBe(prefixOf.size);
  });

  it('GIVEN the shop THEN prod and dev web/app/db exist, some with mixed-case AWS tag keys, plus unlabelled instances', () => {
    const lower = all.map((w) =>
      Object.fromEntries(Object.entries(w.labels).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()])),
    );
    for (const env of ['prod', 'dev']) {
      for (const tier of ['web', 'app', 'db'])
        expect(
          lower.some((l) => l.app === 'shop' && l.env === env && l.tier === tier),
          `${env}-${tier}`,
        ).toBe(true);
    }
    expect(estate.aws.some((i) => 'App' in i.tags && 'Tier' in i.tags)).toBe(true);
    expect(lower.filter((l) => l.app !== 'shop').length).toBeGreaterThanOrEqual(2);
  });
});

describe('parseEstate: mistakes, each with its position', () => {
  it('GIVEN many different mistakes in one file THEN every one is reported at once, in file order', () => {
    const text = `aws:
  - { id: i-1, account: 11111, region: eu-west-1, vpc: vpc-a, ip: 10.0.0.300, tags: { Env: 1 } }
  - { id: i-1, account: "111111111111", region: eu-west-2, vpc: vpc-a, ip: 10.0.0.1, tagz: {} }
  - { id: i-3, account: "111111111111", region: eu-west-1, vpc: vpc-a, ip: 10.0.0.1, securityGroups: [sg-nope] }
azure:
  - { id: vm-1, subscription: s, region: w, vnet: v, ip: 10.1.0.1, tags: { app: true } }
gcp:
  - { id: g, project: p, zone: z, network: n, ip: "10.2.0.1/24", labels: {} }
bogus: 1
`;
    expect(found(text)).toEqual([
      'wrong-type@2:25', // account is an unquoted number
      'invalid-address@2:67', // 10.0.0.300
      'wrong-type@2:92', // Env: 1
      'duplicate-id@3:11', // i-1 again
      'unknown-key@3:86', // tagz
      'vpc-scope-conflict@4:65', // vpc-a in eu-west-2 and eu-west-1
      'duplicate-ip@4:76', // 10.0.0.1 twice in vpc-a
      'unknown-security-group@4:103', // sg-nope
      'wrong-type@6:81', // app: true
      'invalid-address@8:51', // a CIDR where an address belongs
      'unknown-key@9:1', // bogus
    ]);
  });

  it('GIVEN a number as a tag value THEN the hint says to quote it', () => {
    const d = one(
      'aws:\n  - { id: i-1, account: "111111111111", region: r, vpc: v, ip: 10.0.0.1, tags: { Env: 1 } }\n',
    );
    expect(d).toMatchObject({
      code: 'wrong-type',
      path: ['aws', 0, 'tags', 'Env'],
      hint: expect.stringContaining('quote it: "1"'),
    });
  });

  it('GIVEN a typo in a key THEN "did you mean" names the right key', () => {
    expect(one('gcp:\n  - { id: g, project: p, zone: z, network: n, ip: 10.0.0.1, lables: {} }\n')).toMatchObject({
      code: 'unknown-key',
      hint: 'did you mean "labels"?',
    });
  });

  it('GIVEN an account that is not 12 digits THEN invalid-account', () => {
    expect(one('aws:\n  - { id: i-1, account: "1234", region: r, vpc: v, ip: 10.0.0.1 }\n')).toMatchObject({
      code: 'invalid-account',
      source: { line: 2, column: 25 },
    });
  });

  it('GIVEN a missing required field THEN missing-field at its mapping', () => {
    expect(one('azure:\n  - { id: vm, subscription: s, region: r, ip: 10.0.0.1 }\n')).toMatchObject({
      code: 'missing-field',
      message: 'missing required field "vnet"',
      source: { line: 2, column: 5 },
    });
  });

  it('GIVEN a bad enum THEN invalid-value with a suggestion', () => {
    expect(
      one('aws:\n  - { id: i, account: "111111111111", region: r, vpc: v, ip: 10.0.0.1, state: runing }\n'),
    ).toMatchObject({ code: 'invalid-value', hint: 'did you mean "running"?' });
  });

  it('GIVEN a foreign group in another VPC THEN security-group-vpc-mismatch', () => {
    const text = `aws:
  - { id: i, account: "111111111111", region: r, vpc: vpc-a, ip: 10.0.0.1, securityGroups: [sg-b] }
awsSecurityGroups:
  - { id: sg-b, account: "111111111111", region: r, vpc: vpc-b }
`;
    expect(found(text)).toEqual(['security-group-vpc-mismatch@2:93']);
  });

  it('GIVEN bad group rules THEN each bad value is reported', () => {
    const text = `awsSecurityGroups:
  - id: sg-x
    account: "111111111111"
    region: r
    vpc: v
    ingress:
      - { protocol: tcpp, ports: "22", cidr: 10.0.0.0/8 }
      - { protocol: tcp, ports: "90-80", cidr: 10.0.0.1/8 }
`;
    expect(found(text)).toEqual(['invalid-value@7:21', 'invalid-port@8:33', 'invalid-cidr@8:48']);
  });

  it('GIVEN duplicate IPv6 addresses on nics in one VNet THEN duplicate-ip points at the nic', () => {
    const text = `azure:
  - { id: a, subscription: s, region: r, vnet: v, ip: 10.0.0.1, ipv6: "2001:db8::1" }
  - { id: b, subscription: s, region: r, vnet: v, ip: 10.0.0.2, nics: [{ ip: 10.0.0.3, ipv6: "2001:DB8:0::1" }] }
`;
    expect(parseEstate(text, 'e.yaml').diagnostics).toMatchObject([
      { code: 'duplicate-ip', path: ['azure', 1, 'nics', 0, 'ipv6'] },
    ]);
  });

  it('GIVEN YAML syntax errors or duplicate keys THEN they are reported with positions', () => {
    expect(found('aws: [\n')[0]).toMatch(/^yaml-syntax@/);
    expect(found('aws: []\naws: []\n')).toEqual(['duplicate-key@2:1']);
    expect(found('- just\n- a list\n')).toEqual(['wrong-type@1:1']);
  });
});

describe('loadEstate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estate-'));

  it('GIVEN a file with errors THEN EstateError lists every error as file:line:col, without a stack to show', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'aws:\n  - { id: i-1, account: "1", region: r, vpc: v, ip: 10.0.0.256 }\n');
    let error: unknown;
    try {
      loadEstate(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EstateError);
    const e = error as EstateError;
    expect(e.retryable).toBe(false);
    expect(e.diagnostics).toHaveLength(2);
    expect(e.message).toContain('estate has 2 errors');
    expect(e.message).toContain(`${file}:2:25`);
    expect(e.message).toContain(`${file}:2:53`);
  });

  it('GIVEN a missing file THEN EstateError says so', () => {
    const file = join(dir, 'nope.yaml');
    expect(() => loadEstate(file)).toThrow(
      expect.objectContaining({
        name: 'EstateError',
        message: `estate has 1 error:\n${file}:1:1  error  (document)  cannot read estate file ${file}: no such file [estate-unreadable]\n    hint: pass the path of an estate YAML file, e.g. examples/hybrid-estate.yaml`,
        diagnostics: [expect.objectContaining({ code: 'estate-unreadable' })],
      }),
    );
  });
});
