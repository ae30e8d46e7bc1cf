/**
 * Each cloud's quotas as the compiler and planner see them, and the context both receive.
 * Pure data. Here, below compile and plan, because both stages read the same budgets: compile
 * fits within them, plan checks that a transition stays within them (DESIGN.md §3 "Quotas").
 */

/** Everything a compiler and planner need besides their data. */
export interface CompileContext {
  deploymentId: string;
  limits?: {
    aws?: Partial<AwsBudget>;
    azure?: Partial<AzureBudget>;
    gcp?: Partial<GcpBudget>;
  };
}

export interface AwsBudget {
  rulesPerGroupPerDirectionPerFamily: number;
  groupsPerInterface: number;
  prefixListMaxEntries: number;
  /** Member address sets of at most this many CIDRs are written inline instead of as a prefix list. */
  inlineCidrsMax: number;
}
export interface AzureBudget {
  rulesPerNsg: number;
  prefixesPerNsgSide: number;
  asgsPerIpConfiguration: number;
  asgsPerNsg: number;
  asgsPerRuleSide: number;
  priorityMin: number;
  priorityMax: number;
}
export interface GcpBudget {
  /**
   * Compute Engine quota FIREWALLS: VPC firewall rules per project, over all its networks (500
   * observed, adjustable on request: CLOUD-FACTS-SCALE §3.1). Compile counts segsync's own rules
   * only; foreign rules in the project use the same quota and are not seen at compile time.
   */
  firewallsPerProject: number;
  tagsPerInstance: number;
  sourceTagsPerRule: number;
  targetTagsPerRule: number;
  rangesPerRule: number;
}

export const DEFAULT_BUDGETS = {
  aws: {
    rulesPerGroupPerDirectionPerFamily: 60,
    groupsPerInterface: 5,
    prefixListMaxEntries: 1000,
    inlineCidrsMax: 3,
  } satisfies AwsBudget,
  azure: {
    rulesPerNsg: 1000,
    prefixesPerNsgSide: 4000,
    asgsPerIpConfiguration: 20,
    asgsPerNsg: 100,
    asgsPerRuleSide: 10,
    priorityMin: 100,
    priorityMax: 4096,
  } satisfies AzureBudget,
  gcp: {
    firewallsPerProject: 500,
    tagsPerInstance: 64,
    sourceTagsPerRule: 30,
    targetTagsPerRule: 70,
    rangesPerRule: 5000,
  } satisfies GcpBudget,
};
