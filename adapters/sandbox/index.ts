/**
 * The embedded sandbox: in-memory AWS, Azure and GCP seeded from an estate file, wrapped in the
 * same adapters the real clouds use (adapters/<cloud>/index.ts), so the CLI, the demo and the
 * tests run the real read/plan/apply code against documented cloud behaviour.
 */
import type { NativeState } from '../../core/model/native/index.ts';
import { awsAdapter } from '../aws/index.ts';
import { azureAdapter } from '../azure/index.ts';
import { gcpAdapter } from '../gcp/index.ts';
import type { Clouds } from '../reconcile.ts';
import { SandboxAws, type AwsLimits } from './aws.ts';
import { SandboxAzure, type AzureLimits } from './azure.ts';
import type { Estate } from './estate-types.ts';
import { FaultInjector, type FaultPlan } from './faults.ts';
import { SandboxGcp, type GcpLimits } from './gcp.ts';
import type { CloudDump } from './persist.ts';

/** The persisted form of a sandbox (`--state FILE`): plain JSON, versioned. */
export interface SandboxDump {
  format: typeof DUMP_FORMAT;
  version: typeof DUMP_VERSION;
  aws: CloudDump;
  azure: CloudDump;
  gcp: CloudDump;
}

const DUMP_FORMAT = 'segsync-sandbox';
const DUMP_VERSION = 1;

export interface SandboxOptions {
  faults?: FaultPlan;
  /** Quotas to enforce instead of the defaults (a restored sandbox keeps its own unless given here). */
  limits?: { aws?: Partial<AwsLimits>; azure?: Partial<AzureLimits>; gcp?: Partial<GcpLimits> };
}

/** Thrown by `Sandbox.restore` for data that is not a sandbox dump this version can read. */
export class SandboxDumpError extends Error {}

export class Sandbox {
  private constructor(
    readonly aws: SandboxAws,
    readonly azure: SandboxAzure,
    readonly gcp: SandboxGcp,
  ) {}

  /** `limits`: quotas the sandbox clouds enforce instead of the clouds' defaults (raised quotas). */
  static fromEstate(estate: Estate, options: SandboxOptions = {}): Sandbox {
    const faults = options.faults ? new FaultInjector(options.faults) : undefined;
    const { aws, azure, gcp } = options.limits ?? {};
    return new Sandbox(
      SandboxAws.fromEstate(estate, { ...(faults ? { faults } : {}), ...(aws ? { limits: aws } : {}) }),
      SandboxAzure.fromEstate(estate, { ...(faults ? { faults } : {}), ...(azure ? { limits: azure } : {}) }),
      SandboxGcp.fromEstate(estate, { ...(faults ? { faults } : {}), ...(gcp ? { limits: gcp } : {}) }),
    );
  }

  /**
   * Everything the three sandbox clouds hold — resources, id counters, versions, etags,
   * fingerprints, limits — as JSON data. `Sandbox.restore(JSON.parse(JSON.stringify(dump)))`
   * gives a sandbox with the same `snapshot()` that hands out the same ids from then on.
   */
  dump(): SandboxDump {
    return {
      format: DUMP_FORMAT,
      version: DUMP_VERSION,
      aws: this.aws.dump(),
      azure: this.azure.dump(),
      gcp: this.gcp.dump(),
    };
  }

  /** The sandbox a `dump()` saved. Faults are not part of the state: pass them again. */
  static restore(data: unknown, options: SandboxOptions = {}): Sandbox {
    const d = data as Partial<SandboxDump> | null;
    if (d === null || typeof d !== 'object' || d.format !== DUMP_FORMAT)
      throw new SandboxDumpError(`not a segsync sandbox state (expected "format": "${DUMP_FORMAT}")`);
    if (d.version !== DUMP_VERSION)
      throw new SandboxDumpError(
        `sandbox state version ${String(d.version)} is not supported (this segsync reads ${DUMP_VERSION})`,
      );
    for (const cloud of ['aws', 'azure', 'gcp'] as const)
      if (d[cloud] === null || typeof d[cloud] !== 'object')
        throw new SandboxDumpError(`sandbox state has no "${cloud}" object`);
    const faults = options.faults ? new FaultInjector(options.faults) : undefined;
    const { aws, azure, gcp } = options.limits ?? {};
    return new Sandbox(
      SandboxAws.restore(d.aws!, { ...(faults ? { faults } : {}), ...(aws ? { limits: aws } : {}) }),
      SandboxAzure.restore(d.azure!, { ...(faults ? { faults } : {}), ...(azure ? { limits: azure } : {}) }),
      SandboxGcp.restore(d.gcp!, { ...(faults ? { faults } : {}), ...(gcp ? { limits: gcp } : {}) }),
    );
  }

  /** The adapters over this sandbox: exactly what the CLI would build over real clouds. */
  clouds(): Clouds {
    return {
      aws: awsAdapter(this.aws.scopes().map((s) => this.aws.api(s))),
      azure: azureAdapter(this.azure.subscriptions().map((s) => this.azure.api(s))),
      gcp: gcpAdapter(this.gcp.projects().map((p) => this.gcp.api(p))),
    };
  }

  /** Native state of all three clouds in their API shapes (what `segsync state` prints). */
  snapshot(): NativeState {
    return { aws: this.aws.snapshot(), azure: this.azure.snapshot(), gcp: this.gcp.snapshot() };
  }
}
