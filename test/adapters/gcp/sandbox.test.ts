/**
 * GCP end to end on the sandbox: estate → SandboxGcp → read → computeReach → compileGcp
 * → planGcp → apply every step through the adapter → read back → verify == intent. Then a
 * re-tag, a re-plan whose size is measured, and the make-before-break upper bound after EVERY
 * single step (no flow that both the old and the new intent deny is ever allowed).
 */
import { describe, expect, it } from 'vitest';
import { CloudApiError } from '../../../adapters/errors.ts';
import { gcpAdapter } from '../../../adapters/gcp/index.ts';
import { FaultInjector } from '../../../adapters/sandbox/faults.ts';
import { SandboxGcp } from '../../../adapters/sandbox/gcp.ts';
import type { Estate, EstateGcpInstance } from '../../../adapters/sandbox/estate-types.ts';
import { compileGcp, type GcpDesired } from '../../../core/compile/gcp.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import type { Inventory } from '../../../core/model/inventory.ts';
import type { GcpState } from '../../../core/model/native/gcp.ts';
import type { NativeState } from '../../../core/model/native/index.ts';
import { planGcp, type GcpStep } from '../../../core/plan/gcp.ts';
import { ConflictError, QuotaExceededError, ThrottledError } from '../../../core/errors.ts';
import type { Finding } from '../../../core/model/finding.ts';
import type { Policy } from '../../../core/policy/types.ts';
import { verify } from '../../../core/verify/index.ts';
import { applyChecked, boundsViolations, type Before } from '../../helpers/make-before-break.ts';
import { gcpSshFromAnywhere } from '../../helpers/estates.ts';
import { emptyNative } from '../../helpers/native.ts';
import { policyOf, TIER_SEGMENTS } from '../../helpers/policies.ts';

const P = 'shop-prod';
const ctx = { deploymentId: 'prod' };

const policy = policyOf(
  `  exclusive: false
  defaults: { egress: deny, unlabeled: quarantine }
  externals:
    - { name: internet, cidrs: [0.0.0.0/0, "::/0"] }
    - { name: office, labels: { site: office }, cidrs: [192.168.10.0/24] }
${TIER_SEGMENTS}  rules:
    - { name: internet-to-web, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080-8090, icmp] }
    - { name: app-to-db, from: app, to: db, ports: [tcp/5432] }
    - { name: office-ssh, from: { selector: "site == 'office'" }, to: { selector: "has(tier)" }, ports: [tcp/22] }
    - { name: app-to-office, from: app, to: { external: office }, ports: [udp/514] }
`,
  'shop',
);

const vm = (
  id: string,
  ip: string,
  labels: Record<string, string>,
  over: Partial<EstateGcpInstance> = {},
): EstateGcpInstance => ({ id, project: P, zone: 'europe-west1-b', network: 'vpc-a', ip, labels, ...over });

/** Two networks (so some peers are by address), dual stack web/app, a foreign tag, a stray VM, a foreign rule. */
const estate: Estate = {
  aws: [],
  azure: [],
  awsSecurityGroups: [],
  gcp: [
    vm('web-1', '10.2.0.4', { tier: 'web' }, { ipv6: 'fd20::4', tags: ['http-server'] }),
    vm('web-2', '10.2.0.5', { tier: 'web' }, { ipv6: 'fd20::5' }),
    vm('app-1', '10.2.0.10', { tier: 'app' }, { ipv6: 'fd20::10' }),
    vm('app-2', '10.3.0.10', { tier: 'app' }, { network: 'vpc-b', zone: 'europe-west1-c' }),
    vm('db-1', '10.2.0.20', { tier: 'db' }),
    vm('db-2', '10.3.0.20', { tier: 'db' }, { network: 'vpc-b', zone: 'europe-west1-c' }),
    vm('stray-1', '10.2.0.99', { team: 'x' }),
  ],
  gcpFirewalls: [
    {
      name: 'default-allow-internal',
      project: P,
      network: 'vpc-a',
      protocol: 'all',
      ranges: ['10.0.0.0/8'],
      priority: 65534,
    },
    {
      name: 'allow-http',
      project: P,
      network: 'vpc-a',
      protocol: 'tcp',
      ports: ['80'],
      ranges: ['0.0.0.0/0'],
      targetTags: ['http-server'],
    },
  ],
};

