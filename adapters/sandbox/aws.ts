/**
 * The sandbox AWS: an in-memory EC2 per (account, Region), seeded from an estate file, that
 * behaves like the real EC2 API where segsync depends on it. Where AWS and moto differ
 * (CLOUD-FACTS §7), it follows AWS.
 *
 * Modelled (CLOUD-FACTS section → behaviour):
 * - §1.1 each instance has a primary ENI (plus estate nics) in its VPC, carrying the groups; every
 *   VPC has a 'default' group (inbound: all from itself; outbound: all to 0.0.0.0/0, and ::/0 when
 *   the VPC has IPv6) that cannot be deleted (CannotDelete); ENIs without estate groups use it.
 * - §1.1 a new group has no inbound rules and one allow-all outbound rule per family in use.
 * - §1.3 group names: ≤ 255 chars of the allowed set, not 'sg-*', unique per VPC
 *   (InvalidGroup.Duplicate); rule descriptions: the same set without '&'; tags ≤ 50, no 'aws:'.
 * - §1.4/§1.5 authorize: rules expand to units (protocol, ports, one peer); an existing unit →
 *   InvalidPermission.Duplicate, a unit twice in one call → InvalidParameterValue, and either way
 *   nothing of the call applies. Revoke (non-default VPC): any missing unit →
 *   InvalidPermission.NotFound and nothing revoked; matching ignores descriptions (unlike moto).
 * - §1.2 quotas (AwsLimits): rules per group per direction per family, with group references
 *   counting 1 and prefix lists MaxEntries in both families (aws-rules.ts); groups per ENI
 *   (SecurityGroupsPerInterfaceLimitExceeded); groups per Region (SecurityGroupLimitExceeded);
 *   prefix-list size and count. The rules × groups-per-ENI ≤ 1,000 cap constrains quota
 *   settings, not individual ENIs, so it is checked on the limits given here.
 * - §1.4 ModifyNetworkInterfaceAttribute replaces the ENI's whole set; groups must exist in the
 *   ENI's VPC (InvalidGroup.NotFound, "belong to different networks").
 * - §1.5/§7 DeleteSecurityGroup while attached or referenced by another group → DependencyViolation.
 * - §1.2/§1.4/§7 managed prefix lists: versions, CurrentVersion, batch limits, MaxEntries and the
 *   resize re-check (aws-prefix-lists.ts).
 * - §1.5/§1.6 throttling and server errors, only when a FaultPlan asks for them (faults.ts).
 *
 * Not modelled: VPC peering, Transit Gateway and cross-account group references (a reference
 * must be in the same VPC) and therefore stale rules; default-VPC revoke semantics
 * (UnknownIpPermissions); rule ids (sgr-…), ModifySecurityGroupRules, DescribeSecurityGroupRules;
 * connection tracking; NACLs; eventual consistency (every write is visible at once); instance
 * launch/termination and ModifyInstanceAttribute; ENI tags; AWS-managed prefix lists and the
 * 5,000 references per prefix list; network interfaces per Region; per-action token buckets.
 */
import { by } from '../../core/model/compare.ts';
import type { AwsState, AwsTag } from '../../core/model/native/aws.ts';
import type { Ec2Scope } from '../aws/api.ts';
import { SandboxEc2, toSecurityGroup } from './aws-ec2.ts';
import { seedAws } from './aws-seed.ts';
import {
  DEFAULT_AWS_LIMITS,
  IdGenerator,
  checkTags,
  ec2Error,
  newScopeState,
  type AwsLimits,
  type ScopeState,
} from './aws-state.ts';
import type { Estate } from './estate-types.ts';
import { FaultInjector, type FaultPlan } from './faults.ts';
import { fromData, toData, type CloudDump } from './persist.ts';

export { SandboxEc2 } from './aws-ec2.ts';
export { DEFAULT_AWS_LIMITS, type AwsLimits } from './aws-state.ts';

const scopeKey = (s: Ec2Scope): string => `${s.account}/${s.region}`;

/** Every (account, Region) of the sandbox AWS, sharing one id space and one fault plan. */
export class SandboxAws {
  private readonly states = new Map<string, ScopeState>();
  private readonly apis = new Map<string, SandboxEc2>();
  readonly limits: Readonly<AwsLimits>;
  /** The shared fault injector (its `injected` count shows how many faults were raised). */
  readonly faults: FaultInjector;

