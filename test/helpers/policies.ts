/**
 * Policies the tests share. `policyOf` wraps a `spec:` body (indented two spaces) in the header;
 * the shops are the small three-tier policies several test files plan, apply and verify.
 */
import { parsePolicy } from '../../core/policy/parse.ts';
import type { Policy } from '../../core/policy/types.ts';

/** One segment per `tier` label value, named after it, as lines under `spec:` (interpolate into a policyOf spec). */
export const tierSegments = (...tiers: string[]): string =>
  `  segments:\n${tiers.map((t) => `    - { name: ${t}, selector: "tier == '${t}'" }\n`).join('')}`;

/** The web, app and db segments by `tier` label. */
export const TIER_SEGMENTS = tierSegments('web', 'app', 'db');

/** Parses `spec` (the lines under `spec:`, indented two spaces) as policy `name` in `<name>.yaml`. */
export const policyOf = (spec: string, name = 't'): Policy =>
  parsePolicy(
    `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: ${name} }
spec:
${spec}`,
    `${name}.yaml`,
  );

/** A whole policy document: the internet reaches `tier == 'web'` on tcp/443 (the library-entry tests). */
export const HTTPS_TO_WEB = `apiVersion: segsync/v1
kind: SegmentationPolicy
metadata: { name: lib }
spec:
  segments: [{ name: web, selector: "tier == 'web'" }]
  rules: [{ name: https, from: { cidrs: [0.0.0.0/0] }, to: web, ports: [tcp/443] }]
`;

/** web → app → db in one AWS estate, admin SSH to web; exclusive (test/core/compile, test/core/plan). */
export const threeTierShop = policyOf(`  exclusive: true
  defaults: { egress: deny, unlabeled: ignore }
  externals:
    - { name: admin, cidrs: [192.168.10.0/24] }
${TIER_SEGMENTS}  rules:
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080, icmp] }
    - { name: app-to-db, from: app, to: db, ports: [tcp/5432] }
    - { name: admin-ssh, from: { external: admin }, to: web, ports: [tcp/22] }
`);

/**
 * The shop the AWS and Azure sandbox round trips apply: internet → web → app → db, app → the
 * mainframe on `mainframePorts`, admin → db over IPv4 and IPv6.
 */
export const sandboxShop = (exclusive: boolean, mainframePorts = 'tcp/1414'): Policy =>
  policyOf(
    `  exclusive: ${exclusive}
  defaults: { egress: deny, unlabeled: ignore }
  externals:
    - { name: internet, cidrs: [0.0.0.0/0, "::/0"] }
    - { name: admin, cidrs: [192.168.10.0/24, "2001:db8:ad::/48"] }
    - { name: mainframe, cidrs: [10.50.0.0/16] }
${TIER_SEGMENTS}  rules:
    - { name: internet-to-web, from: { external: internet }, to: web, ports: [tcp/443] }
    - { name: web-to-app, from: web, to: app, ports: [tcp/8080] }
    - { name: app-to-db, from: app, to: db, ports: [tcp/5432, icmp] }
    - { name: app-to-mainframe, from: app, to: { external: mainframe }, ports: [${mainframePorts}] }
    - { name: admin-to-db, from: { external: admin }, to: db, ports: [tcp/22, icmp] }
`,
    'shop',
  );
