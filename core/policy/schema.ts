/**
 * The policy file format (apiVersion segsync/v1, kind SegmentationPolicy) as a zod schema.
 *
 * Pure. This schema checks shape and the syntax of every string that has one (names, CIDRs,
 * port specs, selectors), so zod reports every such mistake in one pass; cross-references
 * (unknown segments, duplicates) are checked in semantics.ts. The schema has no transforms,
 * so `segsync schema` can publish it unchanged as JSON Schema for editors.
 */
import { z } from 'zod';
import { cidrContains, parseCidr, type Cidr } from '../model/address.ts';
import { parsePortSpec } from '../model/ports.ts';
import { trySelector } from './selector/index.ts';

/**
 * Names become part of cloud object names (security groups, ASGs, GCP network tags), so they
 * keep to the strictest cloud's alphabet: GCP network tags, lowercase RFC 1035
 * (CLOUD-FACTS.md §3.3, §6.8). 40 characters leaves room for segsync's prefix and hash.
 */
export const NAME_PATTERN = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;
export const NAME_MAX = 40;

const name = (what: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      if (!NAME_PATTERN.test(value)) {
        const suggestion = value
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-')
          .replace(/^[^a-z]+|-+$/g, '')
          .slice(0, NAME_MAX);
        ctx.addIssue({
          code: 'custom',
          message: `${what} name "${value}" is not valid: use 1-${NAME_MAX} lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
          params: {
            hint: suggestion
              ? `did you mean "${suggestion}"? (names become cloud object names, which must fit every cloud)`
              : undefined,
          },
        });
      }
    })
    .meta({ pattern: NAME_PATTERN.source, description: `${what} name: lowercase letters, digits and '-'` });

const cidr = z
  .string()
  .superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: { hint: parsed.hint } });
  })
  .meta({ description: 'an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/16 or 2001:db8::/32' });

const portSpec = z
  .string()
  .superRefine((value, ctx) => {
    const parsed = parsePortSpec(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: { hint: parsed.hint } });
  })
  .meta({ pattern: '^(any|icmp|(tcp|udp)(/[0-9]{1,5}(-[0-9]{1,5})?)?)$' });

const selector = z.string().superRefine((value, ctx) => {
  const parsed = trySelector(value);
  if (!parsed.ok) {
    const e = parsed.error;
    ctx.addIssue({
      code: 'custom',
      message: `selector does not parse at column ${e.column}: ${e.message}`,
      params: { selectorColumn: e.column },
    });
  }
});

const labelMap = z.record(z.string().min(1), z.string());

const exceptList = z
  .array(cidr)
  .describe("CIDRs taken out of `cidrs` (as Kubernetes' ipBlock.except); each must lie inside one of them");

/**
 * Every `except` CIDR must lie inside one of the `cidrs` it carves from: one outside removes
 * nothing, which is almost always a typo (10.0.0.0/8 under 192.168.0.0/16).
 */
function exceptInside(value: { cidrs: string[]; except?: string[] | undefined }, ctx: z.RefinementCtx): void {
  const outer = value.cidrs.map(parseCidr).flatMap((p) => (p.ok ? [p.value] : []));
  (value.except ?? []).forEach((text, i) => {
    const parsed = parseCidr(text);
    if (!parsed.ok || outer.some((o) => cidrInside(parsed.value, o))) return;
    ctx.addIssue({
      code: 'custom',
      path: ['except', i],
      message: `except ${text} is not inside any of the CIDRs it carves from (${value.cidrs.join(', ')}), so it would remove nothing`,
      params: { hint: 'list a range inside one of `cidrs`, or remove this entry' },
    });
  });
}

function cidrInside(inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && outer.prefix <= inner.prefix && cidrContains(outer, inner.family, inner.base);
}

export const PeerSchema = z.union([
  name('segment').describe('the name of a segment'),
  z.strictObject({ selector: selector.describe("a label selector, e.g. app == 'shop' && tier == 'web'") }),
  z.strictObject({ external: name('external').describe('the name of an external') }),
  z
    .strictObject({ cidrs: z.array(cidr).min(1).describe('IPv4 or IPv6 CIDRs'), except: exceptList.optional() })
    .superRefine(exceptInside),
]);

export const ExternalSchema = z
  .strictObject({
    name: name('external'),
    description: z.string().optional(),
    labels: labelMap.optional().describe('labels that selectors match this external by'),
    cidrs: z.array(cidr).min(1),
    except: exceptList.optional(),
  })
  .superRefine(exceptInside);

export const SegmentSchema = z.strictObject({
  name: name('segment'),
  description: z.string().optional(),
  selector: selector.describe('a Calico-compatible label selector'),
  mode: z
    .enum(['enforce', 'monitor'])
    .optional()
    .describe('monitor: compiled and reported, not enforced (default enforce)'),
});

export const RuleSchema = z.strictObject({
  name: name('rule'),
  description: z.string().optional(),
  action: z.enum(['allow', 'deny']).optional().describe('default allow; deny overrides any allow'),
  from: PeerSchema,
  to: PeerSchema,
  ports: z.array(portSpec).min(1).describe('tcp/443, udp/53, tcp/8000-8100, tcp, udp, icmp or any'),
});

/**
 * A segment-aligned address plan: every block lies inside its plan CIDR and has one family, so
 * the compiler can use the plan CIDRs and their aligned blocks as candidates.
 */
export const AddressPlanSchema = z
  .strictObject({
    cidrs: z
      .array(cidr)
      .min(1)
      .describe('the address ranges (VPC / VNet / network CIDRs) whose addresses are allocated per segment'),
    blockPrefix: z
      .number()
      .int()
      .min(1)
      .max(128)
      .describe('prefix length of the aligned blocks each segment gets, e.g. 24 (a segment may hold several blocks)'),
    unusedBlocks: z
      .enum(['exclude', 'admit'])
      .optional()
      .describe(
        'exclude (default): a compressed CIDR only spans blocks that already hold workloads; admit: it may span blocks no workload uses yet',
      ),
  })
  .superRefine((value, ctx) => {
    value.cidrs.forEach((text, i) => {
      const parsed = parseCidr(text);
      if (!parsed.ok) return;
      const bits = parsed.value.family === 'ipv4' ? 32 : 128;
      if (value.blockPrefix > bits || value.blockPrefix < parsed.value.prefix)
        ctx.addIssue({
          code: 'custom',
          path: ['cidrs', i],
          message: `blockPrefix ${value.blockPrefix} does not cut ${text} into blocks: it must lie between ${parsed.value.prefix} and ${bits}`,
          params: { hint: 'put IPv4 and IPv6 ranges in separate plans, each with its own blockPrefix' },
        });
    });
  })
  .describe(
    'allows writing a peer address set as a block or plan CIDR when every known address inside is a member (docs/address-plans.md)',
  );

const principals = (what: string) =>
  z.array(z.string().min(1)).min(1).optional().describe(`${what}; * matches any run of characters`);

/** Who may change labels (docs/semantics.md "Label trust"); a cloud not listed trusts every change. */
export const LabelTrustSchema = z.strictObject({
  onUntrusted: z
    .enum(['keep', 'quarantine'])
    .optional()
    .describe('keep the labels segsync honoured before (default), or quarantine the workload'),
  aws: principals('CloudTrail userIdentity ARNs, e.g. arn:aws:sts::111111111111:assumed-role/Provisioner/*'),
  azure: principals('Event Grid data.claims as claim=value (upn, appid, oid, name or the claim URI), or a principalId'),
  gcp: principals(
    'audit log protoPayload.authenticationInfo.principalEmail, e.g. *@my-project.iam.gserviceaccount.com',
  ),
});

export const PolicySchema = z.strictObject({
  apiVersion: z.literal('segsync/v1'),
  kind: z.literal('SegmentationPolicy'),
  metadata: z.strictObject({
    name: name('policy'),
    description: z.string().optional(),
  }),
  spec: z.strictObject({
    labels: z
      .strictObject({ keys: z.array(z.string().min(1)).min(1) })
      .optional()
      .describe('only these tag keys count as labels'),
    defaults: z
      .strictObject({
        egress: z.enum(['deny', 'allow']).optional().describe('default deny'),
        unlabeled: z.enum(['ignore', 'quarantine']).optional().describe('default ignore'),
      })
      .optional(),
    exclusive: z
      .boolean()
      .optional()
      .describe(
        'remove security groups / NSGs segsync does not own from enforced workloads (default true); false keeps them and reports what they re-open',
      ),
    azureLoadBalancerProbes: z
      .enum(['allow', 'deny'])
      .optional()
      .describe(
        'Azure Load Balancer health probes (168.63.129.16) to managed VMs: allowed above the catch-all deny (default allow)',
      ),
    labelTrust: LabelTrustSchema.optional(),
    addressPlans: z
      .array(AddressPlanSchema)
      .optional()
      .describe(
        'segment-aligned address plans: compile may write member addresses as a block or plan CIDR that admits only unallocated addresses (default: none, every set exact)',
      ),
    endToEnd: z
      .strictObject({
        ranges: z
          .array(cidr)
          .min(1)
          .describe(
            'address ranges that hold only segsync-enforced workloads (e.g. VPC CIDRs under unlabeled: quarantine, without NAT gateways, load balancers or other hosts segsync does not enforce)',
          ),
      })
      .optional()
      .describe(
        "end-to-end mode: a destination's ingress may admit addresses whose own enforced egress denies the flow, and unallocated addresses of `ranges` (default: off, each side exact; docs/end-to-end.md)",
      ),
    externals: z.array(ExternalSchema).optional(),
    segments: z.array(SegmentSchema).min(1),
    rules: z.array(RuleSchema).optional(),
  }),
});

export type PolicyDocument = z.infer<typeof PolicySchema>;
export type PeerDocument = z.infer<typeof PeerSchema>;

/** The JSON Schema of the file format, for editors (yaml-language-server) and `segsync schema`. */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PolicySchema, { io: 'input', unrepresentable: 'any' }),
    // A URN, not a URL: nothing is published, and an editor must never try to fetch it.
    $id: 'urn:segsync:schema:segsync-v1',
    title: 'segsync SegmentationPolicy (segsync/v1)',
  };
}
