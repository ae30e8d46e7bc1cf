/** Builders shared by the sandbox AWS tests: small estates, permissions, error expectations. */
import { expect } from 'vitest';
import type { AwsIpPermission } from '../../../core/model/native/aws.ts';
import { SandboxAws, type AwsLimits, type SandboxEc2 } from '../../../adapters/sandbox/aws.ts';
import type { Estate, EstateAwsInstance } from '../../../adapters/sandbox/estate-types.ts';
import type { FaultPlan } from '../../../adapters/sandbox/faults.ts';

export const SCOPE = { account: '111111111111', region: 'eu-west-1' } as const;
export const OTHER_SCOPE = { account: '222222222222', region: 'eu-west-1' } as const;

export function estateOf(partial: Partial<Estate> = {}): Estate {
  return { aws: [], azure: [], gcp: [], awsSecurityGroups: [], gcpFirewalls: [], ...partial };
}

export function instance(id: string, ip: string, extra: Partial<EstateAwsInstance> = {}): EstateAwsInstance {
  return { id, account: SCOPE.account, region: SCOPE.region, vpc: 'vpc-a', ip, tags: {}, ...extra };
}

/** Two instances in vpc-a (IPv4 only), one in vpc-b (with IPv6), one in another account. */
export function smallEstate(): Estate {
  return estateOf({
    aws: [
      instance('i-web', '10.0.1.10', { tags: { App: 'shop' } }),
      instance('i-db', '10.0.2.10'),
      instance('i-b', '10.1.1.10', { vpc: 'vpc-b', ipv6: '2001:db8::10' }),
      instance('i-other', '10.2.1.10', { account: OTHER_SCOPE.account, vpc: 'vpc-c' }),
    ],
  });
}

/** Creates an untagged security group (description = name) and returns its id. */
export async function group(ec2: SandboxEc2, name = 'web', vpc = 'vpc-a'): Promise<string> {
  return (await ec2.createSecurityGroup({ GroupName: name, Description: name, VpcId: vpc, Tags: [] })).GroupId;
}

export function sandbox(options: { limits?: Partial<AwsLimits>; faults?: FaultPlan } = {}, estate = smallEstate()) {
  const aws = SandboxAws.fromEstate(estate, options);
  return { aws, ec2: aws.api(SCOPE) };
}

type Peers = { cidr?: string[]; cidr6?: string[]; pl?: string[]; sg?: string[]; description?: string };

export function perm(
  protocol: string,
  from: number | undefined,
  to: number | undefined,
  peers: Peers,
): AwsIpPermission {
  const d = peers.description !== undefined ? { Description: peers.description } : {};
  return {
    IpProtocol: protocol,
    ...(from !== undefined ? { FromPort: from } : {}),
    ...(to !== undefined ? { ToPort: to } : {}),
    IpRanges: (peers.cidr ?? []).map((CidrIp) => ({ CidrIp, ...d })),
    Ipv6Ranges: (peers.cidr6 ?? []).map((CidrIpv6) => ({ CidrIpv6, ...d })),
    PrefixListIds: (peers.pl ?? []).map((PrefixListId) => ({ PrefixListId, ...d })),
    UserIdGroupPairs: (peers.sg ?? []).map((GroupId) => ({ GroupId, ...d })),
  };
}

export const tcp = (port: number, peers: Peers): AwsIpPermission => perm('tcp', port, port, peers);

/** n distinct IPv4 /32s, 10.9.x.y. */
export const cidrs4 = (n: number, base = 0): string[] =>
  Array.from({ length: n }, (_, i) => `10.9.${Math.floor((base + i) / 256)}.${(base + i) % 256}/32`);
export const cidrs6 = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `2001:db8:9::${(i + 1).toString(16)}/128`);

export async function expectCode(call: Promise<unknown>, code: string, status = 400): Promise<void> {
  await expect(call).rejects.toMatchObject({ name: 'CloudApiError', cloud: 'aws', code, status });
}
