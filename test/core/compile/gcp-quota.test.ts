/**
 * The GCP project quota FIREWALLS (issue 9): the rules of every network of a project add up,
 * catch-all denies included, and a project over `limits.gcp.firewallsPerProject` is refused
 * before any write, every such project in one error, with the quota increase to request.
 */
import { describe, expect, it } from 'vitest';
import { readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { parseLimits } from '../../../cli/limits.ts';
import { compile } from '../../../core/compile/index.ts';
import { compileGcp } from '../../../core/compile/gcp.ts';
import { computeReach } from '../../../core/compile/reach.ts';
import { ConfigSchema } from '../../../core/config/schema.ts';
import { QuotaExceededError } from '../../../core/errors.ts';
import { DEFAULT_BUDGETS, type CompileContext } from '../../../core/model/budgets.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { estateOf } from '../../helpers/arbitraries.ts';
import { policyOf } from '../../helpers/policies.ts';
import { gcpWorkload } from '../../helpers/workloads.ts';
import { refusal } from '../../helpers/refusal.ts';

const policy = policyOf(`  defaults: { egress: deny, unlabeled: quarantine }
  segments:
    - { name: web, selector: "tier == 'web'" }
    - { name: app, selector: "tier == 'app'" }
    - { name: db, selector: "tier == 'db'" }
  rules:
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080] }
    - { name: app-to-db, from: app, to: db, ports: [tcp/5432, icmp] }
`);

/** An instance in `project`'s network `net` (the helper's default project is `shop`). */
function inProject(name: string, ip: string, tier: string, project: string, net: string): Workload {
  const w = gcpWorkload(name, ip, { tier }, { network: `gcp:projects/${project}/global/networks/${net}` });
  const zone = 'europe-west1-b';
  return {
    ...w,
    id: `gcp:${project}:${zone}:${name}`,
    location: { ...w.location, account: project },
    attachments: [{ ...w.attachments[0]!, id: `gcp:${project}/${zone}/${name}/nic0` }],
  };
}

/** The three tiers in one network. */
const tiers = (project: string, net: string, base: number): Workload[] =>
  ['web', 'app', 'db'].map((t, i) => inProject(`${net}-${t}`, `10.${base}.0.${i + 4}`, t, project, net));

const shopProdAndDev = [...tiers('shop', 'prod', 1), ...tiers('shop', 'dev', 2)];
const lifted: CompileContext = { deploymentId: 'prod', limits: { gcp: { firewallsPerProject: 1_000_000 } } };
const withQuota = (n: number): CompileContext => ({
  deploymentId: 'prod',
  limits: { gcp: { firewallsPerProject: n } },
});

/** Rules segsync wants per project and per network, quota lifted. */
function ruleCounts(workloads: Workload[]): { project: Map<string, number>; network: Map<string, number> } {
  const { desired } = compileGcp(computeReach(policy, workloads), lifted);
  const project = new Map<string, number>();
  const network = new Map<string, number>();
  for (const f of desired.firewalls) {
    project.set(f.project, (project.get(f.project) ?? 0) + 1);
    network.set(f.network, (network.get(f.network) ?? 0) + 1);
  }
  return { project, network };
}

describe('GCP project quota FIREWALLS', () => {
  const counts = ruleCounts(shopProdAndDev);
  const total = counts.project.get('shop')!;
  const [prod, dev] = [...counts.network.values()];

  it('GIVEN the defaults THEN the quota is the 500 observed', () => {
    expect(DEFAULT_BUDGETS.gcp.firewallsPerProject).toBe(500);
  });

  it('GIVEN two networks of one project THEN their rules add up, catch-all denies included', () => {
    expect(prod! + dev!).toBe(total);
    const { desired } = compileGcp(computeReach(policy, shopProdAndDev), lifted);
    // Two directions × two families of denies per network, counted with the allows.
    expect(desired.firewalls.filter((f) => f.firewall.denied)).toHaveLength(8);
  });

  it('GIVEN a quota each network fits alone but not together WHEN compiled THEN the project is refused with the increase to request', () => {
    const quota = total - 1;
    expect(Math.max(prod!, dev!)).toBeLessThanOrEqual(quota);
    const e = refusal(() => compile(policy, { workloads: shopProdAndDev }, withQuota(quota)));
    expect(e.violations).toHaveLength(1);
    expect(e.violations[0]).toMatchObject({ cloud: 'gcp', object: 'project shop', allowed: quota, needed: total });
    expect(e.message).toContain(`gcp: project shop needs ${total} VPC firewall rules`);
    expect(e.message).toContain('request a quota increase: Compute Engine API quota FIREWALLS for project shop');
    expect(e.message).toContain('gcp:projects/shop/global/networks/prod');
    expect(e.message).toContain('gcp:projects/shop/global/networks/dev');
    expect(e.message).toContain('not visible at compile time');
    expect(e.message).not.toContain('segment ""');
  });

  it('GIVEN the same WHEN compileGcp runs on the whole reach THEN it refuses the same way', () => {
    const e = refusal(() => compileGcp(computeReach(policy, shopProdAndDev), withQuota(total - 1)));
    expect(e.violations.map((v) => [v.object, v.needed])).toEqual([['project shop', total]]);
  });

  it('GIVEN a quota of exactly the rules needed WHEN compiled THEN it fits', () => {
    const d = compile(policy, { workloads: shopProdAndDev }, withQuota(total));
    expect(d.gcp.firewalls).toHaveLength(total);
  });

  it('GIVEN two projects over the quota WHEN compiled THEN both are in one error, in project order', () => {
    const ws = [...tiers('zoo', 'prod', 3), ...shopProdAndDev];
    const zoo = ruleCounts(ws).project.get('zoo')!;
    const quota = Math.min(zoo, total) - 1;
    const e = refusal(() => compile(policy, { workloads: ws }, withQuota(quota)));
    expect(e.violations.map((v) => v.object)).toEqual(['project shop', 'project zoo']);
    expect(e.message).toMatch(/^2 quota violations, nothing written/);
    expect(e.message).toContain('quota FIREWALLS for project zoo');
  });

  it('GIVEN a refused project and a fitting one WHEN compiled THEN only the refused one is named', () => {
    const ws = [...tiers('zoo', 'prod', 3), ...shopProdAndDev];
    const zoo = ruleCounts(ws).project.get('zoo')!;
    expect(zoo).toBeLessThan(total);
    const e = refusal(() => compile(policy, { workloads: ws }, withQuota(zoo)));
    expect(e.violations.map((v) => v.object)).toEqual(['project shop']);
  });
});

describe('GCP project quota: before any write', () => {
  // Both GCP networks of the sandbox estate (indices 4 and 5 of NETWORKS) are in one project.
  const instances = ['web', 'app', 'db'].flatMap((tier) => [4, 5].map((network) => ({ network, labels: { tier } })));

  it('GIVEN the sandbox project over the quota WHEN reconciled THEN it is refused and nothing is written', async () => {
    const sandbox = Sandbox.fromEstate(estateOf(instances));
    const { inventory } = await readWorld(sandbox.clouds());
    const needed = compile(policy, inventory, lifted).gcp.firewalls.length;
    const before = JSON.stringify(sandbox.snapshot());
    const e = await reconcile(policy, sandbox.clouds(), withQuota(needed - 1)).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(QuotaExceededError);
    expect((e as QuotaExceededError).violations.map((v) => [v.cloud, v.needed])).toEqual([['gcp', needed]]);
    expect(JSON.stringify(sandbox.snapshot())).toBe(before);
  });

  it('GIVEN the quota it needs WHEN reconciled THEN every rule is written', async () => {
    const sandbox = Sandbox.fromEstate(estateOf(instances));
    const { inventory } = await readWorld(sandbox.clouds());
    const needed = compile(policy, inventory, lifted).gcp.firewalls.length;
    await reconcile(policy, sandbox.clouds(), withQuota(needed));
    expect(sandbox.snapshot().gcp.firewalls.filter((f) => f.name.startsWith('ss-prod-'))).toHaveLength(needed);
  });
});

describe('GCP project quota: settable like every budget', () => {
  it('GIVEN --limit gcp.firewallsPerProject=2000 THEN the compile context carries it', () => {
    expect(parseLimits(['gcp.firewallsPerProject=2000'])).toEqual({
      limits: { gcp: { firewallsPerProject: 2000 } },
      problems: [],
    });
  });

  it('GIVEN spec.limits.gcp.firewallsPerProject in the configuration THEN it is accepted, and 0 is not', () => {
    const limits = ConfigSchema.shape.spec.shape.limits;
    expect(limits.safeParse({ gcp: { firewallsPerProject: 2000 } }).success).toBe(true);
    expect(limits.safeParse({ gcp: { firewallsPerProject: 0 } }).success).toBe(false);
  });
});
