/**
 * validateConfig: segsync.yaml text → DeploymentConfig, or every mistake with its position, the
 * same way the policy is validated (DESIGN.md §7). Pure: the text, the file name and how to
 * resolve the policy path come in as arguments; load.ts is the part that reads the file.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { readYaml } from '../source/yaml.ts';
import { zodIssuesToDiagnostics } from '../source/zod-issues.ts';
import type { PositionIndex } from '../source/positions.ts';
import { ConfigSchema, type ConfigDocument } from './schema.ts';
import type { DeploymentConfig } from './types.ts';
import { awsRoleArn } from './role.ts';

export interface ConfigValidation {
  /** Present iff there are no errors. */
  config?: DeploymentConfig;
  diagnostics: Diagnostic[];
}

export const DEFAULT_DRIFT_SCHEDULE = 'rate(15 minutes)';

/**
 * @param resolvePolicy turns the policy path as written into the path to read (load.ts resolves it
 *   against the configuration file's folder).
 */
export function validateConfig(
  text: string,
  filename = 'segsync.yaml',
  resolvePolicy: (written: string) => string = (p) => p,
): ConfigValidation {
  const { data, pos, diagnostics: yamlErrors } = readYaml(text, filename);
  if (yamlErrors.length > 0) return { diagnostics: yamlErrors };
  const start = { file: filename, line: 1, column: 1 };
  if (data === null || data === undefined || (typeof data === 'object' && Object.keys(data).length === 0))
    return {
      diagnostics: [
        {
          code: 'config-empty',
          severity: 'error',
          path: [],
          source: start,
          message: 'the deployment configuration is empty',
          hint: 'start from examples/segsync.yaml: apiVersion, kind: Deployment, metadata.name and spec.policy',
        },
      ],
    };
  if (isObject(data) && data.kind === 'SegmentationPolicy')
    return {
      diagnostics: [
        {
          code: 'config-is-policy',
          severity: 'error',
          path: ['kind'],
          source: pos.at(['kind']) ?? start,
          message: 'this file is a policy (kind: SegmentationPolicy), not a deployment configuration',
          hint: '--config takes segsync.yaml (kind: Deployment), which names the policy file in spec.policy',
        },
      ],
    };
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success)
    return {
      diagnostics: sortDiagnostics(zodIssuesToDiagnostics(parsed.error.issues, data, pos, { root: ConfigSchema })),
    };
  const diagnostics = sortDiagnostics(checkConfig(parsed.data, pos, start));
  if (hasErrors(diagnostics)) return { diagnostics };
  return { config: toConfig(parsed.data, filename, resolvePolicy), diagnostics };
}

/** What the schema cannot see: references between fields, duplicates, a deployment with nothing to manage. */
function checkConfig(doc: ConfigDocument, pos: PositionIndex, start: Diagnostic['source']): Diagnostic[] {
  const out: Diagnostic[] = [];
  const error = (code: string, path: PropertyKey[], message: string, hint: string) =>
    out.push({ code, severity: 'error', path, source: pos.at(path) ?? start, message, hint });
  const { aws, azure, gcp } = doc.spec;
  if (!aws && !azure && !gcp)
    error(
      'no-targets',
      ['spec'],
      'the deployment manages no cloud: spec lists no aws, azure or gcp targets',
      'add spec.aws.accounts, spec.azure.subscriptions or spec.gcp.projects',
    );
  const accounts = aws?.accounts ?? [];
  accounts.forEach((a, i) => {
    const roleAccount = a.role?.split(':')[4];
    if (roleAccount !== undefined && roleAccount !== a.id)
      error(
        'role-in-other-account',
        ['spec', 'aws', 'accounts', i, 'role'],
        `the role is in account ${roleAccount}, but this entry manages account ${String(a.id)}`,
        `name a role in account ${String(a.id)} (segsync assumes it to manage that account)`,
      );
  });
  duplicates(
    accounts.map((a) => String(a.id)),
    (i, v) =>
      error(
        'duplicate-account',
        ['spec', 'aws', 'accounts', i, 'id'],
        `account ${v} is listed twice`,
        'merge the two entries',
      ),
  );
  const managedRegions = new Set(accounts.flatMap((a) => a.regions));
  (aws?.connectivity ?? []).forEach((c, i) => {
    if (c.kind === 'peering' && c.vpcs.length !== 2)
      error(
        'peering-needs-two-vpcs',
        ['spec', 'aws', 'connectivity', i, 'vpcs'],
        `a VPC peering connects exactly two VPCs; ${c.id} lists ${c.vpcs.length}`,
        'list the requester and accepter VPC',
      );
    if (!managedRegions.has(c.region))
      error(
        'connectivity-outside-targets',
        ['spec', 'aws', 'connectivity', i, 'region'],
        `${c.id} is in ${c.region}, which no account in spec.aws.accounts manages`,
        `add ${c.region} to an account's regions, or remove this entry`,
      );
  });
  duplicates(azure?.subscriptions.map((s) => s.id.toLowerCase()) ?? [], (i, v) =>
    error(
      'duplicate-subscription',
      ['spec', 'azure', 'subscriptions', i, 'id'],
      `subscription ${v} is listed twice`,
      'merge the two entries',
    ),
  );
  duplicates(gcp?.projects.map((p) => p.id) ?? [], (i, v) =>
    error(
      'duplicate-project',
      ['spec', 'gcp', 'projects', i, 'id'],
      `project ${v} is listed twice`,
      'merge the two entries',
    ),
  );
  return out;
}

function duplicates(values: readonly string[], report: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) report(i, v);
    seen.add(v);
  });
}

function toConfig(doc: ConfigDocument, file: string, resolvePolicy: (p: string) => string): DeploymentConfig {
  const { spec } = doc;
  return {
    file,
    deploymentId: doc.metadata.name,
    policy: resolvePolicy(spec.policy),
    ...(spec.limits ? { limits: spec.limits } : {}),
    drift: { mode: spec.drift?.mode ?? 'apply', schedule: spec.drift?.schedule ?? DEFAULT_DRIFT_SCHEDULE },
    ...(spec.aws
      ? {
          aws: {
            accounts: spec.aws.accounts.map((a) => ({
              id: String(a.id),
              regions: [...new Set(a.regions)],
              ...(a.role ? { role: awsRoleArn(a.role, String(a.id), a.regions[0]!) } : {}),
              ...(a.externalId ? { externalId: a.externalId } : {}),
              ...(a.vpcs ? { vpcs: a.vpcs } : {}),
            })),
            connectivity: spec.aws.connectivity ?? [],
          },
        }
      : {}),
    ...(spec.azure ? { azure: spec.azure } : {}),
    ...(spec.gcp ? { gcp: spec.gcp } : {}),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
