/**
 * The deployment configuration (DESIGN.md §7): which clouds, accounts, subscriptions and projects
 * one segsync deployment manages, under which id, with which policy. Read by the CLI (`--config`),
 * the functions and the CDK app from one file, `segsync.yaml`. Credentials never appear here:
 * each cloud's standard chain supplies them.
 */
import type { CompileContext } from '../model/budgets.ts';

export interface DeploymentConfig {
  /** The file it was read from, for messages. */
  file: string;
  /** Part of every object name and ownership tag (core/ownership.ts DEPLOYMENT_ID_PATTERN). */
  deploymentId: string;
  /** The policy file, resolved against the configuration file's folder. */
  policy: string;
  /** Raised (or lowered) quotas, as `--limit` gives them. */
  limits?: NonNullable<CompileContext['limits']>;
  /** What the scheduled drift run does: correct (`apply`) or only report. */
  drift: { mode: 'apply' | 'report'; schedule: string };
  aws?: AwsTargets;
  azure?: AzureTargets;
  gcp?: GcpTargets;
}

export interface AwsTargets {
  accounts: AwsAccountTarget[];
  /** Connectivity over which security groups may be referenced across VPCs (CLOUD-FACTS-SCALE §1). */
  connectivity: AwsConnectivity[];
}

export interface AwsAccountTarget {
  /** 12 digits. */
  id: string;
  /**
   * The role to assume in this account, always an ARN (a role name in the file is resolved against
   * the account and the partition of its Regions); absent: the caller's own credentials are for it.
   */
  role?: string;
  externalId?: string;
  regions: string[];
  /** Only these VPCs are managed; absent: every VPC of the account in those Regions. */
  vpcs?: string[];
}

export interface AwsConnectivity {
  kind: 'peering' | 'transit-gateway';
  /** pcx-… or tgw-… */
  id: string;
  region: string;
  /** The VPCs it connects (`vpc-…`); a peering connects exactly two. */
  vpcs: string[];
}

export interface AzureTargets {
  subscriptions: AzureSubscriptionTarget[];
  /** The Event Grid push to the HTTPS ingress: the Secrets Manager secret holding the shared secret. */
  events?: { secret: string };
}

export interface AzureSubscriptionTarget {
  /** A GUID. */
  id: string;
  /** Only these resource groups (names); absent: the whole subscription. */
  resourceGroups?: string[];
  /** Only these VNets (ARM ids); absent: every VNet in scope. */
  vnets?: string[];
}

export interface GcpTargets {
  projects: GcpProjectTarget[];
  /** The Pub/Sub push to the HTTPS ingress: the OIDC token's expected audience and signer. */
  events?: { audience: string; serviceAccount: string };
}

export interface GcpProjectTarget {
  id: string;
  /** Only these VPC networks (names); absent: every network of the project (Shared VPC hosts included). */
  networks?: string[];
}
