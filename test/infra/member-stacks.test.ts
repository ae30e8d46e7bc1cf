/**
 * The stacks deployed outside the home account and Region: the member role (trust limited to the
 * home account's reconciling handler roles and the external id; EC2 scoped to the member's Regions)
 * and the event forwarder (the same hints, to the home account's segsync bus).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from './helpers/event-pattern.ts';
import { allStatements } from './helpers/iam.ts';
import { eventSample, ROOT, synthFixture, type Synthesized } from './helpers/synth.ts';

/** The functions' own samples (test/fixtures/events/aws, see SOURCES.md there). */
const functionsSample = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'test/fixtures/events/aws', `${name}.json`), 'utf8')) as Record<string, never>;

let synth: Synthesized;
beforeAll(() => {
  synth = synthFixture('segsync.yaml', { homeAccount: '111111111111', homeRegion: 'eu-west-1' });
});

describe('member role stack', () => {
  it('one per account reached through a role, creating the role the configuration names', () => {
    expect(synth.members.map((m) => m.stackName)).toEqual(['Segsync-shop-member-222222222222']);
    synth.memberTemplates[0]!.hasResourceProperties('AWS::IAM::Role', { RoleName: 'segsync-member', Path: '/' });
  });

  it("is assumable only by the home account's reconciling handler roles, with the external id", () => {
    const [role] = Object.values(synth.memberTemplates[0]!.findResources('AWS::IAM::Role'));
    const trust = (role as { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } }).Properties
      .AssumeRolePolicyDocument.Statement;
    expect(JSON.stringify(trust)).toContain('sts:ExternalId');
    expect(trust).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': expect.any(Array) },
          StringEquals: { 'sts:ExternalId': 'shop-external' },
        },
      }),
    ]);
    const principals = JSON.stringify(trust);
    for (const h of ['aws-events', 'ingress', 'drift']) expect(principals).toContain(`:role/segsync-shop-${h}`);
    expect(principals).not.toContain('drift-locations');
  });

  it("holds the EC2 statements to the member's Regions", () => {
    const statements = allStatements(synth.memberTemplates[0]!);
    const text = JSON.stringify(statements);
    expect(text).toContain(':ec2:eu-west-1:');
    expect(text).not.toContain('eu-central-1');
    const read = statements.find((s) => s.Sid === 'ReadInventoryAndOwnedState')!;
    expect(read.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } });
  });

  it('the home account id defaults from context and stays a parameter for StackSets', () => {
    synth.memberTemplates[0]!.hasParameter('HomeAccountId', { Default: '111111111111', AllowedPattern: '^\\d{12}$' });
  });
});

describe('event forwarder stack', () => {
  it("forwards instance tag and state changes, nothing else, to the home account's segsync bus", () => {
    const [rule] = Object.values(synth.forwarderTemplate.findResources('AWS::Events::Rule'));
    const pattern = (rule as { Properties: { EventPattern: Record<string, never> } }).Properties.EventPattern;
    expect(matchesPattern(pattern, eventSample('tag-change-instance'))).toBe(true);
    expect(matchesPattern(pattern, eventSample('state-change-instance'))).toBe(true);
    expect(matchesPattern(pattern, eventSample('tag-change-bucket'))).toBe(false);
    synth.forwarderTemplate.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::Join': ['', Match.arrayWith([':event-bus/segsync-shop-events'])] },
          RoleArn: Match.anyValue(),
        }),
      ],
    });
  });

  it("matches the functions' samples: tag and state changes yes; a bucket's tags and CloudTrail CreateTags no", () => {
    const [rule] = Object.values(synth.forwarderTemplate.findResources('AWS::Events::Rule'));
    const pattern = (rule as { Properties: { EventPattern: Record<string, never> } }).Properties.EventPattern;
    expect(matchesPattern(pattern, functionsSample('tag-change'))).toBe(true);
    expect(matchesPattern(pattern, functionsSample('ec2-state-change'))).toBe(true);
    expect(matchesPattern(pattern, functionsSample('invalid-tag-change-bucket'))).toBe(false);
    expect(matchesPattern(pattern, functionsSample('cloudtrail-create-tags'))).toBe(false);
  });
});
