/**
 * core/model/ids.ts: every id format has one build and one parse, and parse ∘ build is the
 * identity on well-formed parts (property), so no stage can split an id differently from the
 * one that wrote it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  armId,
  armParts,
  awsNetworkId,
  awsScope,
  awsVpcId,
  gcpAttachmentId,
  gcpNetworkId,
  gcpNetworkPath,
  gcpZoneName,
  parseAwsNetworkId,
  parseAwsScope,
  parseGcpAttachmentId,
  parseWorkloadId,
  workloadId,
  type WorkloadRef,
} from '../../../core/model/ids.ts';

/** One id segment: no separator of any format (`:`, `/`), never empty. */
const part = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);

describe('workload ids', () => {
  const ref: fc.Arbitrary<WorkloadRef> = fc.oneof(
    fc.record({ cloud: fc.constant('aws' as const), account: part, region: part, instance: part }),
    fc.record({ cloud: fc.constant('gcp' as const), project: part, zone: part, instance: part }),
    fc.tuple(part, part, part).map(([s, rg, vm]) => ({
      cloud: 'azure' as const,
      vmId: armId(s, rg, 'virtualMachines', vm, 'Microsoft.Compute'),
    })),
  );

  it('parse ∘ build is the identity', () => {
    fc.assert(
      fc.property(ref, (r) => {
        expect(parseWorkloadId(workloadId(r))).toEqual(r);
      }),
    );
  });

  it('matches the inventory formats', () => {
    expect(workloadId({ cloud: 'aws', account: '111', region: 'eu-west-1', instance: 'i-1' })).toBe(
      'aws:111:eu-west-1:i-1',
    );
    expect(workloadId({ cloud: 'gcp', project: 'p', zone: 'us-east1-b', instance: 'db' })).toBe('gcp:p:us-east1-b:db');
    expect(workloadId({ cloud: 'azure', vmId: '/subscriptions/s/x' })).toBe('azure:/subscriptions/s/x');
  });

  it('rejects what it did not build', () => {
    for (const id of ['', 'aws:1:2', 'aws:1:2:3:4', 'gcp::z:n', 'azure:vm', 'onprem:1:2:3']) {
      expect(parseWorkloadId(id)).toBeUndefined();
    }
  });
});

describe('AWS scope and network ids', () => {
  it('parse ∘ build is the identity', () => {
    fc.assert(
      fc.property(part, part, part, (account, region, vpcId) => {
        expect(parseAwsScope(awsScope({ account, region }))).toEqual({ account, region });
        expect(parseAwsNetworkId(awsNetworkId(account, region, vpcId))).toEqual({ account, region, vpcId });
        expect(awsVpcId(awsNetworkId(account, region, vpcId))).toBe(vpcId);
      }),
    );
  });

  it('rejects malformed ids', () => {
    expect(parseAwsScope('111')).toBeUndefined();
    expect(parseAwsNetworkId('azure:1:2:3')).toBeUndefined();
    expect(() => awsVpcId('aws:1:2')).toThrow(/not an AWS network id/);
  });
});

describe('Azure resource ids', () => {
  it('parse ∘ build is the identity', () => {
    fc.assert(
      fc.property(part, part, part, (subscription, resourceGroup, name) => {
        expect(armParts(armId(subscription, resourceGroup, 'networkSecurityGroups', name))).toEqual({
          subscription,
          resourceGroup,
          name,
        });
      }),
    );
  });

  it('reads segment names without case, as ARM does', () => {
    expect(armParts('/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg/providers/Microsoft.Network/nsgs/n')).toEqual({
      subscription: 's',
      resourceGroup: 'rg',
      name: 'n',
    });
  });
});

describe('GCP ids', () => {
  it('attachment: parse ∘ build is the identity', () => {
    fc.assert(
      fc.property(fc.record({ project: part, zone: part, instance: part, nic: part }), (ref) => {
        expect(parseGcpAttachmentId(gcpAttachmentId(ref))).toEqual(ref);
      }),
    );
  });

  it('network path: full URLs and partial paths name the same network', () => {
    fc.assert(
      fc.property(part, part, (p, n) => {
        const path = `projects/${p}/global/networks/${n}`;
        expect(gcpNetworkPath(`https://www.googleapis.com/compute/v1/${path}`)).toBe(path);
        expect(gcpNetworkId(path)).toBe(`gcp:${path}`);
        expect(gcpNetworkId(`global/networks/${n}`, p)).toBe(`gcp:${path}`);
      }),
    );
  });

  it('zone name from a zone URL, path or bare name', () => {
    expect(gcpZoneName('https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b')).toBe('us-east1-b');
    expect(gcpZoneName('projects/p/zones/us-east1-b')).toBe('us-east1-b');
    expect(gcpZoneName('us-east1-b')).toBe('us-east1-b');
  });
});