const native = (gcp: GcpState): NativeState => ({ ...emptyNative(), gcp });

interface Round {
  inventory: Inventory;
  desired: GcpDesired;
  steps: GcpStep[];
  findings: Finding[];
}

async function planRound(sandbox: SandboxGcp, p: Policy = policy): Promise<Round> {
  const adapter = gcpAdapter(sandbox.projects().map((x) => sandbox.api(x)));
  const workloads = (await adapter.read()).workloads;
  const compiled = compileGcp(computeReach(p, workloads), ctx);
  const planned = planGcp(compiled.desired, (await adapter.read()).state, ctx, { exclusive: p.exclusive });
  return {
    inventory: { workloads },
    desired: compiled.desired,
    steps: planned.steps,
    findings: [...compiled.findings, ...planned.findings],
  };
}

async function applyAll(
  sandbox: SandboxGcp,
  steps: readonly GcpStep[],
  after?: (step: GcpStep, i: number) => void,
): Promise<void> {
  const adapter = gcpAdapter(sandbox.projects().map((x) => sandbox.api(x)));
  for (const [i, step] of steps.entries()) {
    await adapter.apply(step);
    after?.(step, i);
  }
}

const count = (steps: readonly GcpStep[]) =>
  steps.reduce<Record<string, number>>(
    (acc, s) => ({ ...acc, [`${s.phase} ${s.kind}`]: (acc[`${s.phase} ${s.kind}`] ?? 0) + 1 }),
    {},
  );

/**
 * Applies the steps in order; after each, make-before-break (test/helpers/make-before-break.ts)
 * against `before`. Against the native state of a first rollout only the upper bound holds: tags
 * go on one instance at a time, so until a source carries its tag the new catch-all deny cuts
 * what a foreign rule (default-allow-internal) allowed before.
 */
async function applyEachChecked(sandbox: SandboxGcp, before: Before, next: Round): Promise<string[]> {
  const adapter = gcpAdapter(sandbox.projects().map((x) => sandbox.api(x)));
  const after = { policy, inventory: next.inventory };
  const upperOnly = 'native' in before;
  return applyChecked(
    next.steps,
    (step) => adapter.apply(step),
    () => boundsViolations(before, after, native(sandbox.snapshot()), { upperOnly }),
  );
}

async function converged(
  e: Estate = estate,
  p: Policy = policy,
  options: { faults?: FaultInjector } = {},
): Promise<{ sandbox: SandboxGcp; old: Round }> {
  const sandbox = SandboxGcp.fromEstate(e, options);
  await applyAll(sandbox, (await planRound(sandbox, p)).steps);
  const old = await planRound(sandbox, p);
  expect(old.steps).toEqual([]);
  return { sandbox, old };
}

