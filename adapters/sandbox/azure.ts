/**
 * Sandbox Azure: an in-memory Microsoft.Network (NSGs, security rules, ASGs, NICs) plus VM reads,
 * per subscription, seeded from an estate. Every call returns deep copies; ids, etags and list
 * order are deterministic (same estate + same calls → same JSON). Split: azure-network.ts (the API
 * of one subscription), azure-read.ts (GETs by name, ARM's 404s), azure-model.ts (state, ids, seeding,
 * default rules), azure-rules.ts (rule validation), azure-nic.ts (NIC PUT).
 *
 * Modelled (status, ARM `code`, source):
 * - NSG PUT creates or replaces (securityRules = the whole set), returns the six default rules
 *   exactly as specs/azure/examples/NetworkSecurityGroupCreate.json (§2.1) and a new etag on every
 *   write; child rule etags equal the NSG's. `ifMatch` stale or on a missing resource → 412
 *   PreconditionFailed (§2.4; kubernetes-sigs/cloud-provider-azure#9729 shows code and message).
 * - Rule checks on the NSG's resulting rule set, whichever write path (§2.4): name ≤ 80 and
 *   pattern → 400 InvalidResourceName (message from kubernetes-sigs/cloud-provider-azure#3352,
 *   hashicorp/terraform-provider-azurerm#21093; also for NSG/ASG names); priority 100–4096 → 400
 *   SecurityRuleInvalidPriority (pulumi/pulumi-azure-native#2221); same priority + direction →
 *   400 SecurityRuleConflict (Azure/aks-engine#2106, terraform-provider-azurerm#11137); ports `*`,
 *   `80`, `80-90` or a list of those → 400 SecurityRuleInvalidPortRange (Azure/azure-cli#23499,
 *   terraform-provider-azurerm#1530); singular prefix: `*`, service tag, IP or CIDR, else 400
 *   SecurityRuleInvalidAddressPrefix (terraform-provider-azurerm#5617; a CIDR with host bits is
 *   rejected too [?], as Azure does for subnets); plural prefixes reject `*`
 *   and tags → 400 SecurityRuleParameterContainsUnsupportedValue (same issue); > 10 ASGs per side →
 *   400 NumberOfApplicationSecurityGroupsReferencedInSecurityRuleLimitReached
 *   (terraform-provider-azurerm#1346, #9884: limit 1 raised to 10); missing ASG, or one in another
 *   region → 400 InvalidResourceReference (Azure/azure-cli#332, microsoft/CromwellOnAzure#231 for the
 *   message); rule whose ASGs have members in different VNets → 400
 *   AllApplicationSecurityGroupsInSecurityRuleMustBeFromSameVnet (§2.2;
 *   Azure/azure-sdk-for-java#34158); > 1000 rules → 400 SecurityRuleCountLimitReached
 *   (Azure/azure-rest-api-specs#3003); > 4000 prefixes per side per NSG → 400
 *   SecurityRuleAddressesOrPortsPerSecurityGroupLimitReached (§2.3;
 *   kubernetes-sigs/cloud-provider-azure#2725).
 * - Codes marked [?] (behaviour documented or observed, code string not captured): exactly one of
 *   prefix/prefixes/ASGs per side (SecurityRuleInvalidAddressSpecification [?], §2.1 + Terraform
 *   docs), both or neither port field (SecurityRuleInvalidPortRange [?]), protocol outside the
 *   swagger enum (SecurityRuleInvalidProtocol [?]), description > 140 chars (swagger;
 *   SecurityRuleDescriptionTooLong [?]), duplicate rule names (DuplicateResourceName [?]),
 *   > 100 ASGs per NSG (§2.3; NumberOfApplicationSecurityGroupsReferencedInSecurityGroupLimitReached
 *   [?]), > 20 ASGs per IP configuration (§2.3;
 *   NumberOfApplicationSecurityGroupsReferencedInIpConfigurationLimitReached [?]), a NIC joining an
 *   ASG whose members are in another VNet (§2.2; ApplicationSecurityGroupIpConfigurationsInDifferentVirtualNetworks
 *   [?]), deleting an ASG still used by an IP configuration or a rule (message from
 *   Azure/azure-cli#12591; InUseApplicationSecurityGroupCannotBeDeleted [?]).
 * - NIC PUT: ASG membership per IP configuration, all IP configurations with the same ASG set →
 *   400 AllIpConfigurationsOnANicMustBelongToTheSameApplicationSecurityGroups (Azure/azure-cli#21551,
 *   Azure/azure-sdk-for-java#20341; applied to IPv6 configurations too [?]); NSG must exist in the
 *   NIC's region → 400 InvalidResourceReference; tags replaced; etag/ifMatch → 412.
 * - Delete NSG associated to a NIC or subnet → 400 InUseNetworkSecurityGroupCannotBeDeleted
 *   (pulumi/pulumi-azure-native#3051, DataBiosphere/terra-workspace-manager#502). DELETE of a
 *   missing NSG, rule or ASG succeeds (ARM DELETE is idempotent: 204). Child write on a missing NSG
 *   → 404 ParentResourceNotFound (ARM troubleshooting "resource-manager-parent-resource-errors").
 *   Write into an unknown resource group → 404 ResourceGroupNotFound; PUT without location → 400
 *   LocationRequired; changing an existing resource's location → 400 InvalidResourceLocation.
 * - 429 RetryableErrorDueToAnotherOperation / throttling and 5xx only through the FaultInjector,
 *   checked first in every call (§2.4, §2.7).
 * Not modelled: NIC creation or deletion, adding/removing IP configurations or changing addresses
 * (400 SandboxNotModelled); subnet NSG writes (no API method; seeded empty); VNet peering and
 * address spaces; service tag contents; NSG PATCH; tag-name rules on tagVm (§2.5); port counts
 * in the 4000-per-NSG limit; AVNM admin rules; serialized concurrent writes (one process, every
 * call completes atomically); the `x-ms-ratelimit-*` headers.
 */
