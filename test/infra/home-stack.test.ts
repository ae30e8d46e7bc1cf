/**
 * The home stack beyond the change pipeline: the handlers (runtime, architecture, contract
 * environment), the drift schedule and its per-location fan-out, the ingress URL, the snapshot
 * bucket, least-privilege IAM, alarms, and cdk-nag AwsSolutions with only documented
 * acknowledgements.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EC2_CREATE_ACTIONS } from '../../infra/permissions/ec2-statements.ts';
import { synthFixture, type Synthesized } from './helpers/synth.ts';
import { allStatements, ec2Mutations } from './helpers/iam.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthFixture();
});

describe('handlers', () => {
  it('four functions on Node.js 22, arm64, with the contract environment', () => {
    const fns = synth.homeTemplate.findResources('AWS::Lambda::Function');
    const props = Object.values(fns).map((f) => (f as { Properties: Record<string, never> }).Properties);
    expect(props).toHaveLength(4);
    for (const p of props) {
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Environment).toMatchObject({
        Variables: {
          SEGSYNC_CONFIG: '/var/task/segsync.yaml',
          SEGSYNC_SNAPSHOT_BUCKET: { Ref: expect.stringMatching(/^Snapshots/) },
          POWERTOOLS_SERVICE_NAME: 'segsync',
          POWERTOOLS_METRICS_NAMESPACE: 'segsync',
        },
      });
    }
  });

  it('the ingress knows the Event Grid secret and the Pub/Sub audience and signer', () => {
    synth.homeTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SEGSYNC_AZURE_SECRET_ARN: 'segsync/azure-event-grid',
          SEGSYNC_GCP_AUDIENCE: 'https://segsync.example.com/gcp',
          SEGSYNC_GCP_PUSH_SERVICE_ACCOUNT: 'pubsub-push@shop-prod-123.iam.gserviceaccount.com',
        }),
      },
    });
  });

  it('the ingress is a function URL without IAM auth (the handler authenticates each push)', () => {
    synth.homeTemplate.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });
});

describe('drift schedule', () => {
  it('EventBridge Scheduler starts the state machine on the configured schedule, with retries and a DLQ', () => {
    synth.homeTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({
        Arn: { Ref: Match.stringLikeRegexp('^DriftStateMachine') },
        Input: '{}',
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
        DeadLetterConfig: Match.anyValue(),
      }),
    });
  });

  it('the state machine lists the locations, then runs one child execution per location', () => {
    const [machine] = Object.values(synth.homeTemplate.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.parse(
      resolveJoin((machine as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString),
    ) as {
      StartAt: string;
      States: Record<string, Record<string, never>>;
    };
    expect(definition.StartAt).toBe('Locations');
    expect(definition.States.Locations!.Next).toBe('PerLocation');
    const map = definition.States.PerLocation as unknown as {
      Type: string;
      ItemsPath: string;
      ResultPath: null;
      ToleratedFailurePercentage: number;
      ItemProcessor: { ProcessorConfig: { Mode: string; ExecutionType: string }; StartAt: string };
    };
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.locations',
      ResultPath: null,
      ToleratedFailurePercentage: 100,
    });
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ItemProcessor.StartAt).toBe('Drift');
  });
});

describe('snapshot bucket', () => {
  it('is encrypted, versioned, blocks all public access, expires old versions', () => {
    synth.homeTemplate.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
    });
  });

  it('refuses requests without TLS', () => {
    synth.homeTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('IAM', () => {
  it('no statement grants a wildcard action', () => {
    for (const t of [synth.homeTemplate, ...synth.memberTemplates, synth.forwarderTemplate])
      for (const s of allStatements(t)) for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
  });

  it('every mutating EC2 action on a group or prefix list is conditioned on segsync ownership', () => {
    const mutations = ec2Mutations(synth.homeTemplate);
    expect(mutations.length).toBeGreaterThan(0);
    for (const s of mutations) {
      const actions = [s.Action].flat();
      if (actions.includes('ec2:ModifyNetworkInterfaceAttribute')) {
        // Workload ENIs are never owned; the fixture names a VPC, so the statement is held to it.
        expect(Object.keys(s.Condition?.StringEquals ?? {})).toEqual(['ec2:Vpc']);
        expect(JSON.stringify(s.Condition)).toContain(':vpc/vpc-0a1b2c3d4e5f67890');
        continue;
      }
      if (s.Sid === 'CreateSecurityGroupsInManagedVpcs') {
        expect(JSON.stringify(s.Resource)).toContain(':vpc/vpc-0a1b2c3d4e5f67890');
        continue;
      }
      const owner =
        s.Condition?.StringEquals?.['aws:ResourceTag/segsync:owner'] ??
        s.Condition?.StringEquals?.['aws:RequestTag/segsync:owner'];
      expect(owner, `${s.Sid} ${actions.join(',')}`).toBe('shop');
    }
  });

  it('CreateTags only as part of segsync creating its own group or prefix list', () => {
    const tag = ec2Mutations(synth.homeTemplate).find((s) => [s.Action].flat().includes('ec2:CreateTags'))!;
    expect(tag.Condition?.StringEquals).toMatchObject({
      'ec2:CreateAction': EC2_CREATE_ACTIONS.map((a) => a.slice('ec2:'.length)),
      'aws:RequestTag/segsync:owner': 'shop',
    });
  });

  it('sts:AssumeRole only on the configured member roles', () => {
    const assume = allStatements(synth.homeTemplate).filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assume.map((s) => s.Resource)).toEqual(['arn:aws:iam::222222222222:role/segsync-member']);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('every stack passes with only the documented acknowledgements', () => {
    for (const stack of [synth.home, ...synth.members, synth.forwarder]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v) => `${stack.stackName} ${v.ruleName}`)).toEqual([]);
    }
  });
});

/** DefinitionString is an Fn::Join of literals and tokens; the tokens are replaced by placeholders. */
function resolveJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const [sep, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(sep);
}
