/**
 * Label trust (spec.labelTrust): a label change counts only when the principal the event names is
 * trusted. Untrusted → refused and the workload keeps the labels segsync honoured (or, with
 * `onUntrusted: quarantine`, loses them); no principal named (AWS Tag Change) → deferred until an
 * event that names one. The refusal is reported by the use case (and logged by the handlers).
 */
import { describe, expect, it } from 'vitest';
import { handleHints } from '../../adapters/events/handle.ts';
import { driftLocation } from '../../adapters/events/drift.ts';
import { AwsEventSchema, toRefs as awsRefs } from '../../functions/events/aws.ts';
import { EventGridBatchSchema, isResourceEvent, toRefs as azureRefs } from '../../functions/events/azure.ts';
import { AuditLogEntrySchema, toRefs as gcpRefs } from '../../functions/events/gcp.ts';
import { validatePolicy } from '../../core/policy/parse.ts';
import { glob, judgeLabels, trusted } from '../../core/model/trust.ts';
import type { Policy } from '../../core/policy/types.ts';
import { readFileSync } from 'node:fs';
import {
  appliedWorld,
  AWS_WEB2,
  AZURE_DB1,
  disagreements,
  fixture,
  GCP_DB2,
  retarget,
  segmentsOf,
} from '../helpers/events.ts';

const TRUST = `
  labelTrust:
    onUntrusted: ON_UNTRUSTED
    aws: ["arn:aws:sts::111111111111:assumed-role/Provisioner/*"]
    azure: ["upn=*@shop.example"]
    gcp: ["deployer@proj-shop.iam.gserviceaccount.com"]
`;

function trustingPolicy(onUntrusted: 'keep' | 'quarantine' = 'keep', quarantineUnlabeled = false): Policy {
  let text = readFileSync('examples/three-tier.yaml', 'utf8').replace(
    /^spec:\n/m,
    `spec:\n${TRUST.replace('ON_UNTRUSTED', onUntrusted)}`,
  );
  if (quarantineUnlabeled) text = text.replace('unlabeled: ignore', 'unlabeled: quarantine');
  const { policy, diagnostics } = validatePolicy(text, 'three-tier+trust.yaml');
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return policy;
}

const cloudTrail = (arn: string) =>
  awsRefs(
    AwsEventSchema.parse(
      retarget(fixture('aws/cloudtrail-create-tags'), {
        ...AWS_WEB2,
        'arn:aws:sts::111111111111:assumed-role/Provisioner/provisioner': arn,
      }),
    ),
  );
const tagChange = () => awsRefs(AwsEventSchema.parse(retarget(fixture('aws/tag-change'), AWS_WEB2)));
const azureWrite = (upn: string) =>
  EventGridBatchSchema.parse(
    retarget(fixture('azure/vm-tags-write'), { ...AZURE_DB1, '"{user-name}"': JSON.stringify(upn) }),
  )
    .filter(isResourceEvent)
    .flatMap(azureRefs);
const gcpSetLabels = (email: string) =>
  gcpRefs(
    AuditLogEntrySchema.parse(
      retarget(fixture('gcp/audit-set-labels'), { ...GCP_DB2, 'deployer@proj-shop.iam.gserviceaccount.com': email }),
    ),
  );

describe('core: who is trusted', () => {
  it('globs match whole strings; azure patterns name a claim; a cloud without a list trusts everyone', () => {
    expect(glob('arn:aws:sts::1:assumed-role/P/*', 'arn:aws:sts::1:assumed-role/P/alice')).toBe(true);
    expect(glob('arn:aws:sts::1:assumed-role/P/*', 'arn:aws:sts::1:assumed-role/PX/alice')).toBe(false);
    const trust = { onUntrusted: 'keep' as const, azure: ['upn=*@shop.example', 'appid=abc'] };
    expect(
      trusted(trust, 'azure', {
        id: 'x',
        claims: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'ann@shop.example' },
      }),
    ).toBe(true);
    expect(trusted(trust, 'azure', { id: 'x', claims: { appid: 'abd' } })).toBe(false);
    expect(trusted(trust, 'azure', undefined)).toBeUndefined();
    expect(trusted(trust, 'gcp', undefined)).toBe(true);
    expect(judgeLabels(trust, 'azure', { tier: 'db' }, { tier: 'db' }, undefined)).toEqual({ honour: true });
  });

  it('onUntrusted: quarantine needs defaults.unlabeled: quarantine, and says so', () => {
    expect(() => trustingPolicy('quarantine')).toThrow(/unlabeled/);
    expect(trustingPolicy('quarantine', true).labelTrust?.onUntrusted).toBe('quarantine');
  });
});

