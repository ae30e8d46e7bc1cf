/**
 * Reads of the sandbox Microsoft.Network / Microsoft.Compute by resource group and name, as ARM
 * answers them: a GET of something absent is 404 ResourceGroupNotFound when the group is
 * missing, else 404 ResourceNotFound with ARM's message ("The Resource '<type>/<name>' under
 * resource group '<rg>' was not found."). Ids compare without case, like every ARM id.
 */
import { azureError, key, resourceId, sortById, type SubscriptionState } from './azure-model.ts';

type Stored = 'vms' | 'nics' | 'nsgs' | 'asgs';

const TYPES: Readonly<Record<Stored, [provider: string, type: string]>> = {
  vms: ['Microsoft.Compute', 'virtualMachines'],
  nics: ['Microsoft.Network', 'networkInterfaces'],
  nsgs: ['Microsoft.Network', 'networkSecurityGroups'],
  asgs: ['Microsoft.Network', 'applicationSecurityGroups'],
};

/** The stored resource (not a copy: callers copy or render it), or ARM's 404. */
export function getResource<K extends Stored>(
  sub: SubscriptionState,
  kind: K,
  rg: string,
  name: string,
): SubscriptionState[K] extends Map<string, infer T> ? T : never {
  const [provider, type] = TYPES[kind];
  const found = sub[kind].get(key(resourceId(sub.subscription, rg, provider, type, name)));
  if (found !== undefined) return found as SubscriptionState[K] extends Map<string, infer T> ? T : never;
  if (!sub.resourceGroups.has(key(rg)))
    throw azureError('ResourceGroupNotFound', `Resource group '${rg}' could not be found.`, 404);
  throw azureError(
    'ResourceNotFound',
    `The Resource '${provider}/${type}/${name}' under resource group '${rg}' was not found.`,
    404,
  );
}

/** Subnet id → NSG id of every subnet with an NSG, sorted by subnet id. */
export function subnetNsgs(sub: SubscriptionState): Record<string, string> {
  return Object.fromEntries(
    sortById([...sub.subnetNsgs.values()].map((s) => ({ id: s.subnet, nsg: s.nsg }))).map((s) => [s.id, s.nsg]),
  );
}
