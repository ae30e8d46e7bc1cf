/**
 * The Ec2Api (api.ts) over the real AWS SDK (@aws-sdk/client-ec2) for one account and Region:
 * the same interface the sandbox implements, so read.ts and apply.ts run unchanged on both.
 *
 * Reads (CLOUD-FACTS §1.6: an unfiltered AND unpaginated Describe* draws from the small
 * "unfiltered" token bucket, so none is ever sent):
 * - DescribeInstances / DescribeNetworkInterfaces / DescribeSecurityGroups go through the SDK
 *   paginators (MaxResults on every request, NextToken followed); by ids they are one request
 *   (EC2 refuses MaxResults together with ids). `vpcs` (the deployment's VPC filter) adds a
 *   `vpc-id` filter to every one of them.
 * - Prefix lists (prefix-lists.ts): only this account's own (AWS-managed lists such as
 *   com.amazonaws.*.s3 are not segsync's), joined with GetManagedPrefixListEntries, paginated.
 * Writes: tags at creation (TagSpecifications), one Authorize/Revoke call per step with every
 * permission in it (same protocol and ports merged into one IpPermission); prefix-list writes in
 * prefix-lists.ts.
 * Errors: sdk-error.ts turns every SDK failure into CloudApiError with the EC2 code.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  type EC2Client,
  type Filter,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { AwsIpPermission } from '../../core/model/native/aws.ts';
import type { Ec2Api, Ec2Filter, Ec2Scope } from './api.ts';
import { toEc2Instance, toEc2NetworkInterface, toEc2SecurityGroup, toSdkPermissions } from './sdk-shapes.ts';
import { toCloudApiError } from './sdk-error.ts';
import { allPages, sdkPrefixLists, tagSpecifications } from './prefix-lists.ts';

/** The largest page EC2 serves for instances, ENIs and groups (MaxResults 5–1000). */
const PAGE_SIZE = 1000;
export interface SdkEc2Options {
  /** Only these VPCs are read (`vpc-id` filter on instances, ENIs and groups); absent: every VPC. */
  vpcs?: readonly string[];
  /** Named in error messages; default: the client's configured endpoint, else EC2 in the scope's Region. */
  endpoint?: string;
  /** MaxResults of instance, ENI and group pages (5–1000); default the largest. Tests page small. */
  pageSize?: number;
  /** Injected so tests need not wait for prefix lists to settle. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * @example
 * const ec2 = sdkEc2Api(new EC2Client({ region: 'eu-west-1' }), { account: '111111111111', region: 'eu-west-1' });
 * const { workloads, state } = await readAws(ec2);
 */
export function sdkEc2Api(client: EC2Client, scope: Ec2Scope, options: SdkEc2Options = {}): Ec2Api {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const vpcs = options.vpcs && options.vpcs.length > 0 ? [...options.vpcs] : undefined;

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw toCloudApiError(e, operation, options.endpoint ?? (await endpointOf(client, scope)));
    }
  }

  /** The caller's filters with the deployment's VPC filter added; undefined: no VPC can match. */
  function inVpcs(filters: Ec2Filter[] | undefined): Filter[] | undefined {
    const given = (filters ?? []).map((f) => ({ Name: f.Name, Values: [...f.Values] }));
    if (!vpcs) return given;
    const own = given.find((f) => f.Name === 'vpc-id');
    if (!own) return [...given, { Name: 'vpc-id', Values: vpcs }];
    own.Values = own.Values.filter((v) => vpcs.includes(v));
    return own.Values.length > 0 ? given : undefined;
  }

  /** One Authorize/Revoke call with every permission (none: no call). */
  const rules =
    <I extends { GroupId: string; IpPermissions: IpPermission[] }>(
      operation: string,
      send: (input: I) => Promise<unknown>,
    ) =>
    async (input: { GroupId: string; IpPermissions: AwsIpPermission[] }): Promise<void> => {
      if (input.IpPermissions.length === 0) return;
      const IpPermissions = toSdkPermissions(input.IpPermissions);
      await call(operation, () => send({ GroupId: input.GroupId, IpPermissions } as I));
    };

  return {
    scope: { ...scope },
    ...sdkPrefixLists(client, scope, call, sleep),

    describeInstances: (input = {}) =>
      call('DescribeInstances', async () => {
        const Filters = inVpcs(input.Filters);
        if (!Filters) return [];
        const reservations = input.InstanceIds
          ? ((await client.send(new DescribeInstancesCommand({ InstanceIds: input.InstanceIds, Filters })))
              .Reservations ?? [])
          : await allPages(paginateDescribeInstances({ client, pageSize }, { Filters }), (p) => p.Reservations);
        return reservations.flatMap((r) => r.Instances ?? []).map(toEc2Instance);
      }),

    describeNetworkInterfaces: (input = {}) =>
      call('DescribeNetworkInterfaces', async () => {
        const Filters = inVpcs(input.Filters);
        if (!Filters) return [];
        const enis = input.NetworkInterfaceIds
          ? ((
              await client.send(
                new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: input.NetworkInterfaceIds, Filters }),
              )
            ).NetworkInterfaces ?? [])
          : await allPages(
              paginateDescribeNetworkInterfaces({ client, pageSize }, { Filters }),
              (p) => p.NetworkInterfaces,
            );
        return enis.map(toEc2NetworkInterface);
      }),

    describeSecurityGroups: (input = {}) =>
      call('DescribeSecurityGroups', async () => {
        const Filters = inVpcs(input.Filters);
        if (!Filters) return [];
        const groups = input.GroupIds
          ? ((await client.send(new DescribeSecurityGroupsCommand({ GroupIds: input.GroupIds, Filters })))
              .SecurityGroups ?? [])
          : await allPages(paginateDescribeSecurityGroups({ client, pageSize }, { Filters }), (p) => p.SecurityGroups);
        return groups.map(toEc2SecurityGroup);
      }),

    createSecurityGroup: (input) =>
      call('CreateSecurityGroup', async () => {
        const res = await client.send(
          new CreateSecurityGroupCommand({
            GroupName: input.GroupName,
            Description: input.Description,
            VpcId: input.VpcId,
            ...tagSpecifications('security-group', input.Tags),
          }),
        );
        return { GroupId: res.GroupId ?? '' };
      }),

    deleteSecurityGroup: (input) =>
      call('DeleteSecurityGroup', async () => {
        await client.send(new DeleteSecurityGroupCommand({ GroupId: input.GroupId }));
      }),

    authorizeSecurityGroupIngress: rules('AuthorizeSecurityGroupIngress', (i) =>
      client.send(new AuthorizeSecurityGroupIngressCommand(i)),
    ),
    authorizeSecurityGroupEgress: rules('AuthorizeSecurityGroupEgress', (i) =>
      client.send(new AuthorizeSecurityGroupEgressCommand(i)),
    ),
    revokeSecurityGroupIngress: rules('RevokeSecurityGroupIngress', (i) =>
      client.send(new RevokeSecurityGroupIngressCommand(i)),
    ),
    revokeSecurityGroupEgress: rules('RevokeSecurityGroupEgress', (i) =>
      client.send(new RevokeSecurityGroupEgressCommand(i)),
    ),

    modifyNetworkInterfaceAttribute: (input) =>
      call('ModifyNetworkInterfaceAttribute', async () => {
        await client.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: input.NetworkInterfaceId,
            Groups: input.Groups,
          }),
        );
      }),
  };
}

/** The URL the client sends to, for messages (`endpoint` config), else the Region's EC2 host name. */
async function endpointOf(client: EC2Client, scope: Ec2Scope): Promise<string> {
  try {
    const ep = await client.config.endpoint?.();
    if (ep) return `${ep.protocol}//${ep.hostname}${ep.port ? `:${ep.port}` : ''}${ep.path === '/' ? '' : ep.path}`;
  } catch {
    // no configured endpoint: the SDK resolves one per Region
  }
  return `ec2.${scope.region}.amazonaws.com`;
}
