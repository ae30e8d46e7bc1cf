/** Finding a workload by what a person types: its cloud id, its name, its cloud-qualified id or its Name tag. */
import type { Workload } from '../core/model/inventory.ts';

/**
 * Every workload `text` names: the native id (i-prod-web1, vm-build, gce-analytics), the
 * cloud-qualified id or its last segment, or the Name tag / `name` label ("prod-web-1").
 * An id match wins over a Name tag match.
 */
export function findWorkloads(text: string, workloads: readonly Workload[]): Workload[] {
  const byId = workloads.filter((w) => w.nativeId === text || w.id === text || w.id.endsWith(`/${text}`));
  if (byId.length > 0) return byId;
  return workloads.filter((w) => w.labels.name === text || w.labels.name === text.toLowerCase());
}

/** A few names to show in "not found" messages. */
export function someNames(workloads: readonly Workload[], n = 5): string {
  const names = workloads.slice(0, n).map((w) => w.nativeId);
  return workloads.length > n ? `${names.join(', ')}, …` : names.join(', ');
}
