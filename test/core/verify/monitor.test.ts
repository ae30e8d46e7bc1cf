import { describe, expect, it } from 'vitest';
import { readWorld, reconcile } from '../../../adapters/reconcile.ts';
import { readEstateFile } from '../../../adapters/sandbox/estate.ts';
import { Sandbox } from '../../../adapters/sandbox/index.ts';
import { explainNative, verify } from '../../../core/verify/index.ts';
import { monitorLine, monitorReports } from '../../../core/verify/monitor.ts';
import { allows } from '../../../core/policy/intent.ts';
import { loadPolicy } from '../../../core/policy/load.ts';
import type { Policy } from '../../../core/policy/types.ts';

const policy = loadPolicy('test/fixtures/policies/readme-shop-default.yaml');
const enforced: Policy = { ...policy, segments: policy.segments.map((s) => ({ ...s, mode: 'enforce' as const })) };
const fresh = () => Sandbox.fromEstate(readEstateFile('examples/hybrid-estate.yaml').estate!);
const ctx = { deploymentId: 'segsync' };

describe('monitorReports: what enforcing a monitor segment would cut (the crawl step)', () => {
  it('GIVEN db in monitor mode on the hybrid estate THEN it counts cut flows, each allowed natively today and denied by the policy with db enforced', async () => {
    const { inventory, state } = await readWorld(fresh().clouds());
    const [db] = monitorReports(policy, inventory, state);
    expect(db).toMatchObject({ segment: 'db', workloads: 3 });
    expect(db!.cut).toBeGreaterThan(0);
    expect(db!.cut).toBeLessThanOrEqual(db!.checked);
    expect(db!.examples).toHaveLength(3);
    const byId = new Map(inventory.workloads.map((w) => [w.id, w]));
    for (const e of db!.examples) {
      const at = byId.get(e.side === 'ingress' ? e.dst : e.src)!;
      const [src, dst] = [byId.get(e.src) ?? e.src, byId.get(e.dst) ?? e.dst];
      const flow = { src, dst, protocol: e.protocol, ...(e.port !== undefined ? { port: e.port } : {}) };
      expect(allows(enforced, flow).checks[e.side]).toBe(false);
      const end = (x: typeof src) =>
        typeof x === 'string'
          ? { address: x }
          : x.cloud === at.cloud
            ? { address: x.addresses[0]!, attachment: x.attachments[0]!.id }
            : { address: x.addresses[0]! };
      const today = explainNative(state, at.cloud, e.side, {
        src: end(src),
        dst: end(dst),
        protocol: e.protocol,
        ...(e.port !== undefined ? { port: e.port } : {}),
      });
      expect(today.allowed).toBe(true);
    }
    expect(monitorLine(db!)).toMatch(
      /^monitor segment db: enforcing it would cut [\d]+ flows allowed today \(3 workloads\): e\.g\. /,
    );
  });

  it('GIVEN db switched to enforce and applied THEN the reported flows are cut natively and verify agrees', async () => {
    const sandbox = fresh();
    const before = await readWorld(sandbox.clouds());
    const [db] = monitorReports(policy, before.inventory, before.state);
    await reconcile(enforced, sandbox.clouds(), ctx);
    const after = await readWorld(sandbox.clouds());
    expect(verify(enforced, after.inventory, after.state).disagreements).toEqual([]);
    // Nothing left to cut: every db workload is enforced now, and no segment is in monitor mode.
    expect(monitorReports(enforced, after.inventory, after.state)).toEqual([]);
    expect(db!.cut).toBeGreaterThan(0);
  });

  it('GIVEN no monitor segment THEN no report', async () => {
    const { inventory, state } = await readWorld(fresh().clouds());
    expect(monitorReports(enforced, inventory, state)).toEqual([]);
  });
});