describe('GCP sandbox round trip', () => {
  it('GIVEN a fresh estate WHEN planned and applied through the adapter THEN verify finds zero disagreements and a second plan is empty', async () => {
    const sandbox = SandboxGcp.fromEstate(estate);
    const first = await planRound(sandbox);
    const violations = await applyEachChecked(sandbox, { native: native(sandbox.snapshot()) }, first);

    const result = verify(policy, first.inventory, native(sandbox.snapshot()));
    expect(result.disagreements).toEqual([]);
    expect(result.checked).toBeGreaterThan(500);
    expect(violations.slice(0, 5)).toEqual([]);
    expect((await planRound(sandbox)).steps).toEqual([]);

    // Measured for this estate (7 instances, 2 networks, 4 classes in vpc-a, 2 in vpc-b): 21 allow
    // rules (27 before rules differing only in target tags were merged) + 4 catch-all denies per
    // network, and one setTags per managed instance.
    const owned = sandbox.snapshot().firewalls.filter((f) => f.name.startsWith('ss-prod-'));
    expect({ allows: owned.filter((f) => f.allowed).length, denies: owned.filter((f) => f.denied).length }).toEqual({
      allows: 21,
      denies: 8,
    });
    expect(count(first.steps)).toEqual({ 'create insert-firewall': 29, 'membership set-tags': 7 });
    // The foreign rules stay, the foreign tag stays next to segsync's.
    expect(
      sandbox
        .snapshot()
        .firewalls.filter((f) => !f.name.startsWith('ss-prod-'))
        .map((f) => f.name),
    ).toEqual(['allow-http', 'default-allow-internal']);
    expect(sandbox.snapshot().instances.find((i) => i.name === 'web-1')?.tags.items).toEqual([
      'http-server',
      'ss-prod-web-pcolbss7ew',
    ]);
  });

  it('GIVEN an applied estate WHEN one instance is re-labelled into another existing class of its network THEN the plan is one setTags plus renamed member-address rules, and verify is clean again', async () => {
    const { sandbox, old } = await converged();
    sandbox.setLabels(P, 'europe-west1-b', 'web-2', { tier: 'app' });
    const next = await planRound(sandbox);
    const violations = await applyEachChecked(sandbox, { policy, inventory: old.inventory }, next);

    expect(next.steps.filter((s) => s.kind === 'set-tags').map((s) => s.target)).toEqual([
      `gcp:${P}/europe-west1-b/web-2/nic0`,
    ]);
    // GCP egress cannot name a tag (CLOUD-FACTS §6.5) and source tags only match IPv4, so the
    // rules listing web or app members by address are renamed; no tag-based rule changes.
    // 8 + 8 (12 + 12 before rules differing only in target tags were merged).
    expect(count(next.steps)).toEqual({
      'authorize insert-firewall': 8,
      'membership set-tags': 1,
      'revoke delete-firewall': 8,
    });
    const rewritten = next.steps.flatMap((s) =>
      s.kind === 'insert-firewall' || s.kind === 'delete-firewall' ? [s.firewall] : [],
    );
    expect(rewritten.filter((f) => (f.sourceTags ?? []).length > 0 || f.denied)).toEqual([]);
    expect(violations.slice(0, 5)).toEqual([]);
    expect(verify(policy, next.inventory, native(sandbox.snapshot())).disagreements).toEqual([]);
    expect((await planRound(sandbox)).steps).toEqual([]);
  });

  it('GIVEN an applied estate WHEN an instance moves into a class new to its network THEN its rules are created before the tag moves, the old denies go last, and both bounds hold', async () => {
    const { sandbox, old } = await converged();
    sandbox.setLabels(P, 'europe-west1-c', 'db-2', { tier: 'web' });
    const next = await planRound(sandbox);
    const violations = await applyEachChecked(sandbox, { policy, inventory: old.inventory }, next);

    const phases = next.steps.map((s) => s.phase);
    expect(count(next.steps)).toMatchObject({ 'create insert-firewall': expect.any(Number), 'membership set-tags': 1 });
    expect(phases.indexOf('membership')).toBeGreaterThan(phases.lastIndexOf('create'));
    expect(next.steps.filter((s) => s.kind === 'delete-firewall' && s.firewall.denied).map((s) => s.phase)).toEqual([
      'revoke',
      'revoke',
      'revoke',
      'revoke',
    ]);
    expect(violations.slice(0, 5)).toEqual([]);
    expect(verify(policy, next.inventory, native(sandbox.snapshot())).disagreements).toEqual([]);
    expect((await planRound(sandbox)).steps).toEqual([]);
  });

  it('GIVEN an applied estate WHEN an instance loses its labels and the class its last member THEN its tag and the class rules go, and verify is clean', async () => {
    const { sandbox, old } = await converged();
    sandbox.setLabels(P, 'europe-west1-c', 'app-2', { tier: null, team: 'x' });
    const next = await planRound(sandbox);
    const violations = await applyEachChecked(sandbox, { policy, inventory: old.inventory }, next);

    expect(next.steps.filter((s) => s.phase === 'delete').length).toBeGreaterThan(0);
    expect(violations.slice(0, 5)).toEqual([]);
    expect(verify(policy, next.inventory, native(sandbox.snapshot())).disagreements).toEqual([]);
    expect(
      sandbox.snapshot().firewalls.some((f) => (f.targetTags ?? []).some((t) => t.startsWith('ss-prod-app-bkff'))),
    ).toBe(false);
  });
});

