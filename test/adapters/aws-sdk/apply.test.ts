/**
 * Every AWS step kind through awsAdapter → apply.ts → client.ts → the SDK → moto over HTTP, read
 * back with the SDK; re-running a step is a no-op (already done is success); and the error
 * classes the apply engine relies on, from the SDK's real error parsing.
 *
 * moto never throttles and never answers DependencyViolation or IncorrectState (CLOUD-FACTS §7),
 * so those answers come from a tiny local HTTP server that replies with EC2's own XML error
 * document (real SDK, real HTTP, real deserialisation).
 *
 * moto differences met here, beyond CLOUD-FACTS §7 (also in docs/aws.md):
 * - ModifyManagedPrefixList ignores MaxEntries (the resize answers success and the list keeps
 *   its old size; EC2 resizes, or refuses when a referencing group cannot absorb it);
 * - CreateManagedPrefixList / CreateSecurityGroup with a TagSpecification of no tags is
 *   InvalidParameterValue, as on EC2 (client.ts sends none instead).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sdkEc2Api } from '../../../adapters/aws/client.ts';
import { awsAdapter } from '../../../adapters/aws/index.ts';
import { readAws } from '../../../adapters/aws/read.ts';
import { ConflictError, ThrottledError, TransientCloudError } from '../../../core/errors.ts';
import type { AwsRuleUnit } from '../../../core/model/native/aws-rules.ts';
import { AWS_OWNER_TAG } from '../../../core/ownership.ts';
import type { AwsGroupRef, AwsStep } from '../../../core/plan/aws-steps.ts';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../helpers/moto.ts';
import { ec2ErrorXml } from './proxy.ts';
import { CallCounter, ec2In, foreignGroup, launch, MOTO_ACCOUNT, seedVpc } from './moto-estate.ts';

const region = 'eu-west-1';
const scope = { account: MOTO_ACCOUNT, region };
const owner = 'test';
const tags = [{ Key: AWS_OWNER_TAG, Value: owner }];
let moto: Moto;
let counter: CallCounter;
/** Inputs of every ModifyManagedPrefixList sent. */
let modifies: Record<string, unknown>[];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  counter = new CallCounter();
  modifies = [];
});

