/**
 * Sandbox Azure: an in-memory Microsoft.Network (NSGs, security rules, ASGs, NICs) plus VM reads,
 * per subscription, seeded from an estate. Every call returns deep copies; ids, etags and list
 * order are deterministic (same estate + same calls → same JSON). Split: azure-model.ts (state,
 * ids, seeding, default rules), azure-rules.ts (rule validation), azure-nic.ts (NIC PUT).
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
import type {
  AzureApplicationSecurityGroup,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureState,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';
import type { AzureNetworkApi, AzureScope } from '../azure/api.ts';
import {
  DEFAULT_AZURE_LIMITS,
  EtagClock,
  azureError,
  key,
  networkId,
  renderNsg,
  sameRegion,
  seedAzure,
  sortById,
  type AzureLimits,
  type SubscriptionState,
} from './azure-model.ts';
import { updatedNic } from './azure-nic.ts';
import { checkResourceName, storedRule, validateRuleSet } from './azure-rules.ts';
import type { Estate } from './estate-types.ts';
import type { FaultInjector } from './faults.ts';

export { DEFAULT_AZURE_LIMITS, type AzureLimits } from './azure-model.ts';

interface World {
  readonly subs: Map<string, SubscriptionState>;
  readonly clock: EtagClock;
  readonly limits: AzureLimits;
  readonly faults: FaultInjector | undefined;
}

function checkIfMatch(current: string | undefined, ifMatch: string | undefined, id: string): void {
  if (ifMatch === undefined || (ifMatch === '*' && current !== undefined) || ifMatch === current) return;
  throw azureError(
    'PreconditionFailed',
    `Precondition failed. Etag provided in if-match header ${ifMatch} does not match etag ${current ?? '(none: the resource does not exist)'} of resource ${id}.`,
    412,
  );
}

function checkPlacement(
  sub: SubscriptionState,
  rg: string,
  location: string | undefined,
  existing: { id: string; location: string } | undefined,
): string {
  if (!sub.resourceGroups.has(key(rg)))
    throw azureError('ResourceGroupNotFound', `Resource group '${rg}' could not be found.`, 404);
  if (location === undefined || location === '')
    throw azureError('LocationRequired', 'The location property is required for this definition.');
  if (existing && !sameRegion(existing.location, location)) {
    throw azureError(
      'InvalidResourceLocation',
      `The resource '${existing.id}' already exists in location '${existing.location}'. A resource with the same name cannot be created in location '${location}'.`,
    );
  }
  return location;
}

const withTags = (tags: Record<string, string> | undefined): { tags?: Record<string, string> } =>
  tags === undefined ? {} : { tags: { ...tags } };

/** The Microsoft.Network API of one sandbox subscription. */
export class SandboxAzureNetwork implements AzureNetworkApi {
  readonly scope: AzureScope;

  constructor(
    private readonly world: World,
    private readonly sub: SubscriptionState,
  ) {
    this.scope = { subscription: sub.subscription };
  }

  /** Every call starts here: an injected fault fails it before anything changes. */
  private begin(operation: string): SubscriptionState {
    this.world.faults?.check('azure', operation);
    return this.sub;
  }

  private id(rg: string, type: string, name: string): string {
    return networkId(this.sub.subscription, rg, type, name);
  }

  async listVirtualMachines(): Promise<AzureVirtualMachine[]> {
    return structuredClone(sortById(this.begin('listVirtualMachines').vms.values()));
  }

  async listNetworkInterfaces(): Promise<AzureNetworkInterface[]> {
    return structuredClone(sortById(this.begin('listNetworkInterfaces').nics.values()));
  }

  async listNetworkSecurityGroups(): Promise<AzureNetworkSecurityGroup[]> {
    const sub = this.begin('listNetworkSecurityGroups');
    return sortById(sub.nsgs.values()).map((n) => renderNsg(sub, n));
  }

  async listApplicationSecurityGroups(): Promise<AzureApplicationSecurityGroup[]> {
    return structuredClone(sortById(this.begin('listApplicationSecurityGroups').asgs.values()));
  }

