/**
 * Folding a scoped read into a location's snapshot: what was asked for is replaced by what came
 * back, and what was asked for but did not come back is gone (events name things that may have
 * been deleted). Everything else in the snapshot stays as it was.
 */
import { armKey } from '../../core/model/ids.ts';
import type { Cloud } from '../../core/model/cloud.ts';
import type { Workload } from '../../core/model/inventory.ts';
import type { AwsState, AzureState, GcpState } from '../../core/model/native/index.ts';
import type { ReadResult, StateOf } from '../adapter.ts';

export interface LocationView<C extends Cloud = Cloud> {
  workloads: Workload[];
  state: StateOf[C];
}

export interface ScopedRequest {
  /** Workload ids (core/model/ids.ts workloadId) of the workloads read, and the ids the adapter was given. */
  workloadIds: readonly string[];
  readIds: readonly string[];
  objects: readonly string[];
}

export function mergeScoped<C extends Cloud>(
  cloud: C,
  view: LocationView<C>,
  request: ScopedRequest,
  fresh: ReadResult<C>,
): LocationView<C> {
  const gone = new Set(request.workloadIds.map(armKey));
  const workloads = [...view.workloads.filter((w) => !gone.has(armKey(w.id))), ...fresh.workloads];
  return { workloads, state: mergeState(cloud, view.state, request, fresh.state) };
}

function mergeState<C extends Cloud>(cloud: C, base: StateOf[C], req: ScopedRequest, fresh: StateOf[C]): StateOf[C] {
  if (cloud === 'aws') return mergeAws(base as AwsState, req, fresh as AwsState) as StateOf[C];
  if (cloud === 'azure') return mergeAzure(base as AzureState, req, fresh as AzureState) as StateOf[C];
  return mergeGcp(base as GcpState, req, fresh as GcpState) as StateOf[C];
}

function mergeAws(base: AwsState, req: ScopedRequest, fresh: AwsState): AwsState {
  const instances = new Set(req.readIds);
  const objects = new Set(req.objects);
  const freshEnis = new Set(fresh.NetworkInterfaces.map((e) => e.NetworkInterfaceId));
  return {
    NetworkInterfaces: [
      ...base.NetworkInterfaces.filter(
        (e) => !instances.has(e.Attachment?.InstanceId ?? '') && !freshEnis.has(e.NetworkInterfaceId),
      ),
      ...fresh.NetworkInterfaces,
    ],
    SecurityGroups: [
      ...base.SecurityGroups.filter((g) => !objects.has(g.GroupId) && !objects.has(g.GroupName)),
      ...fresh.SecurityGroups,
    ],
    PrefixLists: [
      ...base.PrefixLists.filter((p) => !objects.has(p.PrefixListId) && !objects.has(p.PrefixListName)),
      ...fresh.PrefixLists,
    ],
  };
}

function mergeAzure(base: AzureState, req: ScopedRequest, fresh: AzureState): AzureState {
  const vms = new Set(req.readIds.map(armKey));
  const objects = new Set(req.objects.map(armKey));
  const freshNics = new Set(fresh.networkInterfaces.map((n) => armKey(n.id)));
  const keep = <T extends { id: string }>(xs: T[]) => xs.filter((x) => !objects.has(armKey(x.id)));
  return {
    networkInterfaces: [
      ...base.networkInterfaces.filter(
        (n) => !vms.has(armKey(n.properties.virtualMachine?.id ?? '')) && !freshNics.has(armKey(n.id)),
      ),
      ...fresh.networkInterfaces,
    ],
    networkSecurityGroups: [...keep(base.networkSecurityGroups), ...fresh.networkSecurityGroups],
    applicationSecurityGroups: [...keep(base.applicationSecurityGroups), ...fresh.applicationSecurityGroups],
    subnetNetworkSecurityGroups: { ...base.subnetNetworkSecurityGroups, ...fresh.subnetNetworkSecurityGroups },
  };
}

function mergeGcp(base: GcpState, req: ScopedRequest, fresh: GcpState): GcpState {
  // GCP read ids are `<zone>/<name>`; instance zones may be URLs, so compare on the zone's last segment.
  const instances = new Set(req.readIds);
  const objects = new Set(req.objects);
  const zoneName = (zone: string) => zone.slice(zone.lastIndexOf('/') + 1);
  return {
    instances: [...base.instances.filter((i) => !instances.has(`${zoneName(i.zone)}/${i.name}`)), ...fresh.instances],
    firewalls: [...base.firewalls.filter((f) => !objects.has(f.name)), ...fresh.firewalls],
  };
}