function client(endpoint: string): EC2Client {
  const c = new EC2Client({ region, endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  counter.add(c);
  c.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ModifyManagedPrefixListCommand')
        modifies.push(args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize' },
  );
  return c;
}

/** A step of `kind` in this scope with the common fields filled in. */
type Draft<S> = S extends AwsStep ? Omit<S, 'cloud' | 'scope' | 'network' | 'owner' | 'summary'> : never;
function step(s: Draft<AwsStep>): AwsStep {
  return { cloud: 'aws', scope: `${MOTO_ACCOUNT}/${region}`, network: 'n', owner, summary: s.kind, ...s } as AwsStep;
}

const tcp = (port: number, peer: AwsRuleUnit['peer']): AwsRuleUnit => ({
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  peer,
});

describe('every AWS step kind over the SDK against moto', () => {
  it('GIVEN an instance WHEN groups, rules, prefix lists and membership are created, changed and deleted THEN each read-back matches, re-running a step changes nothing, and every prefix-list modify carries its name and CurrentVersion', async () => {
    const seed = await ec2In(moto.endpoint, MOTO_ACCOUNT, region);
    const vpc = await seedVpc(seed, '10.10.0.0/16', '10.10.1.0/24');
    const legacy = await foreignGroup(seed, vpc.vpcId, 'legacy', 22, '192.0.2.0/24');
    const i = await launch(seed, vpc, '10.10.1.10', { tier: 'web' }, { groups: [legacy] });
    const api = sdkEc2Api(client(moto.endpoint), scope);
    const aws = awsAdapter([api]);
    const web = { vpcId: vpc.vpcId, name: 'test-web' };
    const app = { vpcId: vpc.vpcId, name: 'test-app' };
    const office = { name: 'test-office' };
    const legacyRef = { vpcId: vpc.vpcId, name: 'legacy', id: legacy };
    /** The instance's ENI carries exactly `groups` after this step. */
    const membership = (phase: 'membership' | 'revoke', groups: AwsGroupRef[]) =>
      step({ kind: 'set-membership', phase, target: i.enis[0]!, interfaceId: i.enis[0]!, vpcId: vpc.vpcId, groups });
    const state = async () => (await readAws(api)).state;
    const group = async (name: string) => (await state()).SecurityGroups.find((g) => g.GroupName === name);

    const create = [
      step({ kind: 'create-group', phase: 'create', target: web.name, group: web, description: 'web', tags }),
      step({ kind: 'create-group', phase: 'create', target: app.name, group: app, description: 'app', tags }),
      step({
        kind: 'create-prefix-list',
        phase: 'create',
        target: office.name,
        prefixList: office,
        family: 'IPv4',
        maxEntries: 5,
        entries: ['192.168.10.0/24', '192.168.11.0/24'],
        tags,
      }),
      step({
        kind: 'authorize',
        phase: 'create',
        target: app.name,
        group: app,
        direction: 'ingress',
        units: [
          tcp(8080, { kind: 'group', name: web.name }),
          tcp(22, { kind: 'prefix-list', name: office.name }),
          tcp(443, { kind: 'cidr', cidr: '0.0.0.0/0' }),
          tcp(443, { kind: 'cidr', cidr: '::/0' }),
        ],
      }),
      step({
        kind: 'authorize',
        phase: 'create',
        target: web.name,
        group: web,
        direction: 'egress',
        units: [tcp(8080, { kind: 'group', name: app.name })],
      }),
    ] satisfies AwsStep[];
    for (const s of create) await aws.apply(s);
    const appGroup = (await group(app.name))!;
    const webGroup = (await group(web.name))!;
    expect(appGroup.Tags).toEqual(tags);
    expect(webGroup.IpPermissionsEgress).toEqual([
      expect.objectContaining({
        FromPort: 8080,
        UserIdGroupPairs: [expect.objectContaining({ GroupId: appGroup.GroupId })],
      }),
    ]);
    expect(appGroup.IpPermissionsEgress).toEqual([]);
    expect(
      appGroup.IpPermissions.flatMap((p) => [
        ...p.IpRanges,
        ...p.Ipv6Ranges,
        ...p.PrefixListIds,
        ...p.UserIdGroupPairs,
      ]),
    ).toHaveLength(4);
    // Four units, one call: same protocol and ports share one IpPermission.
    expect(counter.calls.get('AuthorizeSecurityGroupIngress')).toBe(1);

    const change = [
      step({
        kind: 'add-prefix-list-entries',
        phase: 'authorize',
        target: office.name,
        prefixList: office,
        readVersion: 0,
        currentVersion: 1,
        cidrs: ['192.168.12.0/24'],
      }),
      membership('membership', [web, legacyRef]),
      step({
        kind: 'resize-prefix-list',
        phase: 'revoke',
        target: office.name,
        prefixList: office,
        readVersion: 0,
        currentVersion: 2,
        maxEntries: 8,
      }),
      step({
        kind: 'remove-prefix-list-entries',
        phase: 'revoke',
        target: office.name,
        prefixList: office,
        readVersion: 0,
        currentVersion: 3,
        cidrs: ['192.168.10.0/24'],
      }),
      step({
        kind: 'revoke',
        phase: 'revoke',
        target: app.name,
        group: app,
        direction: 'ingress',
        units: [tcp(443, { kind: 'cidr', cidr: '0.0.0.0/0' }), tcp(443, { kind: 'cidr', cidr: '::/0' })],
      }),
    ] satisfies AwsStep[];
    for (const s of change) await aws.apply(s);
    const after = await state();
    const list = after.PrefixLists.find((p) => p.PrefixListName === office.name)!;
    expect(list.Entries.map((e) => e.Cidr).sort()).toEqual(['192.168.11.0/24', '192.168.12.0/24']);
    expect(list.Tags).toEqual(tags);
    expect(
      after.NetworkInterfaces.find((e) => e.NetworkInterfaceId === i.enis[0])!.Groups.map((g) => g.GroupId),
    ).toEqual([webGroup.GroupId, legacy]);
    expect(
      after.SecurityGroups.find((g) => g.GroupName === app.name)!
        .IpPermissions.map((p) => p.FromPort)
        .sort(),
    ).toEqual([22, 8080]);
    expect(modifies.length).toBeGreaterThanOrEqual(3);
    for (const m of modifies) {
      expect(m.PrefixListName).toBe(office.name);
      expect(typeof m.CurrentVersion).toBe('number');
    }

    // Already done is success: the same steps again change nothing.
    const before = JSON.stringify(await state());
    for (const s of [...create.slice(0, 2), create[3]!, create[4]!, change[1]!, change[4]!]) await aws.apply(s);
    expect(JSON.stringify(await state())).toBe(before);

    const remove = [
      membership('revoke', [legacyRef]),
      step({
        kind: 'revoke',
        phase: 'revoke',
        target: web.name,
        group: web,
        direction: 'egress',
        units: [tcp(8080, { kind: 'group', name: app.name })],
      }),
      step({ kind: 'delete-group', phase: 'delete', target: app.name, group: app }),
      step({ kind: 'delete-group', phase: 'delete', target: web.name, group: web }),
      step({ kind: 'delete-prefix-list', phase: 'delete', target: office.name, prefixList: office }),
    ] satisfies AwsStep[];
    for (const s of remove) await aws.apply(s);
    // Deleting what is already gone is success: by name (nothing found, no call) and by id (InvalidGroup.NotFound).
    for (const s of remove.slice(2)) await aws.apply(s);
    await aws.apply(
      step({ kind: 'delete-group', phase: 'delete', target: app.name, group: { ...app, id: appGroup.GroupId } }),
    );
    const end = await state();
    expect(end.SecurityGroups.map((g) => g.GroupName).filter((n) => n.startsWith('test-'))).toEqual([]);
    expect(end.PrefixLists).toEqual([]);
    expect(end.NetworkInterfaces.find((e) => e.NetworkInterfaceId === i.enis[0])!.Groups.map((g) => g.GroupId)).toEqual(
      [legacy],
    );
  });

  it('GIVEN a prefix list WHEN resized on moto THEN the call succeeds but MaxEntries stays (moto ignores MaxEntries on modify; EC2 resizes)', async () => {
    const api = sdkEc2Api(client(moto.endpoint), scope);
    const pl = await api.createManagedPrefixList({
      PrefixListName: 'sized',
      AddressFamily: 'IPv4',
      MaxEntries: 2,
      Entries: [{ Cidr: '10.0.0.0/24' }],
      Tags: [],
    });
    await api.modifyManagedPrefixList({ PrefixListId: pl.PrefixListId, CurrentVersion: pl.Version, MaxEntries: 10 });
    const [read] = await api.describeManagedPrefixLists({ PrefixListIds: [pl.PrefixListId] });
    expect(read!.MaxEntries).toBe(2);
    expect(read!.PrefixListName).toBe('sized');
  });
});

describe('AWS error answers over the SDK, as the apply engine sees them', () => {
  let server: Server;
  let endpoint: string;
  let answer: { status: number; code: string; message: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': 'text/xml' });
        res.end(ec2ErrorXml(answer.code, answer.message));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const adapter = () => awsAdapter([sdkEc2Api(client(endpoint), scope)]);
  const del = step({
    kind: 'delete-group',
    phase: 'delete',
    target: 'test-web',
    group: { vpcId: 'vpc-1', name: 'test-web', id: 'sg-0a1b2c3d4e5f60718' },
  });

  it('GIVEN RequestLimitExceeded WHEN a step runs THEN it is a ThrottledError (the engine backs off and retries)', async () => {
    answer = { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' };
    await expect(adapter().apply(del)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('GIVEN DependencyViolation WHEN a group is deleted THEN a ConflictError names the step and the group', async () => {
    answer = {
      status: 400,
      code: 'DependencyViolation',
      message: 'resource sg-0a1b2c3d4e5f60718 has a dependent object',
    };
    const e = await adapter()
      .apply(del)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as Error).message).toContain('delete-group test-web');
    expect((e as Error).message).toContain('DependencyViolation');
  });

  it('GIVEN IncorrectState WHEN a prefix list is modified THEN a TransientCloudError names the step and the list', async () => {
    answer = { status: 400, code: 'IncorrectState', message: 'The prefix list is in modify-in-progress state' };
    const e = await adapter()
      .apply(
        step({
          kind: 'add-prefix-list-entries',
          phase: 'authorize',
          target: 'test-office',
          prefixList: { name: 'test-office', id: 'pl-0a1b2c3d4e5f60718' },
          readVersion: 3,
          currentVersion: 3,
          cidrs: ['10.0.0.0/24'],
        }),
      )
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientCloudError);
    expect((e as Error).message).toContain('add-prefix-list-entries test-office');
    expect((e as Error).message).toContain('IncorrectState');
  });

  it('GIVEN InvalidGroup.NotFound WHEN a group is deleted THEN the step succeeds (already gone)', async () => {
    answer = {
      status: 400,
      code: 'InvalidGroup.NotFound',
      message: "The security group 'sg-0a1b2c3d4e5f60718' does not exist",
    };
    await expect(adapter().apply(del)).resolves.toBeUndefined();
  });
});
