/**
 * AzureNetworkApi over the real SDKs for one subscription: @azure/arm-network 36
 * (NetworkManagementClient, api-version 2025-05-01) and @azure/arm-compute 24
 * (ComputeManagementClient, 2026-03-01) for VM reads. Shapes are mapped in sdk-shapes.ts.
 *
 * - Retries are the apply engine's, not the SDK's: the SDK retry policy is off (maxRetries 0), so
 *   a 429 or 409 AnotherOperationInProgress reaches adapters/engine/paced-api.ts as a
 *   CloudApiError carrying ARM's Retry-After (`retryAfterSeconds`), and the Pacer waits that long.
 * - Writes: NSG and NIC PUTs send If-Match with the etag the caller read (412 PreconditionFailed
 *   → ConflictError → reconcile re-reads and re-plans). The policy below keeps If-Match off the
 *   LRO poll GETs (the SDK would copy the header onto them).
 * - Long-running PUTs and DELETEs are awaited (Azure-AsyncOperation polling); a PUT whose final
 *   provisioningState is not Succeeded is an error. A failed operation's ARM code is kept.
 * - NIC writes merge segsync's membership into the NIC as the SDK read it (the last list/get of
 *   that NIC with the same etag, else a fresh GET), so fields segsync does not model survive.
 * - resourceGroups: lists run per resource group (a principal scoped to resource groups may not
 *   list at subscription scope). vnets: only NICs with an IP configuration in those VNets.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { NetworkManagementClient, type NetworkInterface as SdkNic } from '@azure/arm-network';
import { ComputeManagementClient } from '@azure/arm-compute';
import type { AzureApplicationSecurityGroup, AzureSecurityRule } from '../../core/model/native/azure.ts';
import { vnetOfSubnet } from '../../core/model/native/azure.ts';
import { armParts } from '../../core/model/ids.ts';
import { CloudApiError } from '../errors.ts';
import type {
  ArmNetworkInterface,
  ArmNetworkSecurityGroup,
  ArmVirtualMachine,
  AzureNetworkApi,
  AzureScope,
} from './api.ts';
import { asgFromSdk, nicFromSdk, nicToSdk, nsgFromSdk, ruleFromSdk, ruleToSdk, vmFromSdk } from './sdk-shapes.ts';

export interface SdkAzureOptions {
  subscription: string;
  credential: TokenCredential;
  /** Base URL of every ARM call (SEGSYNC_AZURE_ENDPOINT); default the public cloud. */
  endpoint?: string;
  /** Extra CA certificates (PEM) trusted for `endpoint`: a local server's self-signed certificate. */
  ca?: string;
  /** Only these resource groups (names). */
  resourceGroups?: readonly string[];
  /** Only NICs in these VNets (ARM ids). */
  vnets?: readonly string[];
  /** LRO poll interval when ARM sends no Retry-After (SDK default 2 s). */
  pollIntervalMs?: number;
  /** Prefix of the User-Agent header (ARM activity logs show it). */
  userAgent?: string;
}

const key = (s: string): string => s.toLowerCase();

/** The SDK copies per-call headers onto LRO poll GETs; If-Match belongs on the write only. */
const ifMatchOnWritesOnly: PipelinePolicy = {
  name: 'segsyncIfMatchOnWritesOnly',
  sendRequest(request, next) {
    if (request.method === 'GET') request.headers.delete('If-Match');
    return next(request);
  },
};

