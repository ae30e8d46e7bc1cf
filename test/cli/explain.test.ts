import { describe, expect, it } from 'vitest';
import { describeUserMistakes, ESTATE, runCli, STACK_FRAME, THREE_TIER } from '../helpers/cli.ts';

const explain = (...args: string[]) => runCli('explain', '--sandbox', ESTATE, '--policy', THREE_TIER, ...args);

describe('segsync explain: exit 0 with the deciding policy rule and native rules', () => {
  it('GIVEN an allowed flow WHEN explained THEN exit 0, the policy rule, and the rule in each enforcing cloud', async () => {
    const r = await explain('--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'tcp/8080');
    expect(r.code).toBe(0);
    expect(r.out).toContain('i-prod-web1 → i-prod-app1 tcp/8080: ALLOWED by the policy');
    expect(r.out).toContain('allow rules matching: prod-web-to-app');
    expect(r.out).toMatch(/egress {2}at aws eni-\S+: allowed by sg-/);
    expect(r.out).toMatch(/ingress at aws eni-\S+: allowed by sg-/);
  });

  it('GIVEN a flow the policy denies WHEN explained THEN still exit 0 (explain reports, it does not judge)', async () => {
    const r = await explain('--from', 'i-prod-app1', '--to', 'i-prod-web1', '--port', 'tcp/22');
    expect(r.code).toBe(0);
    expect(r.out).toContain('DENIED by the policy');
  });

  it.each([
    [
      'an unknown workload',
      ['--from', 'nope', '--to', 'i-prod-app1', '--port', 'tcp/8080'],
      'error: --from "nope" is not an instance, segment, external, IP address or CIDR (segments: prod-web,',
    ],
    [
      'a port range',
      ['--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'tcp/80-90'],
      'error: --port tcp/80-90: give one port, e.g. tcp/80',
    ],
    [
      'a port out of range',
      ['--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'tcp/99999'],
      'error: --port tcp/99999: port out of range',
    ],
    ['no port', ['--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'tcp'], 'error: --port tcp: give one port'],
    ['any', ['--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'any'], 'give one protocol and port'],
    [
      'a bad CIDR',
      ['--from', 'i-prod-web1', '--to', '10.0.0.0/33', '--port', 'tcp/80'],
      'error: --to "10.0.0.0/33": prefix /33 is out of range',
    ],
    [
      'no --port',
      ['--from', 'i-prod-web1', '--to', 'i-prod-app1'],
      "error: required option '--port <spec>' not specified",
    ],
  ])('GIVEN %s WHEN explained THEN exit 1 with a plain message', async (_, args, message) => {
    const r = await explain(...args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(STACK_FRAME);
  });
});

describe('segsync explain: what people ask', () => {
  it('GIVEN two segments WHEN explained THEN the policy over every workload pair, and one representative pair per the clouds', async () => {
    const r = await explain('--from', 'dev-app', '--to', 'prod-db', '--port', 'tcp/5432');
    expect(r.code).toBe(0);
    expect(r.out).toContain('from segment dev-app (1 workload; represented by i-dev-app1, 10.11.2.10)');
    expect(r.out).toContain('to segment prod-db (2 workloads; represented by ');
    expect(r.out).toContain('dev-app → prod-db tcp/5432: DENIED for all 2 workload pairs by the policy');
    expect(r.out).toMatch(/i-dev-app1 → \S+ tcp\/5432: DENIED by the policy \(no-allow-rule\)/);
    expect(r.out).toMatch(/egress {2}at aws eni-\S+: denied by/);
  });

  it('GIVEN one segment on both ends WHEN explained THEN the representative pair is two different workloads', async () => {
    const r = await explain('--from', 'prod-web', '--to', 'prod-web', '--port', 'tcp/443');
    expect(r.out).toContain('ALLOWED for all 6 workload pairs');
    expect(r.out).toContain('i-prod-web1 → i-prod-web2 tcp/443');
  });

  it.each([
    ['an external', 'internet', 'from external internet (as 203.0.113.10, inside 0.0.0.0/0)'],
    ['a CIDR', '192.168.10.0/24', 'from CIDR 192.168.10.0/24 (as 192.168.10.10)'],
    ['a Name tag', 'prod-web-1', 'from instance i-prod-web1 (Name tag prod-web-1; aws, 10.10.1.10)'],
    ['an instance address', '10.10.1.10', 'from address 10.10.1.10 (instance i-prod-web1, aws)'],
  ])('GIVEN %s as --from WHEN explained THEN it says how it was read', async (_, from, meaning) => {
    const r = await explain('--from', from, '--to', 'prod-web', '--port', 'tcp/443');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(meaning);
  });

  it('GIVEN --json WHEN explained THEN both ends, the policy decision, the pairs and the native verdicts are data', async () => {
    const r = await explain('--from', 'mainframe', '--to', 'prod-app', '--port', 'tcp/5432', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      from: { kind: string; address: string };
      to: { kind: string; members: string[] };
      policy: { allowed: boolean };
      pairs: { total: number };
      native: Array<{ side: string; cloud: string }>;
    };
    expect(j.from).toMatchObject({ kind: 'external', address: '10.50.0.10' });
    expect(j.to.kind).toBe('segment');
    expect(j.pairs.total).toBe(j.to.members.length);
    expect(j.native.map((n) => n.side)).toEqual(['ingress']);
  });
});

describeUserMistakes('explain', ['--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'tcp/8080']);