  async listSubnetNetworkSecurityGroups(): Promise<Record<string, string>> {
    const sub = this.begin('listSubnetNetworkSecurityGroups');
    return Object.fromEntries(
      sortById([...sub.subnetNsgs.values()].map((s) => ({ id: s.subnet, nsg: s.nsg }))).map((s) => [s.id, s.nsg]),
    );
  }

  async createOrUpdateNetworkSecurityGroup(
    rg: string,
    name: string,
    nsg: { location: string; tags?: Record<string, string>; properties: { securityRules: AzureSecurityRule[] } },
    options?: { ifMatch?: string },
  ): Promise<AzureNetworkSecurityGroup> {
    const sub = this.begin('createOrUpdateNetworkSecurityGroup');
    checkResourceName(name);
    const id = this.id(rg, 'networkSecurityGroups', name);
    const existing = sub.nsgs.get(key(id));
    const location = checkPlacement(sub, rg, nsg.location, existing);
    checkIfMatch(existing?.etag, options?.ifMatch, id);
    const nsgId = existing?.id ?? id;
    const rules = (nsg.properties?.securityRules ?? []).map((r) => storedRule(nsgId, r.name, r));
    validateRuleSet({ sub, nsgId, location, limits: this.world.limits }, rules);
    const stored: AzureNetworkSecurityGroup = {
      id: nsgId,
      name: existing?.name ?? name,
      location: existing?.location ?? location,
      etag: this.world.clock.next(),
      ...withTags(nsg.tags),
      properties: { securityRules: rules },
    };
    sub.nsgs.set(key(id), stored);
    return renderNsg(sub, stored);
  }

  async deleteNetworkSecurityGroup(rg: string, name: string): Promise<void> {
    const sub = this.begin('deleteNetworkSecurityGroup');
    const nsg = sub.nsgs.get(key(this.id(rg, 'networkSecurityGroups', name)));
    if (!nsg) return;
    const rendered = renderNsg(sub, nsg).properties;
    const users = [...(rendered.networkInterfaces ?? []), ...(rendered.subnets ?? [])].map((r) => r.id);
    if (users.length > 0) {
      throw azureError(
        'InUseNetworkSecurityGroupCannotBeDeleted',
        `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ${users.join(', ')}. In order to delete the Network security group, remove the association with the resource(s).`,
      );
    }
    sub.nsgs.delete(key(nsg.id));
  }

  /** The NSG a child write goes to; 404 ParentResourceNotFound when it does not exist. */
  private parentNsg(rg: string, nsgName: string): AzureNetworkSecurityGroup {
    const nsg = this.sub.nsgs.get(key(this.id(rg, 'networkSecurityGroups', nsgName)));
    if (!nsg)
      throw azureError(
        'ParentResourceNotFound',
        `Can not perform requested operation on nested resource. Parent resource '${nsgName}' not found.`,
        404,
      );
    return nsg;
  }

  private replaceRules(nsg: AzureNetworkSecurityGroup, rules: AzureSecurityRule[]): AzureNetworkSecurityGroup {
    validateRuleSet({ sub: this.sub, nsgId: nsg.id, location: nsg.location, limits: this.world.limits }, rules);
    const updated = { ...nsg, etag: this.world.clock.next(), properties: { ...nsg.properties, securityRules: rules } };
    this.sub.nsgs.set(key(nsg.id), updated);
    return renderNsg(this.sub, updated);
  }

  async createOrUpdateSecurityRule(
    rg: string,
    nsgName: string,
    ruleName: string,
    rule: AzureSecurityRule,
  ): Promise<AzureSecurityRule> {
    this.begin('createOrUpdateSecurityRule');
    const nsg = this.parentNsg(rg, nsgName);
    const existing = nsg.properties.securityRules.find((r) => key(r.name) === key(ruleName));
    const name = existing?.name ?? ruleName;
    // The changed rule goes last so a conflict message names the rule already there first.
    const rules = [...nsg.properties.securityRules.filter((r) => r !== existing), storedRule(nsg.id, name, rule)];
    const rendered = this.replaceRules(nsg, rules);
    return rendered.properties.securityRules.find((r) => r.name === name) as AzureSecurityRule;
  }

