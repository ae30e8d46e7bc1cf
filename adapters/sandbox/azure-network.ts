/**
 * SandboxAzureNetwork: the AzureNetworkApi of one sandbox subscription. What is modelled, with
 * the ARM codes and their sources, is listed in azure.ts; GETs by name in azure-read.ts. Lists and
 * GETs hand out deep copies.
 */
import type {
  AzureApplicationSecurityGroup,
  AzureNetworkInterface,
  AzureNetworkSecurityGroup,
  AzureSecurityRule,
  AzureVirtualMachine,
} from '../../core/model/native/azure.ts';
import type { AzureNetworkApi, AzureScope } from '../azure/api.ts';
import {
  EtagClock,
  azureError,
  key,
  networkId,
  renderNsg,
  sameRegion,
  sortById,
  type AzureLimits,
  type SubscriptionState,
} from './azure-model.ts';
import { updatedNic } from './azure-nic.ts';
import { getResource, subnetNsgs } from './azure-read.ts';
import { checkResourceName, storedRule, validateRuleSet } from './azure-rules.ts';
import type { FaultInjector } from './faults.ts';

export interface World {
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
    return subnetNsgs(this.begin('listSubnetNetworkSecurityGroups'));
  }

  async getVirtualMachine(rg: string, name: string): Promise<AzureVirtualMachine> {
    return structuredClone(getResource(this.begin('getVirtualMachine'), 'vms', rg, name));
  }

  async getNetworkInterface(rg: string, name: string): Promise<AzureNetworkInterface> {
    return structuredClone(getResource(this.begin('getNetworkInterface'), 'nics', rg, name));
  }

  async getNetworkSecurityGroup(rg: string, name: string): Promise<AzureNetworkSecurityGroup> {
    const sub = this.begin('getNetworkSecurityGroup');
    return renderNsg(sub, getResource(sub, 'nsgs', rg, name));
  }

  async getApplicationSecurityGroup(rg: string, name: string): Promise<AzureApplicationSecurityGroup> {
    return structuredClone(getResource(this.begin('getApplicationSecurityGroup'), 'asgs', rg, name));
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
