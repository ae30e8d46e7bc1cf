/**
 * Exactness of the cloud-neutral compile step, before any cloud is involved: for every enforced
 * class in every network, the union of its reach entries that match a peer equals what the intent
 * oracle says, for every peer (workloads anywhere, sample addresses) and every sample port.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeReach, type ReachEntry } from '../../../core/compile/reach.ts';
import { AddressSet, formatCidr, parseAddress } from '../../../core/model/address.ts';
import { PortSet } from '../../../core/model/ports.ts';
import type { Workload } from '../../../core/model/inventory.ts';
import { allows } from '../../../core/policy/intent.ts';
import { parsePolicy } from '../../../core/policy/parse.ts';
import { samplePorts, sampleAddresses } from '../../../core/verify/index.ts';
import { instancesArb, NETWORKS, policyArb, type GenInstance } from '../../helpers/arbitraries.ts';

function workloadsOf(instances: readonly GenInstance[]): Workload[] {
  return instances.map((inst, i) => {
    const n = NETWORKS[inst.network]!;
    const ip = `10.${n.octet}.${1 + (i % 3)}.${10 + i}`;
    return {
      id: `${n.cloud}:w${i}`,
      nativeId: `w${i}`,
      cloud: n.cloud,
      location: { cloud: n.cloud, account: 'a', region: 'r' },
      network: `${n.cloud}:${n.net}`,
      labels: inst.labels,
      addresses: [ip],
      publicAddresses: [],
      attachments: [{ id: `att-${i}`, network: `${n.cloud}:${n.net}`, addresses: [ip] }],
      managed: true,
      labelProblems: [],
    };
  });
}

function matches(
  entry: ReachEntry,
  peer: Workload | string,
  classOfPeer: string | undefined,
  network: string,
): boolean {
  if (entry.peer.kind === 'class')
    return typeof peer !== 'string' && classOfPeer === entry.peer.classId && peer.network === network;
  const text = typeof peer === 'string' ? peer : peer.addresses[0]!;
  const a = parseAddress(text);
  return a.ok && a.value.family === entry.peer.family && entry.peer.set.contains(a.value.value);
}

describe('computeReach', () => {
  it('exact: the entries of every enforced class reproduce the oracle for every peer and port', () => {
    fc.assert(
      fc.property(policyArb, instancesArb, (text, instances) => {
        const policy = parsePolicy(text, 'generated.yaml');
        const workloads = workloadsOf(instances);
        const reach = computeReach(policy, workloads);
        const classOf = (w: Workload | string) =>
          typeof w === 'string' ? undefined : reach.classification.classOf.get(w.id)?.id;
        const peers: Array<Workload | string> = [
          ...workloads,
          ...sampleAddresses(policy, { workloads }).filter((a) => !a.includes(':')),
        ];
        const ports = samplePorts(policy);
        const problems: string[] = [];
        for (const net of reach.networks) {
          for (const classId of net.classIds) {
            const self = net.members.get(classId)![0]!;
            for (const dir of ['ingress', 'egress'] as const) {
              const entries = (dir === 'ingress' ? net.ingress : net.egress).get(classId)!;
              for (const peer of peers) {
                if (peer === self) continue;
                const matching = entries.filter((e) => matches(e, peer, classOf(peer), net.network));
                for (const p of ports) {
                  const got = matching.some((e) => e.ports.has(p.protocol, p.port));
                  const flow = dir === 'ingress' ? { src: peer, dst: self } : { src: self, dst: peer };
                  const want = allows(policy, {
                    ...flow,
                    protocol: p.protocol,
                    ...(p.port !== undefined ? { port: p.port } : {}),
                  }).checks[dir];
                  if (want !== undefined && got !== want)
                    problems.push(
                      `${net.network} ${classId} ${dir} ${typeof peer === 'string' ? peer : peer.id} ${p.protocol}/${p.port}: want ${want} got ${got}`,
                    );
                }
              }
            }
          }
        }
        expect(problems.slice(0, 5)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('deterministic: shuffling the inventory changes nothing', () => {
    fc.assert(
      fc.property(policyArb, instancesArb, (text, instances) => {
        const policy = parsePolicy(text, 'generated.yaml');
        const workloads = workloadsOf(instances);
        // Address and port sets print as their canonical text, so equal sets print equally.
        const show = (ws: Workload[]) =>
          JSON.stringify(computeReach(policy, ws).networks, (_k, v: unknown) => {
            if (v instanceof Map) return [...v.entries()];
            if (v instanceof AddressSet) return v.toCidrs().map(formatCidr);
            if (v instanceof PortSet) return v.key();
            return typeof v === 'bigint' ? v.toString() : v;
          });
        expect(show([...workloads].reverse())).toBe(show(workloads));
      }),
      { numRuns: 100 },
    );
  });
});