describe('label trust on events (sandbox)', () => {
  it('GIVEN a re-tag by an untrusted principal in each cloud THEN refused: the workloads keep their segments, and the drift run defers too', async () => {
    const world = await appliedWorld({ policy: trustingPolicy() });
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'app' });
    world.sandbox.azure.tagVm('sub-shop', 'vm-prod-db1', { tier: 'app' });
    world.sandbox.gcp.setLabels('proj-shop', 'europe-west1-b', 'gce-prod-db2', { tier: 'app' });
    const before = await Promise.all(['i-prod-web2', 'vm-prod-db1', 'gce-prod-db2'].map((n) => segmentsOf(world, n)));

    const r = await handleHints(
      [
        ...cloudTrail('arn:aws:sts::111111111111:assumed-role/Intern/bob'),
        ...azureWrite('mallory@elsewhere.example'),
        ...gcpSetLabels('someone@gmail.com'),
      ],
      world.deps,
    );

    expect(r.trust.map((t) => [t.kind, t.actor])).toEqual(
      expect.arrayContaining([
        ['refused', 'arn:aws:sts::111111111111:assumed-role/Intern/bob'],
        ['refused', 'mallory@elsewhere.example'],
        ['refused', 'someone@gmail.com'],
      ]),
    );
    expect(await Promise.all(['i-prod-web2', 'vm-prod-db1', 'gce-prod-db2'].map((n) => segmentsOf(world, n)))).toEqual(
      before,
    );
    // The drift run does not honour them either: no principal is known for a change it finds.
    const drift = await driftLocation({ cloud: 'aws', location: '111111111111/eu-west-1' }, 'apply', world.deps);
    expect(drift.trust.map((t) => t.kind)).toEqual(['deferred']);
    expect(await segmentsOf(world, 'i-prod-web2')).toEqual(before[0]);
  });

  it('GIVEN an AWS Tag Change (no principal) THEN deferred; GIVEN then the CloudTrail event of a trusted principal THEN honoured', async () => {
    const world = await appliedWorld({ policy: trustingPolicy() });
    world.sandbox.aws.tagInstance({ account: '111111111111', region: 'eu-west-1' }, 'i-prod-web2', { tier: 'app' });
    const before = await segmentsOf(world, 'i-prod-web2');

    const deferred = await handleHints(tagChange(), world.deps);
    expect(deferred.trust).toMatchObject([{ kind: 'deferred', workload: 'aws:111111111111:eu-west-1:i-prod-web2' }]);
    expect(await segmentsOf(world, 'i-prod-web2')).toEqual(before);

    const honoured = await handleHints(cloudTrail('arn:aws:sts::111111111111:assumed-role/Provisioner/ci'), world.deps);
    expect(honoured.trust).toEqual([]);
    expect((await segmentsOf(world, 'i-prod-web2')).some((g) => g.includes('prod-app'))).toBe(true);
    expect(await disagreements(world)).toBe(0);
  });

  it('GIVEN onUntrusted: quarantine and an untrusted GCP re-label THEN the instance is quarantined (its segment tags taken away)', async () => {
    const world = await appliedWorld({ policy: trustingPolicy('quarantine', true) });
    world.sandbox.gcp.setLabels('proj-shop', 'europe-west1-b', 'gce-prod-db2', { tier: 'app' });
    const r = await handleHints(gcpSetLabels('someone@gmail.com'), world.deps);
    expect(r.trust).toMatchObject([{ kind: 'refused', honoured: {} }]);
    const tags = await segmentsOf(world, 'gce-prod-db2');
    expect(tags.some((t) => t.includes('prod-db') || t.includes('prod-app'))).toBe(false);
    expect(tags.some((t) => t.includes('quarantine'))).toBe(true);
  });
});
