/**
 * What a plan touches, per location: the native objects its steps write (to read back before
 * applying, so the plan is made against the cloud and not against a stale snapshot) and the
 * workloads whose attachments its membership steps write.
 */
import { armId, workloadId } from '../../core/model/ids.ts';
import type { Cloud } from '../../core/model/cloud.ts';
import type { Inventory } from '../../core/model/inventory.ts';
import type { Step } from '../../core/plan/step.ts';

export interface Touched {
  cloud: Cloud;
  location: string;
  objects: Set<string>;
  /** Workload ids (core/model/ids.ts). */
  workloads: Set<string>;
}

export function locationKey(cloud: Cloud, location: string): string {
  return `${cloud}|${location}`;
}

/** Touched objects and workloads of `steps`, keyed by locationKey. */
export function touchedBy(steps: readonly Step[], inventory: Inventory): Map<string, Touched> {
  const byAttachment = attachmentIndex(inventory);
  const out = new Map<string, Touched>();
  const at = (step: Step): Touched => {
    const key = locationKey(step.cloud, step.scope);
    let t = out.get(key);
    if (!t) out.set(key, (t = { cloud: step.cloud, location: step.scope, objects: new Set(), workloads: new Set() }));
    return t;
  };
  for (const step of steps) {
    const t = at(step);
    const workload = (attachment: string) => {
      const id = byAttachment.get(attachment.toLowerCase());
      if (id) t.workloads.add(id);
    };
    if (step.cloud === 'aws') {
      if ('group' in step) t.objects.add(step.group.id ?? step.group.name);
      if ('prefixList' in step) t.objects.add(step.prefixList.id ?? step.prefixList.name);
      if (step.kind === 'set-membership') workload(step.interfaceId);
    } else if (step.cloud === 'azure') {
      const id = (type: string, name: string) => armId(step.scope, step.resourceGroup, type, name);
      if (step.kind === 'create-asg' || step.kind === 'delete-asg')
        t.objects.add(id('applicationSecurityGroups', step.name));
      else if (step.kind === 'create-nsg' || step.kind === 'delete-nsg')
        t.objects.add(id('networkSecurityGroups', step.name));
      else if (step.kind === 'put-rule' || step.kind === 'delete-rule')
        t.objects.add(id('networkSecurityGroups', step.nsgName));
      else workload(id('networkInterfaces', step.nicName));
    } else if (step.kind === 'set-tags')
      t.workloads.add(workloadId({ cloud: 'gcp', project: step.scope, zone: step.zone, instance: step.instance }));
    else t.objects.add(step.firewall.name);
  }
  return out;
}

/** Attachment id → workload id; an Azure NIC id also maps (its IP configurations hang below it). */
function attachmentIndex(inventory: Inventory): Map<string, string> {
  const index = new Map<string, string>();
  for (const w of inventory.workloads)
    for (const a of w.attachments) {
      index.set(a.id.toLowerCase(), w.id);
      const nic = /^(.*)\/ipconfigurations\/[^/]+$/i.exec(a.id)?.[1];
      if (nic) index.set(nic.toLowerCase(), w.id);
    }
  return index;
}