  private constructor(
    limits: Partial<AwsLimits>,
    faults: FaultPlan | FaultInjector | undefined,
    private readonly ids = new IdGenerator(),
  ) {
    this.limits = Object.freeze({ ...DEFAULT_AWS_LIMITS, ...limits });
    const { rulesPerGroupPerDirectionPerFamily: rules, groupsPerInterface: perEni } = this.limits;
    // CLOUD-FACTS §1.2: "This quota multiplied by the quota for security groups per network interface cannot exceed 1,000."
    if (rules * perEni > 1000) {
      throw new RangeError(
        `AwsLimits: rules per group (${rules}) × groups per interface (${perEni}) = ${rules * perEni} exceeds AWS's cap of 1,000`,
      );
    }
    // An injector may be shared with the other sandbox clouds so one plan counts calls across all.
    this.faults = faults instanceof FaultInjector ? faults : new FaultInjector(faults ?? {});
  }

  /**
   * A sandbox holding the estate's AWS instances, their VPCs (each with its default group) and
   * the estate's foreign groups. Deterministic: the same estate gives the same ids and state.
   * @example
   * const aws = SandboxAws.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
   * const ec2 = aws.api({ account: '111111111111', region: 'eu-west-1' });
   */
  static fromEstate(
    estate: Estate,
    options: { limits?: Partial<AwsLimits>; faults?: FaultPlan | FaultInjector } = {},
  ): SandboxAws {
    const aws = new SandboxAws(options.limits ?? {}, options.faults);
    seedAws(structuredClone(estate), (scope) => aws.stateOf(scope), aws.ids, aws.limits);
    return aws;
  }

  /** Everything this sandbox holds (scopes, id counters, limits) as JSON data; `restore` inverts it. */
  dump(): CloudDump {
    return toData({ limits: this.limits, ids: this.ids.dump(), scopes: [...this.states.values()] }) as CloudDump;
  }

  /** The sandbox `dump()` saved: same state, same future ids. Faults are not part of the state. */
  static restore(
    dump: CloudDump,
    options: { limits?: Partial<AwsLimits>; faults?: FaultPlan | FaultInjector } = {},
  ): SandboxAws {
    const data = fromData(dump) as { limits: AwsLimits; ids: Record<string, number>; scopes: ScopeState[] };
    const aws = new SandboxAws({ ...data.limits, ...options.limits }, options.faults, new IdGenerator(data.ids));
    for (const s of data.scopes) aws.states.set(scopeKey(s.scope), s);
    return aws;
  }

  /** The EC2 API of one (account, Region); a Region with nothing in it is simply empty. */
  api(scope: Ec2Scope): SandboxEc2 {
    const key = scopeKey(scope);
    let api = this.apis.get(key);
    if (!api) {
      api = new SandboxEc2(this.stateOf(scope), this.ids, this.limits, this.faults);
      this.apis.set(key, api);
    }
    return api;
  }

  /** Every (account, Region) with a VPC or a prefix list in it, sorted. */
  scopes(): Ec2Scope[] {
    return [...this.states.keys()]
      .sort()
      .map((k) => this.states.get(k)!)
      .filter((s) => s.vpcs.size > 0 || s.prefixLists.size > 0)
      .map((s) => ({ ...s.scope }));
  }

  /** All scopes' groups, ENIs and prefix lists in EC2 API shapes, each sorted by id (what `segsync state` prints). */
  snapshot(): AwsState {
    const all = [...this.states.values()];
    const byId = by;
    return structuredClone({
      SecurityGroups: all
        .flatMap((s) => [...s.groups.values()])
        .sort(byId((g) => g.GroupId))
        .map(toSecurityGroup),
      NetworkInterfaces: all.flatMap((s) => [...s.enis.values()]).sort(byId((e) => e.NetworkInterfaceId)),
      PrefixLists: all.flatMap((s) => [...s.prefixLists.values()]).sort(byId((p) => p.PrefixListId)),
    });
  }

  /**
   * Sets (string) or removes (null) an instance's tags, as a person re-tagging it would
   * (CreateTags/DeleteTags). Bypasses fault injection: it simulates the user, not segsync.
   * @example
   * aws.tagInstance(scope, 'i-prod-app1', { Tier: 'web', Owner: null });
   */
  tagInstance(scope: Ec2Scope, instanceId: string, tags: Record<string, string | null>): void {
    const instance = this.states.get(scopeKey(scope))?.instances.get(instanceId);
    if (!instance) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    const next: AwsTag[] = instance.Tags.map((t) => ({ ...t }));
    for (const [Key, Value] of Object.entries(tags)) {
      const at = next.findIndex((t) => t.Key === Key);
      if (Value === null) {
        if (at >= 0) next.splice(at, 1);
      } else if (at >= 0) next[at] = { Key, Value };
      else next.push({ Key, Value });
    }
    checkTags(next);
    instance.Tags = next;
  }

  private stateOf(scope: Ec2Scope): ScopeState {
    const key = scopeKey(scope);
    let state = this.states.get(key);
    if (!state) {
      state = newScopeState({ account: scope.account, region: scope.region });
      this.states.set(key, state);
    }
    return state;
  }
}
