/**
 * Seeding moto with the real SDK, as a person or boto3 script would (CLOUD-FACTS §7): VPCs,
 * subnets, instances with tags, extra ENIs, foreign groups; each account reached by STS
 * AssumeRole against the same moto endpoint. Plus call counting with SDK middleware.
 *
 * Instances are launched WITHOUT security groups (moto then gives the ENI the VPC's default group)
 * and groups are set afterwards with ModifyNetworkInterfaceAttribute: moto unions launch-time
 * SecurityGroupIds into the ENI's groups forever (CLOUD-FACTS §7), which real EC2 does not.
 */
import {
  AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { MOTO_CREDENTIALS } from '../../helpers/moto.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** moto's own account: what plain credentials act as (no role assumed). */
export const MOTO_ACCOUNT = '123456789012';
export const SEED_ROLE = 'segsync-seed';
export const SEGSYNC_ROLE = 'segsync';

/** Environment for connectAws against moto: the endpoint and moto's static keys. */
export function motoEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    SEGSYNC_AWS_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  };
}

/** An EC2 client acting in `account` (AssumeRole unless it is moto's own account). */
export async function ec2In(endpoint: string, account: string, region: string): Promise<EC2Client> {
  if (account === MOTO_ACCOUNT)
    return new EC2Client({ region, endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  const sts = new STSClient({ region, endpoint, credentials: MOTO_CREDENTIALS });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${SEED_ROLE}`, RoleSessionName: 'seed' }),
  );
  return new EC2Client({
    region,
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! },
  });
}

export interface SeededVpc {
  vpcId: string;
  subnetId: string;
  /** The subnet's IPv6 /64 when the VPC has IPv6. */
  ipv6Subnet?: string;
}

/** A VPC with one subnet (`<a>.<b>.0.0/16`, subnet `<a>.<b>.0.0/20`... given explicitly). */
export async function seedVpc(ec2: EC2Client, cidr: string, subnet: string, o: { ipv6?: boolean } = {}) {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: o.ipv6 ?? false })))
    .Vpc!;
  const v6 = vpc.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  const ipv6Subnet = o.ipv6 && v6 ? v6.replace('/56', '/64') : undefined;
  const sub = (
    await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpc.VpcId,
        CidrBlock: subnet,
        ...(ipv6Subnet ? { Ipv6CidrBlock: ipv6Subnet } : {}),
      }),
    )
  ).Subnet!;
  return { vpcId: vpc.VpcId!, subnetId: sub.SubnetId!, ...(ipv6Subnet ? { ipv6Subnet } : {}) } satisfies SeededVpc;
}

export interface Launched {
  instanceId: string;
  /** Device order: primary first. */
  enis: string[];
}

/** One instance, no launch groups; `ipv6`: one auto-assigned IPv6; `extraIps`: one more ENI per address. */
export async function launch(
  ec2: EC2Client,
  vpc: SeededVpc,
  ip: string,
  tags: Record<string, string>,
  o: { ipv6?: boolean; extraIps?: string[]; groups?: string[] } = {},
): Promise<Launched> {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: vpc.subnetId,
      PrivateIpAddress: ip,
      ...(o.ipv6 ? { Ipv6AddressCount: 1 } : {}),
      ...(Tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'instance', Tags }] } : {}),
    }),
  );
  const instance = run.Instances![0]!;
  const enis = [instance.NetworkInterfaces![0]!.NetworkInterfaceId!];
  for (const [i, extra] of (o.extraIps ?? []).entries()) {
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: vpc.subnetId, PrivateIpAddress: extra })))
      .NetworkInterface!.NetworkInterfaceId!;
    await ec2.send(
      new AttachNetworkInterfaceCommand({
        InstanceId: instance.InstanceId,
        NetworkInterfaceId: eni,
        DeviceIndex: i + 1,
      }),
    );
    enis.push(eni);
  }
  if (o.groups)
    for (const eni of enis)
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: o.groups }));
  return { instanceId: instance.InstanceId!, enis };
}

/** A group segsync does not own (no ownership tag), with ingress tcp/`port` from `cidr`. */
export async function foreignGroup(ec2: EC2Client, vpcId: string, name: string, port: number, cidr: string) {
  const GroupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
    .GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] }],
    }),
  );
  return GroupId;
}

/** Sets (string) or removes (null) an instance's tags, as a person re-tagging it would. */
export async function retag(ec2: EC2Client, instanceId: string, tags: Record<string, string | null>) {
  const set = Object.entries(tags).filter((e): e is [string, string] => e[1] !== null);
  const drop = Object.entries(tags).filter(([, v]) => v === null);
  if (set.length > 0)
    await ec2.send(
      new CreateTagsCommand({ Resources: [instanceId], Tags: set.map(([Key, Value]) => ({ Key, Value })) }),
    );
  if (drop.length > 0)
    await ec2.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: drop.map(([Key]) => ({ Key })) }));
}

export const stop = (ec2: EC2Client, id: string) => ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
export const terminate = (ec2: EC2Client, id: string) => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));

/** API calls by operation name, counted by SDK middleware on every client it is added to. */
export class CallCounter {
  readonly calls = new Map<string, number>();

  add = (client: EC2Client): void => {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
        this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'segsyncCallCounter' },
    );
  };

  reset(): void {
    this.calls.clear();
  }

  total(filter: (op: string) => boolean = () => true): number {
    return [...this.calls].filter(([op]) => filter(op)).reduce((n, [, c]) => n + c, 0);
  }

  writes(): number {
    return this.total((op) => !/^(Describe|Get)/.test(op));
  }

  /** Sorted `Operation=count` pairs, for printing. */
  summary(): string {
    return [...this.calls]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, n]) => `${op}=${n}`)
      .join(' ');
  }
}
