/**
 * The estate file's shape as zod strict objects (a typo'd key is an error, not silently
 * ignored), and the conversion of zod issues into diagnostics a person can act on.
 *
 * Syntax of single values (addresses, CIDRs, account ids, ports) is checked here so every such
 * mistake is reported in one pass; cross-item checks (duplicates, scopes) live in
 * estate-checks.ts.
 */
import { z } from 'zod';
import { didYouMean, type Diagnostic } from '../../core/diagnostics.ts';
import { parseAddress, parseCidr } from '../../core/model/address.ts';
import type { PositionIndex } from '../../core/policy/positions.ts';

type Issue = z.core.$ZodIssue;

const address = z.string().superRefine((value, ctx) => {
  const parsed = parseAddress(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: { code: 'invalid-address', hint: parsed.hint } });
});

const cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: { code: 'invalid-cidr', hint: parsed.hint } });
});

/** AWS account ids are exactly 12 digits (leading zeros count, hence a string). */
const awsAccount = z.string().superRefine((value, ctx) => {
  if (!/^\d{12}$/.test(value)) {
    ctx.addIssue({ code: 'custom', message: `AWS account "${value}" is not valid: an account id is exactly 12 digits`,
      params: { code: 'invalid-account', hint: 'write it quoted, with any leading zeros, e.g. account: "012345678901"' } });
  }
});

/** Estate ports: "22" or "8000-8100", each 0-65535, low ≤ high. */
const portRange = z.string().superRefine((value, ctx) => {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || lo > 65535 || hi > 65535 || lo > hi) {
    ctx.addIssue({ code: 'custom', message: `ports "${value}" is not valid: expected a port like "22" or a range like "8000-8100" within 0-65535`,
      params: { code: 'invalid-port' } });
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
  id: z.string().regex(/^sg-[0-9a-z-]+$/, { error: 'a security group id looks like sg-0123abcd (sg- then lowercase letters, digits, -)' }),
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

const ITEM_KEYS: Record<string, string[]> = {
  aws: Object.keys(AwsInstanceSchema.shape),
  azure: Object.keys(AzureVmSchema.shape),
  gcp: Object.keys(GcpInstanceSchema.shape),
  awsSecurityGroups: Object.keys(AwsSecurityGroupSchema.shape),
  gcpFirewalls: Object.keys(GcpFirewallSchema.shape),
};

/** The keys allowed in the mapping at `path`, for "did you mean" and "allowed here" hints. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(EstateSchema.shape);
  const list = String(path[0]);
  if (path.length === 2) return ITEM_KEYS[list] ?? [];
  if (path.length === 4 && path[2] === 'nics') return Object.keys(NicSchema.shape);
  if (path.length === 4 && (path[2] === 'ingress' || path[2] === 'egress')) return Object.keys(AwsRuleSchema.shape);
  return [];
}

export function zodIssuesToDiagnostics(issues: readonly Issue[], data: unknown, pos: PositionIndex): Diagnostic[] {
  return issues.flatMap((issue) => convert(issue, data, pos));
}

function convert(issue: Issue, data: unknown, pos: PositionIndex): Diagnostic[] {
  const path = [...issue.path];
  const input = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(path);
        const suggestion = didYouMean(key, known);
        return diag('unknown-key', [...path, key], pos.at(path, { key }), `unknown field "${key}"`,
          suggestion ? `did you mean "${suggestion}"?` : `allowed here: ${known.join(', ')}`);
      });
    case 'invalid_type':
      return [typeIssue(issue.expected, path, input, pos)];
    case 'invalid_value': {
      const suggestion = typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : undefined;
      return [diag('invalid-value', path, pos.at(path), `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, found ${describe(input)}`,
        suggestion ? `did you mean "${suggestion}"?` : undefined)];
    }
    case 'too_small':
      return [diag(Array.isArray(input) ? 'empty-list' : 'empty-value', path, pos.at(path),
        Array.isArray(input) ? 'must list at least one item (or leave the field out)' : 'must not be empty')];
    case 'custom': {
      const params = (issue.params ?? {}) as { code?: string; hint?: string };
      return [diag(params.code ?? 'invalid', path, pos.at(path), issue.message, params.hint)];
    }
    default:
      return [diag('invalid', path, pos.at(path), issue.message)];
  }
}

function typeIssue(expected: string, path: PropertyKey[], input: unknown, pos: PositionIndex): Diagnostic {
  if (input === undefined) {
    const field = String(path[path.length - 1]);
    return diag('missing-field', path, pos.at(path.slice(0, -1)), `missing required field "${field}"`, `add ${field}: <${expected}>`);
  }
  // YAML reads `Env: 1`, `Env: true` or `account: 0123...` as numbers/booleans; quoting keeps the text.
  const quotable = expected === 'string' && (typeof input === 'number' || typeof input === 'boolean');
  return diag('wrong-type', path, pos.at(path), `expected ${article(expected)}, found ${describe(input)}`,
    quotable ? `quote it: "${String(input)}" (YAML reads unquoted ${String(input)} as a ${typeof input})` : undefined);
}

function article(expected: string): string {
  return expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`;
}

export function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `the ${typeof value} ${String(value)}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

export function diag(code: string, path: PropertyKey[], source: Diagnostic['source'], message: string, hint?: string): Diagnostic {
  return { code, severity: 'error', path, ...(source ? { source } : {}), message, ...(hint ? { hint } : {}) };
}
