/**
 * Event samples (test/fixtures/events, SOURCES.md) and what carries them: SQS records, function
 * URL requests, Pub/Sub push bodies; and an applied sandbox estate with its snapshots, the world
 * the handlers run against in the tests.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, SQSRecord } from 'aws-lambda';
import { reconcile, readWorld, type Clouds } from '../../adapters/reconcile.ts';
import { loadEstate } from '../../adapters/sandbox/estate.ts';
import { Sandbox } from '../../adapters/sandbox/index.ts';
import { FileSnapshotStore } from '../../adapters/events/snapshot-file.ts';
import type { UseCaseDeps } from '../../adapters/events/converge.ts';
import { driftLocation } from '../../adapters/events/drift.ts';
import type { SnapshotStore } from '../../adapters/events/snapshot.ts';
import { loadPolicy } from '../../core/policy/load.ts';
import type { Policy } from '../../core/policy/types.ts';
import { verify } from '../../core/verify/index.ts';

/** `fixture('aws/tag-change')` → the parsed sample. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/events/${name}.json`, import.meta.url), 'utf8'));
}

/** The sample with its documentation ids replaced by the estate's (plain text replacement). */
export function retarget<T = unknown>(value: unknown, replacements: Record<string, string>): T {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** The estate's ids for each cloud's samples. */
export const AWS_WEB2 = {
  '123456789012': '111111111111',
  'us-east-1': 'eu-west-1',
  'i-1234567890abcdef0': 'i-prod-web2',
  'i-0000000aaaaaaaaaa': 'i-prod-web2',
};
export const AZURE_DB1 = {
  '{subscription-id}': 'sub-shop',
  '{resource-group}': 'rg-vnet-prod',
  '{vm-name}': 'vm-prod-db1',
  '{nic-name}': 'vm-prod-db1-nic0',
};
export const GCP_DB2 = { 'my-project': 'proj-shop', 'us-central1-a': 'europe-west1-b', 'instance-1': 'gce-prod-db2' };

/** An SQS record carrying an EventBridge event, as Lambda receives it from a FIFO queue. */
export function sqsRecord(body: unknown, messageId: string, group = 'g'): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1700000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1700000000001',
      MessageGroupId: group,
      MessageDeduplicationId: messageId,
      SequenceNumber: '1',
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:segsync-events.fifo',
    awsRegion: 'eu-west-1',
  };
}

/** A Lambda function URL request (payload format 2.0). */
export function httpRequest(
  path: string,
  body: string,
  headers: Record<string, string> = {},
  query?: Record<string, string>,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers: { 'content-type': 'application/json', ...headers },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'url-id',
      domainName: 'url-id.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'url-id',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:00:00:00 +0000',
      timeEpoch: 1796083200000,
    },
    body,
    isBase64Encoded: false,
  };
}

/** A Pub/Sub push body around a LogEntry. */
export function pushBody(entry: unknown, messageId = '2070443601311540'): string {
  return JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify(entry)).toString('base64'),
      messageId,
      publishTime: '2023-11-14T22:13:21.000Z',
      attributes: { 'logging.googleapis.com/timestamp': '2023-11-14T22:13:20.372049Z' },
    },
    subscription: 'projects/proj-shop/subscriptions/segsync-push',
  });
}

export interface World {
  sandbox: Sandbox;
  clouds: Clouds;
  policy: Policy;
  store: SnapshotStore;
  deps: UseCaseDeps;
}

/**
 * examples/hybrid-estate.yaml with examples/three-tier.yaml applied, and a snapshot of every
 * location (what the first drift run leaves behind).
 */
export async function appliedWorld(options: { policy?: Policy; store?: SnapshotStore } = {}): Promise<World> {
  const sandbox = Sandbox.fromEstate(loadEstate('examples/hybrid-estate.yaml'));
  const clouds = sandbox.clouds();
  const policy = options.policy ?? loadPolicy('examples/three-tier.yaml');
  const ctx = { deploymentId: 'main' };
  await reconcile(policy, clouds, ctx);
  const store = options.store ?? new FileSnapshotStore(mkdtempSync(join(tmpdir(), 'segsync-snap-')));
  const deps: UseCaseDeps = { policy, clouds, ctx, store, apply: { sleep: async () => {} } };
  for (const cloud of ['aws', 'azure', 'gcp'] as const)
    for (const location of clouds[cloud].locations()) await driftLocation({ cloud, location }, 'report', deps);
  return { sandbox, clouds, policy, store, deps };
}

/** Verify over the live clouds: disagreements between what the clouds enforce and the policy. */
export async function disagreements(world: Pick<World, 'clouds' | 'policy'>): Promise<number> {
  const w = await readWorld(world.clouds);
  return verify(world.policy, w.inventory, w.state).disagreements.length;
}

/** The segsync groups / ASGs / network tags a workload carries now, by its native id. */
export async function segmentsOf(world: Pick<World, 'sandbox'>, nativeId: string): Promise<string[]> {
  const snap = world.sandbox.snapshot();
  const eni = snap.aws.NetworkInterfaces.find((e) => e.Attachment?.InstanceId === nativeId);
  if (eni)
    return eni.Groups.map((g) => g.GroupName)
      .filter((n) => n.startsWith('segsync-'))
      .sort();
  const nic = snap.azure.networkInterfaces.find((n) => n.name === `${nativeId}-nic0`);
  if (nic)
    return (nic.properties.ipConfigurations[0]?.properties.applicationSecurityGroups ?? [])
      .map((a) => a.id.slice(a.id.lastIndexOf('/') + 1))
      .sort();
  const inst = snap.gcp.instances.find((i) => i.name === nativeId);
  return [...(inst?.tags.items ?? [])].sort();
}

/** Silences the handlers' Powertools logger and metrics in tests that do not look at them. */
export async function quietHandlers(): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { logger } = await import('../../functions/shared/observe.ts');
  logger.setLogLevel('SILENT');
}
