/**
 * The deployment configuration format (apiVersion segsync/v1, kind Deployment, DESIGN.md §7) as
 * a zod schema. Pure, no transforms (so it can be published as JSON Schema like the policy's);
 * cross-field checks (a role in another account, a peering that names one VPC, duplicates) are in
 * semantics.ts.
 */
import { z } from 'zod';
import { DEFAULT_BUDGETS } from '../model/budgets.ts';
import { DEPLOYMENT_ID_PATTERN } from '../ownership.ts';

/** A string that must match `pattern`; the message says what was expected and the hint how to write it. */
const matching = (pattern: RegExp, what: string, hint: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      if (!pattern.test(value))
        ctx.addIssue({ code: 'custom', message: `"${value}" is not ${what}`, params: { hint } });
    })
    .meta({ pattern: pattern.source, description: what });

/**
 * Account ids are strings: YAML reads an unquoted 012345678901 as the number 12345678901, losing
 * the leading zero, so a number here is an error that says to quote it.
 */
const accountId = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value === 'number')
      ctx.addIssue({
        code: 'custom',
        message: `account id ${value} is a number`,
        params: { hint: 'quote it: id: "012345678901" (YAML drops leading zeros of numbers)' },
      });
    else if (typeof value !== 'string' || !/^\d{12}$/.test(value))
      ctx.addIssue({
        code: 'custom',
        message: `"${String(value)}" is not an AWS account id`,
        params: { hint: 'an account id is 12 digits, quoted' },
      });
  })
  .meta({ type: 'string', pattern: '^\\d{12}$', description: 'AWS account id, 12 digits, quoted' });

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const region = matching(REGION, 'an AWS Region', 'write the Region code, e.g. eu-west-1');
const vpcId = matching(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id', 'e.g. vpc-0a1b2c3d4e5f67890');
const roleArn = matching(
  /^(arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}|[\w+=,.@-][\w+=,.@/-]{0,511})$/,
  'an IAM role ARN or role name',
  'e.g. arn:aws:iam::111111111111:role/segsync-member, or segsync-member (a role in that account)',
);
/** A GUID in Azure; a plain lowercase name is accepted too, for the local ARM server's sandbox subscriptions. */
const SUBSCRIPTION =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-z][a-z0-9-]{0,62})$/;
const subscriptionId = matching(SUBSCRIPTION, 'an Azure subscription id', 'a subscription id is a GUID');
const vnetId = matching(
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i,
  'a virtual network ARM id',
  'e.g. /subscriptions/<id>/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet',
);
const projectId = matching(
  /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  'a GCP project id',
  'a project id is 6-30 lowercase letters, digits and hyphens (not the project number or display name)',
);
const gcpName = matching(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a GCP network name', 'e.g. prod-vpc');
const email = matching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address', 'the service account email');
const schedule = matching(
  /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/,
  'a schedule expression',
  'rate(15 minutes) or cron(0/15 * * * ? *), as EventBridge Scheduler takes them',
);

const budgetsOf = (cloud: keyof typeof DEFAULT_BUDGETS) =>
  z.strictObject(
    Object.fromEntries(
      Object.keys(DEFAULT_BUDGETS[cloud]).map((k) => [k, z.number().int().positive().optional()]),
    ) as Record<string, z.ZodOptional<z.ZodNumber>>,
  );

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1);

export const AwsAccountSchema = z.strictObject({
  id: accountId,
  role: roleArn.optional(),
  externalId: z.string().min(2).max(1224).optional(),
  regions: list(region),
  vpcs: list(vpcId).optional(),
});

export const AwsConnectivitySchema = z.strictObject({
  kind: z.enum(['peering', 'transit-gateway']),
  id: matching(/^(pcx|tgw)-[0-9a-f]{8,17}$/, 'a peering or transit gateway id', 'e.g. pcx-0a1b2c3d or tgw-0a1b2c3d'),
  region,
  vpcs: list(vpcId),
});

export const ConfigSchema = z.strictObject({
  apiVersion: z.literal('segsync/v1'),
  kind: z.literal('Deployment'),
  metadata: z.strictObject({
    name: matching(
      DEPLOYMENT_ID_PATTERN,
      'a deployment id',
      '1-10 lowercase letters and digits, starting with a letter: it is part of every object name and ownership tag',
    ),
  }),
  spec: z.strictObject({
    policy: z.string().min(1).meta({ description: 'the policy file, relative to this file' }),
    limits: z
      .strictObject({
        aws: budgetsOf('aws').optional(),
        azure: budgetsOf('azure').optional(),
        gcp: budgetsOf('gcp').optional(),
      })
      .optional(),
    drift: z.strictObject({ mode: z.enum(['apply', 'report']).optional(), schedule: schedule.optional() }).optional(),
    aws: z
      .strictObject({ accounts: list(AwsAccountSchema), connectivity: z.array(AwsConnectivitySchema).optional() })
      .optional(),
    azure: z
      .strictObject({
        subscriptions: list(
          z.strictObject({
            id: subscriptionId,
            resourceGroups: list(z.string().min(1).max(90)).optional(),
            vnets: list(vnetId).optional(),
          }),
        ),
        events: z.strictObject({ secret: z.string().min(1) }).optional(),
      })
      .optional(),
    gcp: z
      .strictObject({
        projects: list(z.strictObject({ id: projectId, networks: list(gcpName).optional() })),
        events: z.strictObject({ audience: z.string().min(1), serviceAccount: email }).optional(),
      })
      .optional(),
  }),
});

export type ConfigDocument = z.infer<typeof ConfigSchema>;