describe('GCP foreign rules', () => {
  const widening: Estate = {
    ...estate,
    gcp: estate.gcp.map((i) => (i.id === 'web-1' ? { ...i, tags: ['http-server', 'ssh'] } : i)),
    gcpFirewalls: [...estate.gcpFirewalls, gcpSshFromAnywhere(P, { name: 'allow-ssh-anywhere', priority: 50 })],
  };

  it('GIVEN a foreign allow at priority 50 on a tag a managed instance carries WHEN not exclusive THEN it is reported, kept, and verify honestly shows what it opens', async () => {
    const { sandbox, old } = await converged(widening);
    expect(old.findings.map((f) => `${f.code} ${f.target}`)).toEqual([
      `foreign-rule-widens ${P}/firewalls/allow-ssh-anywhere`,
    ]);
    const opened = verify(policy, old.inventory, native(sandbox.snapshot())).disagreements;
    expect(opened.length).toBeGreaterThan(0);
    expect(
      opened.every(
        (d) =>
          d.actual && d.flow.dst === `gcp:${P}:europe-west1-b:web-1` && d.nativeRule.includes('allow-ssh-anywhere'),
      ),
    ).toBe(true);
  });

  it('GIVEN the same foreign allow WHEN the policy is exclusive THEN the foreign tag it targets is removed and verify is clean', async () => {
    const exclusive: Policy = { ...policy, exclusive: true };
    const { sandbox, old } = await converged(widening, exclusive);
    expect(sandbox.snapshot().instances.find((i) => i.name === 'web-1')?.tags.items).toEqual([
      'http-server',
      'ss-prod-web-pcolbss7ew',
    ]);
    expect(sandbox.snapshot().firewalls.some((f) => f.name === 'allow-ssh-anywhere')).toBe(true);
    expect(verify(exclusive, old.inventory, native(sandbox.snapshot())).disagreements).toEqual([]);
  });
});

describe('GCP apply: idempotent, retried, optimistic', () => {
  it('GIVEN a half-applied plan WHEN its steps are re-run and then re-planned THEN inserts/deletes already done are success and the estate converges', async () => {
    const sandbox = SandboxGcp.fromEstate(estate);
    const first = await planRound(sandbox);
    const half = first.steps.slice(0, 20);
    await applyAll(sandbox, half);
    await applyAll(sandbox, half);
    await applyAll(sandbox, (await planRound(sandbox)).steps);
    expect((await planRound(sandbox)).steps).toEqual([]);
    expect(verify(policy, first.inventory, native(sandbox.snapshot())).disagreements).toEqual([]);
  });

  it('GIVEN a throttling project WHEN a step is applied THEN the error is a retryable ThrottledError and a retry succeeds', async () => {
    const sandbox = SandboxGcp.fromEstate(estate, {
      faults: new FaultInjector({ throttleEvery: 1, maxFaults: 1, operations: ['insertFirewall'] }),
    });
    const [step] = (await planRound(sandbox)).steps;
    const adapter = gcpAdapter([sandbox.api(P)]);
    const error = await adapter.apply(step!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryable).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(CloudApiError);
    await adapter.apply(step!);
    expect(sandbox.snapshot().firewalls.map((f) => f.name)).toContain(step!.target.split('/').pop());
  });

  it("GIVEN someone changes an instance's tags after the plan WHEN its setTags runs THEN it is a ConflictError and a re-plan keeps their tag", async () => {
    const sandbox = SandboxGcp.fromEstate(estate);
    const first = await planRound(sandbox);
    const web1 = (await sandbox.api(P).listInstances()).find((i) => i.name === 'web-1')!;
    await sandbox
      .api(P)
      .setTags('europe-west1-b', 'web-1', { items: ['http-server', 'team-x'], fingerprint: web1.tags.fingerprint });
    const error = await applyAll(sandbox, first.steps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    await applyAll(sandbox, (await planRound(sandbox)).steps);
    expect(sandbox.snapshot().instances.find((i) => i.name === 'web-1')?.tags.items).toEqual([
      'http-server',
      'ss-prod-web-pcolbss7ew',
      'team-x',
    ]);
  });

  it('GIVEN a project at its firewall quota WHEN a rule is inserted THEN the error is terminal (QuotaExceededError), not retried', async () => {
    const sandbox = SandboxGcp.fromEstate(estate, { limits: { firewallsPerProject: 3 } });
    const error = await applyAll(sandbox, (await planRound(sandbox)).steps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect((error as QuotaExceededError).retryable).toBe(false);
  });
});