/** Any SDK failure as the CloudApiError the error table classifies; network failures pass through. */
export function toCloudError(e: unknown): unknown {
  if (e instanceof CloudApiError) return e;
  const err = e as {
    name?: string;
    code?: string;
    statusCode?: number;
    message?: string;
    response?: { headers?: { get(n: string): string | undefined } };
  };
  if (err?.name === 'RestError' && typeof err.statusCode === 'number') {
    const cloudError = new CloudApiError(
      'azure',
      err.code ?? `Http${err.statusCode}`,
      err.message ?? '',
      err.statusCode,
    );
    const retryAfter = Number(err.response?.headers?.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter >= 0) Object.assign(cloudError, { retryAfterSeconds: retryAfter });
    return cloudError;
  }
  // @azure/core-lro reports a Failed Azure-AsyncOperation as a plain Error: "…has failed. <code>. <message>".
  const lro = /long-running operation has failed\. ([A-Za-z0-9_.]+)\. ([\s\S]*)$/.exec(err?.message ?? '');
  if (lro) return new CloudApiError('azure', lro[1]!, lro[2]!, 409);
  return e;
}

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw toCloudError(e);
  }
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}

function succeeded<T extends { provisioningState?: string; id?: string }>(what: string, result: T): T {
  if (result.provisioningState !== undefined && result.provisioningState !== 'Succeeded')
    throw new CloudApiError(
      'azure',
      'ProvisioningStateNotSucceeded',
      `${what} ${result.id ?? ''} ended in provisioningState ${result.provisioningState}`,
      500,
    );
  return result;
}

/**
 * @example
 * const api = sdkAzureNetworkApi({ subscription, credential: new DefaultAzureCredential() });
 * await api.listNetworkSecurityGroups();
 */
