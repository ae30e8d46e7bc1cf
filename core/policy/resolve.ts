/**
 * Turns a schema-valid, semantically checked document into the resolved Policy. Pure.
 * Only called when there are no errors, so every lookup here succeeds.
 */
import { parseCidr, type Cidr } from '../model/address.ts';
import { parsePortSpec, type PortSpec } from '../model/ports.ts';
import type { PeerDocument, PolicyDocument } from './schema.ts';
import { parseSelector } from './selector/index.ts';
import type { Peer, Policy, Segment } from './types.ts';

export function resolvePolicy(doc: PolicyDocument): Policy {
  const segments: Segment[] = doc.spec.segments.map((s) => ({
    name: s.name,
    selector: parseSelector(s.selector),
    selectorText: s.selector,
    mode: s.mode ?? 'enforce',
  }));
  const byName = new Map(segments.map((s) => [s.name, s]));
  const peer = (p: PeerDocument): Peer => {
    if (typeof p === 'string') return { kind: 'segment', name: p, selector: byName.get(p)!.selector };
    if ('selector' in p) return { kind: 'selector', text: p.selector, selector: parseSelector(p.selector) };
    if ('external' in p) return { kind: 'external', name: p.external };
    return { kind: 'cidrs', cidrs: p.cidrs.map(cidr), except: (p.except ?? []).map(cidr) };
  };
  return {
    name: doc.metadata.name,
    ...(doc.spec.labels ? { labelKeys: doc.spec.labels.keys } : {}),
    defaults: { egress: doc.spec.defaults?.egress ?? 'deny', unlabeled: doc.spec.defaults?.unlabeled ?? 'ignore' },
    exclusive: doc.spec.exclusive ?? true,
    azureLoadBalancerProbes: doc.spec.azureLoadBalancerProbes ?? 'allow',
    ...(doc.spec.addressPlans
      ? {
          addressPlans: doc.spec.addressPlans.map((a) => ({
            cidrs: a.cidrs.map(cidr),
            blockPrefix: a.blockPrefix,
            unusedBlocks: a.unusedBlocks ?? 'exclude',
          })),
        }
      : {}),
    ...(doc.spec.endToEnd ? { endToEnd: { ranges: doc.spec.endToEnd.ranges.map(cidr) } } : {}),
    ...(doc.spec.labelTrust
      ? { labelTrust: { ...doc.spec.labelTrust, onUntrusted: doc.spec.labelTrust.onUntrusted ?? 'keep' } }
      : {}),
    externals: (doc.spec.externals ?? []).map((e) => ({
      name: e.name,
      labels: { ...(e.labels ?? {}) },
      cidrs: e.cidrs.map(cidr),
      except: (e.except ?? []).map(cidr),
    })),
    segments,
    rules: (doc.spec.rules ?? []).map((r) => ({
      name: r.name,
      action: r.action ?? 'allow',
      from: peer(r.from),
      to: peer(r.to),
      ports: r.ports.map(port),
    })),
  };
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`unreachable: unvalidated CIDR ${text}`);
  return parsed.value;
}

function port(text: string): PortSpec {
  const parsed = parsePortSpec(text);
  if (!parsed.ok) throw new Error(`unreachable: unvalidated port spec ${text}`);
  return parsed.value;
}
