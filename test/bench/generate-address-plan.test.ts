/**
 * bench/generate.ts with `addressPlan: 'segment'`: the same random draws as the default
 * (scattered) plan, unique addresses, and every block of a network holds one app·tier·env group
 * (role·env for shared services, the unlabeled hosts together), inside one aligned region per app.
 */
import { describe, expect, it } from 'vitest';
import { generateEstate, generatePolicy } from '../../bench/generate.ts';
import { parsePolicy } from '../../core/policy/parse.ts';

const lower = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));

describe('generateEstate: segment-aligned address plan', () => {
  const options = { seed: 7, workloads: 3000, segments: 100 };
  const scattered = generateEstate(options);
  const aligned = generateEstate({ ...options, addressPlan: 'segment' });
  const all = (e: typeof aligned) => [
    ...e.estate.aws.map((w) => ({ net: `aws|${w.account}|${w.region}|${w.vpc}`, ip: w.ip, labels: lower(w.tags) })),
    ...e.estate.azure.map((w) => ({ net: `azure|${w.subscription}|${w.region}|${w.vnet}`, ip: w.ip, labels: w.tags })),
    ...e.estate.gcp.map((w) => ({ net: `gcp|${w.project}|${w.network}`, ip: w.ip, labels: w.labels })),
  ];

  it('GIVEN the same seed WHEN generated with either plan THEN only the IPv4 addresses differ', () => {
    const strip = (e: typeof aligned) =>
      JSON.stringify([e.estate.aws, e.estate.azure, e.estate.gcp].map((l) => l.map((w) => ({ ...w, ip: '' }))));
    expect(strip(aligned)).toBe(strip(scattered));
    expect(scattered.addressPlans).toBeUndefined();
  });

  it('GIVEN a segment plan THEN addresses are unique and no /24 holds two groups', () => {
    const hosts = all(aligned);
    expect(new Set(hosts.map((h) => h.ip)).size).toBe(hosts.length);
    const blockOwner = new Map<string, string>();
    for (const h of hosts) {
      const block = h.ip.split('.').slice(0, 3).join('.');
      const group = h.labels.app
        ? `${h.labels.app}|${h.labels.tier}|${h.labels.env}`
        : `${h.labels.role ?? ''}|${h.labels.env ?? ''}`;
      expect(blockOwner.get(block) ?? group, block).toBe(group);
      blockOwner.set(block, group);
      // The first /24 of every network stays free, as in the scattered plan.
      expect(h.ip).not.toMatch(/^10\.\d+\.0\./);
    }
    expect(aligned.addressPlans!.every((p) => p.blockPrefix === 24)).toBe(true);
  });

  it('GIVEN the plans WHEN written into the policy THEN it validates with spec.addressPlans', () => {
    const text = generatePolicy({ seed: 7, segments: 100, rules: 200, addressPlans: aligned.addressPlans! });
    const policy = parsePolicy(text, 'bench.yaml');
    expect(policy.addressPlans).toHaveLength(1);
    expect(policy.addressPlans![0]!.cidrs).toHaveLength(aligned.addressPlans!.length);
    expect(generatePolicy({ seed: 7, segments: 100, rules: 200 })).not.toMatch(/addressPlans/);
  });
});
