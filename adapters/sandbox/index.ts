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
import { SandboxAws } from './aws.ts';
import { SandboxAzure } from './azure.ts';
import type { Estate } from './estate-types.ts';
import { FaultInjector, type FaultPlan } from './faults.ts';
import { SandboxGcp } from './gcp.ts';

export class Sandbox {
  private constructor(
    readonly aws: SandboxAws,
    readonly azure: SandboxAzure,
    readonly gcp: SandboxGcp,
  ) {}

  static fromEstate(estate: Estate, options: { faults?: FaultPlan } = {}): Sandbox {
    const faults = options.faults ? new FaultInjector(options.faults) : undefined;
    return new Sandbox(
      SandboxAws.fromEstate(estate, faults ? { faults } : {}),
      SandboxAzure.fromEstate(estate, faults ? { faults } : {}),
      SandboxGcp.fromEstate(estate, faults ? { faults } : {}),
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