import type { AzureState, AzureVirtualMachine } from '../../core/model/native/azure.ts';
import { SandboxAzureNetwork, type World } from './azure-network.ts';
import {
  DEFAULT_AZURE_LIMITS,
  EtagClock,
  azureError,
  key,
  renderNsg,
  seedAzure,
  sortById,
  type AzureLimits,
  type SubscriptionState,
} from './azure-model.ts';
import type { Estate } from './estate-types.ts';
import type { FaultInjector } from './faults.ts';
import { fromData, toData, type CloudDump } from './persist.ts';

export { DEFAULT_AZURE_LIMITS, type AzureLimits } from './azure-model.ts';
export { SandboxAzureNetwork } from './azure-network.ts';

/** Every sandbox subscription of an estate, with test controls that play the part of people. */
export class SandboxAzure {
  private readonly apis = new Map<string, SandboxAzureNetwork>();

  private constructor(private readonly world: World) {}

  static fromEstate(
    estate: Estate,
    options: { limits?: Partial<AzureLimits>; faults?: FaultInjector } = {},
  ): SandboxAzure {
    const clock = new EtagClock();
    return new SandboxAzure({
      subs: seedAzure(estate, clock),
      clock,
      limits: { ...DEFAULT_AZURE_LIMITS, ...options.limits },
      faults: options.faults,
    });
  }

  /** Everything this sandbox holds (subscriptions, the etag clock, limits) as JSON data; `restore` inverts it. */
  dump(): CloudDump {
    const { subs, clock, limits } = this.world;
    return toData({ limits, etags: clock.count, subs: [...subs.values()] }) as CloudDump;
  }

  /** The sandbox `dump()` saved: same state, same future etags. Faults are not part of the state. */
  static restore(
    dump: CloudDump,
    options: { limits?: Partial<AzureLimits>; faults?: FaultInjector } = {},
  ): SandboxAzure {
    const data = fromData(dump) as { limits: AzureLimits; etags: number; subs: SubscriptionState[] };
    return new SandboxAzure({
      subs: new Map(data.subs.map((s) => [key(s.subscription), s])),
      clock: new EtagClock(data.etags),
      limits: { ...data.limits, ...options.limits },
      faults: options.faults,
    });
  }

  private subscription(subscription: string): SubscriptionState {
    const sub = this.world.subs.get(key(subscription));
    if (!sub) throw azureError('SubscriptionNotFound', `The subscription '${subscription}' could not be found.`, 404);
    return sub;
  }

  api(subscription: string): SandboxAzureNetwork {
    const sub = this.subscription(subscription);
    const api = this.apis.get(key(subscription)) ?? new SandboxAzureNetwork(this.world, sub);
    this.apis.set(key(subscription), api);
    return api;
  }

  subscriptions(): string[] {
    return [...this.world.subs.values()].map((s) => s.subscription).sort();
  }

  /** The whole Azure state across subscriptions, in the shape the evaluator reads, sorted by id. */
  snapshot(): AzureState {
    const subs = [...this.world.subs.values()].sort((a, b) => (key(a.subscription) < key(b.subscription) ? -1 : 1));
    const subnets = subs
      .flatMap((s) => [...s.subnetNsgs.values()])
      .sort((a, b) => (key(a.subnet) < key(b.subnet) ? -1 : 1));
    return {
      networkSecurityGroups: sortById(subs.flatMap((s) => [...s.nsgs.values()].map((n) => renderNsg(s, n)))),
      applicationSecurityGroups: structuredClone(sortById(subs.flatMap((s) => [...s.asgs.values()]))),
      networkInterfaces: structuredClone(sortById(subs.flatMap((s) => [...s.nics.values()]))),
      subnetNetworkSecurityGroups: Object.fromEntries(subnets.map((s) => [s.subnet, s.nsg])),
    };
  }

  /**
   * Someone edits a VM's tags (as the portal or Tags API would): keys match case-insensitively
   * (§2.5), `null` removes a tag. Not an API call, so no faults.
   */
  tagVm(subscription: string, vmName: string, tags: Record<string, string | null>): void {
    const matches = [...this.subscription(subscription).vms.values()].filter((v) => key(v.name) === key(vmName));
    if (matches.length !== 1)
      throw azureError(
        'ResourceNotFound',
        `${matches.length === 0 ? 'No' : 'More than one'} virtual machine named '${vmName}' in subscription '${subscription}'.`,
        404,
      );
    const vm = matches[0] as AzureVirtualMachine;
    const next = { ...vm.tags };
    for (const [k, v] of Object.entries(tags)) {
      for (const old of Object.keys(next)) if (key(old) === key(k)) delete next[old];
      if (v !== null) next[k] = v;
    }
    vm.tags = next;
  }
}
