/**
 * What the three clouds' connect.ts share: the error for a configuration that cannot be used as
 * given, and SEGSYNC_<CLOUD>_ENDPOINT (DESIGN.md §7), a base URL that sends every call of that
 * cloud to an emulator or a local test server.
 */
import type { Cloud } from '../core/model/cloud.ts';
import { SegsyncError } from '../core/errors.ts';

/** A wrong account, role, endpoint or missing credentials: terminal, with what to fix. */
export class ConnectError extends SegsyncError {
  readonly retryable = false;
  constructor(
    readonly cloud: Cloud,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const ENDPOINT_ENV: Record<Cloud, string> = {
  aws: 'SEGSYNC_AWS_ENDPOINT',
  azure: 'SEGSYNC_AZURE_ENDPOINT',
  gcp: 'SEGSYNC_GCP_ENDPOINT',
};

export interface EndpointRule {
  /** Accepted schemes; the first one is used in the example. */
  protocols: ReadonlyArray<'http:' | 'https:'>;
  /** e.g. 127.0.0.1:5000 */
  example: string;
  /** Why only these schemes, when it is not both. */
  why?: string;
  /** The SDK appends the API path itself, so a path here would be doubled. */
  pathless?: boolean;
}

/** The cloud's endpoint override from `env`, checked; undefined when unset (the cloud's own endpoint). */
export function endpointFromEnv(cloud: Cloud, env: NodeJS.ProcessEnv, rule: EndpointRule): URL | undefined {
  const name = ENDPOINT_ENV[cloud];
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const example = `${rule.protocols[0]}//${rule.example}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectError(cloud, `${name}="${raw}" is not a URL; give a base URL such as ${example}`);
  }
  if (!rule.protocols.includes(url.protocol as 'http:' | 'https:'))
    throw new ConnectError(
      cloud,
      `${name}="${raw}" must be an ${rule.protocols.map((p) => `${p.slice(0, -1)}://`).join(' or ')} URL${rule.why ? `: ${rule.why}` : ''}`,
    );
  if (rule.pathless && url.pathname !== '/' && url.pathname !== '')
    throw new ConnectError(cloud, `${name}="${raw}" must be a base URL without a path (the SDK adds the API path)`);
  return url;
}
