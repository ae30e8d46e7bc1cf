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
      '"nope" is neither a known instance',
    ],
    ['a port range', ['--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'tcp/1-9'], 'error:'],
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

describeUserMistakes('explain', ['--from', 'i-prod-web1', '--to', 'i-prod-app1', '--port', 'tcp/8080']);