export function sdkAzureNetworkApi(o: SdkAzureOptions): AzureNetworkApi {
  const clientOptions = {
    ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint.replace(/\/+$/, '') }),
    ...(o.ca === undefined ? {} : { tlsOptions: { ca: o.ca } }),
    ...(o.userAgent === undefined ? {} : { userAgentOptions: { userAgentPrefix: o.userAgent } }),
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: ifMatchOnWritesOnly, position: 'perRetry' as const }],
  };
  const network = new NetworkManagementClient(o.credential, o.subscription, clientOptions);
  const compute = new ComputeManagementClient(o.credential, o.subscription, clientOptions);
  const lro = o.pollIntervalMs === undefined ? {} : { updateIntervalInMs: o.pollIntervalMs };
  const groups = o.resourceGroups?.length ? [...o.resourceGroups] : undefined;
  const vnets = o.vnets?.length ? new Set(o.vnets.map(key)) : undefined;
  /** NICs as the SDK last returned them, by lowercased id: the base of the next PUT. */
  const readNics = new Map<string, SdkNic>();

  /** Lists a resource type in the whole subscription, or in each configured resource group. */
  const perGroup = async <T>(ops: { listAll(): AsyncIterable<T>; list(rg: string): AsyncIterable<T> }) =>
    groups === undefined ? all(ops.listAll()) : (await Promise.all(groups.map((rg) => all(ops.list(rg))))).flat();
  const inVnets = (n: SdkNic): boolean =>
    vnets === undefined || (n.ipConfigurations ?? []).some((c) => vnets.has(key(vnetOfSubnet(c.subnet?.id ?? ''))));
  const remember = (n: SdkNic): SdkNic => {
    if (n.id !== undefined) readNics.set(key(n.id), n);
    return n;
  };
  const ifMatch = (etag: string | undefined) =>
    etag === undefined ? {} : { requestOptions: { customHeaders: { 'If-Match': etag } } };
  const scope: AzureScope = { subscription: o.subscription };

  return {
    scope,
    listVirtualMachines: (): Promise<ArmVirtualMachine[]> =>
      call(async () => (await perGroup(compute.virtualMachines)).map(vmFromSdk)),
    listNetworkInterfaces: () =>
      call(async () => (await perGroup(network.networkInterfaces)).filter(inVnets).map((n) => nicFromSdk(remember(n)))),
    listNetworkSecurityGroups: () => call(async () => (await perGroup(network.networkSecurityGroups)).map(nsgFromSdk)),
    listApplicationSecurityGroups: () =>
      call(async () => (await perGroup(network.applicationSecurityGroups)).map(asgFromSdk)),
    listSubnetNetworkSecurityGroups: () =>
      call(async () => {
        const listed = await perGroup(network.virtualNetworks);
        // A named VNet outside the listed resource groups is read by id.
        const seen = new Set(listed.map((v) => key(v.id ?? '')));
        const extra = groups === undefined ? [] : [...(o.vnets ?? [])].filter((id) => !seen.has(key(id)));
        const named = await Promise.all(
          extra.map((id) => network.virtualNetworks.get(armParts(id).resourceGroup, armParts(id).name)),
        );
        const out: Record<string, string> = {};
        for (const vnet of [...listed, ...named]) {
          if (vnets !== undefined && !vnets.has(key(vnet.id ?? ''))) continue;
          for (const s of vnet.subnets ?? [])
            if (s.id !== undefined && s.networkSecurityGroup?.id !== undefined) out[s.id] = s.networkSecurityGroup.id;
        }
        return out;
      }),
    getVirtualMachine: (rg, name) => call(async () => vmFromSdk(await compute.virtualMachines.get(rg, name))),
    getNetworkInterface: (rg, name) =>
      call(async () => nicFromSdk(remember(await network.networkInterfaces.get(rg, name)))),
    getNetworkSecurityGroup: (rg, name) =>
      call(async () => nsgFromSdk(await network.networkSecurityGroups.get(rg, name))),
    getApplicationSecurityGroup: (rg, name) =>
      call(async () => asgFromSdk(await network.applicationSecurityGroups.get(rg, name))),

    createOrUpdateNetworkSecurityGroup: (rg, name, nsg, options): Promise<ArmNetworkSecurityGroup> =>
      call(async () => {
        const body = {
          location: nsg.location,
          tags: nsg.tags,
          securityRules: nsg.properties.securityRules.map(ruleToSdk),
        };
        const written = await network.networkSecurityGroups.beginCreateOrUpdateAndWait(rg, name, body, {
          ...lro,
          ...ifMatch(options?.ifMatch),
        });
        return nsgFromSdk(succeeded('network security group', written));
      }),
    deleteNetworkSecurityGroup: (rg, name) =>
      call(() => network.networkSecurityGroups.beginDeleteAndWait(rg, name, lro)),
    createOrUpdateSecurityRule: (rg, nsgName, ruleName, rule): Promise<AzureSecurityRule> =>
      call(async () => {
        const written = await network.securityRules.beginCreateOrUpdateAndWait(
          rg,
          nsgName,
          ruleName,
          ruleToSdk(rule),
          lro,
        );
        return ruleFromSdk(succeeded('security rule', written));
      }),
    deleteSecurityRule: (rg, nsgName, ruleName) =>
      call(() => network.securityRules.beginDeleteAndWait(rg, nsgName, ruleName, lro)),
    createOrUpdateApplicationSecurityGroup: (rg, name, asg): Promise<AzureApplicationSecurityGroup> =>
      call(async () => {
        const written = await network.applicationSecurityGroups.beginCreateOrUpdateAndWait(
          rg,
          name,
          { location: asg.location, tags: asg.tags },
          lro,
        );
        return asgFromSdk(succeeded('application security group', written));
      }),
    deleteApplicationSecurityGroup: (rg, name) =>
      call(() => network.applicationSecurityGroups.beginDeleteAndWait(rg, name, lro)),
    createOrUpdateNetworkInterface: (rg, name, nic, options): Promise<ArmNetworkInterface> =>
      call(async () => {
        const known = readNics.get(key(nic.id));
        const base =
          known !== undefined && options?.ifMatch !== undefined && known.etag === options.ifMatch
            ? known
            : remember(await network.networkInterfaces.get(rg, name));
        const written = await network.networkInterfaces.beginCreateOrUpdateAndWait(rg, name, nicToSdk(base, nic), {
          ...lro,
          ...ifMatch(options?.ifMatch),
        });
        return nicFromSdk(remember(succeeded('network interface', written)));
      }),
  };
}