  async deleteSecurityRule(rg: string, nsgName: string, ruleName: string): Promise<void> {
    const sub = this.begin('deleteSecurityRule');
    const nsg = sub.nsgs.get(key(this.id(rg, 'networkSecurityGroups', nsgName)));
    const rules = nsg?.properties.securityRules.filter((r) => key(r.name) !== key(ruleName));
    if (!nsg || !rules || rules.length === nsg.properties.securityRules.length) return;
    this.replaceRules(nsg, rules);
  }

  async createOrUpdateApplicationSecurityGroup(
    rg: string,
    name: string,
    asg: { location: string; tags?: Record<string, string> },
  ): Promise<AzureApplicationSecurityGroup> {
    const sub = this.begin('createOrUpdateApplicationSecurityGroup');
    checkResourceName(name);
    const id = this.id(rg, 'applicationSecurityGroups', name);
    const existing = sub.asgs.get(key(id));
    const location = checkPlacement(sub, rg, asg.location, existing);
    const stored: AzureApplicationSecurityGroup = {
      id: existing?.id ?? id,
      name: existing?.name ?? name,
      location: existing?.location ?? location,
      etag: this.world.clock.next(),
      ...withTags(asg.tags),
      properties: { provisioningState: 'Succeeded' },
    };
    sub.asgs.set(key(id), stored);
    return structuredClone(stored);
  }

  /** Who still references an ASG: IP configurations first, then security rules. */
  private asgUsers(asgId: string): { ipConfigurations: string[]; rules: string[] } {
    const ipConfigurations = [...this.sub.nics.values()]
      .flatMap((n) => n.properties.ipConfigurations)
      .filter((c) => (c.properties.applicationSecurityGroups ?? []).some((a) => key(a.id) === key(asgId)))
      .map((c) => c.id)
      .sort();
    const rules = [...this.sub.nsgs.values()]
      .flatMap((n) => n.properties.securityRules)
      .filter((r) =>
        [
          ...(r.properties.sourceApplicationSecurityGroups ?? []),
          ...(r.properties.destinationApplicationSecurityGroups ?? []),
        ].some((a) => key(a.id) === key(asgId)),
      )
      .map((r) => r.id ?? r.name)
      .sort();
    return { ipConfigurations, rules };
  }

  async deleteApplicationSecurityGroup(rg: string, name: string): Promise<void> {
    const sub = this.begin('deleteApplicationSecurityGroup');
    const asg = sub.asgs.get(key(this.id(rg, 'applicationSecurityGroups', name)));
    if (!asg) return;
    const { ipConfigurations, rules } = this.asgUsers(asg.id);
    if (ipConfigurations.length > 0 || rules.length > 0) {
      const by =
        ipConfigurations.length > 0
          ? `IpConfiguration(s) ${ipConfigurations.join(', ')}`
          : `security rule(s) ${rules.join(', ')}`;
      throw azureError(
        'InUseApplicationSecurityGroupCannotBeDeleted',
        `Application Security Group ${asg.name} cannot be deleted because it is referenced by ${by}.`,
      );
    }
    sub.asgs.delete(key(asg.id));
  }

  async createOrUpdateNetworkInterface(
    rg: string,
    name: string,
    nic: AzureNetworkInterface,
    options?: { ifMatch?: string },
  ): Promise<AzureNetworkInterface> {
    const sub = this.begin('createOrUpdateNetworkInterface');
    const id = this.id(rg, 'networkInterfaces', name);
    const current = sub.nics.get(key(id));
    if (!current)
      throw azureError(
        'ResourceNotFound',
        `The Resource 'Microsoft.Network/networkInterfaces/${name}' under resource group '${rg}' was not found (the sandbox does not create NICs).`,
        404,
      );
    checkIfMatch(current.etag, options?.ifMatch, current.id);
    const updated = updatedNic(sub, current, nic, this.world.limits, this.world.clock.next());
    sub.nics.set(key(id), updated);
    return structuredClone(updated);
  }
}

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
