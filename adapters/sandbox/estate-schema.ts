/**
 * The estate file's shape as zod strict objects (a typo'd key is an error, not silently
 * ignored); core/source/zod-issues.ts turns its issues into diagnostics.
 *
 * Syntax of single values (addresses, CIDRs, account ids, ports) is checked here so every such
 * mistake is reported in one pass; cross-item checks (duplicates, scopes) live in
 * estate-checks.ts.
 */
import { z } from 'zod';
import { parseAddress, parseCidr } from '../../core/model/address.ts';

const address = z.string().superRefine((value, ctx) => {
  const parsed = parseAddress(value);
  if (!parsed.ok)
    ctx.addIssue({ code: 'custom', message: parsed.message, params: { code: 'invalid-address', hint: parsed.hint } });
});

const cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (!parsed.ok)
    ctx.addIssue({ code: 'custom', message: parsed.message, params: { code: 'invalid-cidr', hint: parsed.hint } });
});

/** AWS account ids are exactly 12 digits (leading zeros count, hence a string). */
const awsAccount = z.string().superRefine((value, ctx) => {
  if (!/^\d{12}$/.test(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `AWS account "${value}" is not valid: an account id is exactly 12 digits`,
      params: {
        code: 'invalid-account',
        hint: 'write it quoted, with any leading zeros, e.g. account: "012345678901"',
      },
    });
  }
});

/** Estate ports: "22" or "8000-8100", each 0-65535, low ≤ high. */
const portRange = z.string().superRefine((value, ctx) => {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || lo > 65535 || hi > 65535 || lo > hi) {
    ctx.addIssue({
      code: 'custom',
      message: `ports "${value}" is not valid: expected a port like "22" or a range like "8000-8100" within 0-65535`,
      params: { code: 'invalid-port' },
    });
  }
});

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'all', '-1'] as const;
const tags = z.record(z.string(), z.string());

export const NicSchema = z.strictObject({
  id: z.string().min(1).optional(),
  ip: address,
  ipv6: address.optional(),
  subnet: z.string().min(1).optional(),
});

export const AwsInstanceSchema = z.strictObject({
  id: z.string().min(1),
  account: awsAccount,
  region: z.string().min(1),
  vpc: z.string().min(1),
  subnet: z.string().min(1).optional(),
  ip: address,
  ipv6: address.optional(),
  tags: tags.default({}),
  state: z.enum(['running', 'stopped', 'terminated']).optional(),
  nics: z.array(NicSchema).optional(),
  securityGroups: z.array(z.string().min(1)).min(1).optional(),
});

export const AzureVmSchema = z.strictObject({
  id: z.string().min(1),
  subscription: z.string().min(1),
  resourceGroup: z.string().min(1).optional(),
  region: z.string().min(1),
  vnet: z.string().min(1),
  subnet: z.string().min(1).optional(),
  ip: address,
  ipv6: address.optional(),
  tags: tags.default({}),
  nics: z.array(NicSchema).optional(),
  nsg: z.string().min(1).optional(),
});

export const GcpInstanceSchema = z.strictObject({
  id: z.string().min(1),
  project: z.string().min(1),
  zone: z.string().min(1),
  network: z.string().min(1),
  ip: address,
  ipv6: address.optional(),
  labels: tags.default({}),
  tags: z.array(z.string().min(1)).optional(),
});

export const AwsRuleSchema = z.strictObject({ protocol: z.enum(PROTOCOLS), ports: portRange.optional(), cidr });

export const AwsSecurityGroupSchema = z.strictObject({
  id: z.string().regex(/^sg-[0-9a-z-]+$/, {
    error: 'a security group id looks like sg-0123abcd (sg- then lowercase letters, digits, -)',
  }),
  account: awsAccount,
  region: z.string().min(1),
  vpc: z.string().min(1),
  name: z.string().min(1).optional(),
  ingress: z.array(AwsRuleSchema).optional(),
  egress: z.array(AwsRuleSchema).optional(),
});

export const GcpFirewallSchema = z.strictObject({
  name: z.string().min(1),
  project: z.string().min(1),
  network: z.string().min(1),
  direction: z.enum(['INGRESS', 'EGRESS']).optional(),
  priority: z.number().int().min(0).max(65535).optional(),
  action: z.enum(['allow', 'deny']).optional(),
  protocol: z.string().min(1),
  ports: z.array(portRange).optional(),
  ranges: z.array(cidr).min(1),
  targetTags: z.array(z.string().min(1)).optional(),
});

export const EstateSchema = z.strictObject({
  aws: z.array(AwsInstanceSchema).default([]),
  azure: z.array(AzureVmSchema).default([]),
  gcp: z.array(GcpInstanceSchema).default([]),
  awsSecurityGroups: z.array(AwsSecurityGroupSchema).default([]),
  gcpFirewalls: z.array(GcpFirewallSchema).default([]),
});
