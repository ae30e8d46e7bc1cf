/**
 * The validated, resolved policy: what compile and the intent oracle work from.
 *
 * Pure data. Every string with a syntax (selector, CIDR, port spec) is already parsed, and every
 * name reference is resolved, so consumers never re-validate.
 */
import type { Cidr } from '../model/address.ts';
import type { PortSpec } from '../model/ports.ts';
import type { SourcePosition } from '../diagnostics.ts';
import type { Labels } from '../model/cloud.ts';
import type { LabelTrust } from '../model/trust.ts';

export type { LabelTrust };
import type { Selector } from './selector/index.ts';

export type Mode = 'enforce' | 'monitor';
export type Action = 'allow' | 'deny';

export interface External {
  name: string;
  labels: Labels;
  cidrs: Cidr[];
  /** Taken out of `cidrs`: the external is every address in `cidrs` and in none of these. */
  except: Cidr[];
}

export interface Segment {
  name: string;
  selector: Selector;
  selectorText: string;
  mode: Mode;
}

/** Who a rule talks about. Segments and selectors match labels; externals and cidrs match addresses. */
export type Peer =
  | { kind: 'segment'; name: string; selector: Selector }
  | { kind: 'selector'; text: string; selector: Selector }
  | { kind: 'external'; name: string }
  | { kind: 'cidrs'; cidrs: Cidr[]; except: Cidr[] };

export interface Rule {
  name: string;
  action: Action;
  from: Peer;
  to: Peer;
  ports: PortSpec[];
  /** Where the rule was written (parsePolicy sets it), for messages that name it as file:line. */
  source?: SourcePosition;
}

/**
 * A network's address plan (spec.addressPlans, docs/address-plans.md): inside `cidrs`, addresses
 * are allocated per segment in aligned blocks of `/blockPrefix` (a segment may hold several).
 * Declaring it allows compile to write a member set as a block or as a whole plan CIDR when every
 * known address inside belongs to the set; what that admits (addresses not yet allocated) is
 * listed in the plan.
 */
export interface AddressPlan {
  cidrs: Cidr[];
  blockPrefix: number;
  /**
   * 'exclude' (default): a compression only spans blocks that already hold known workloads (so it
   * admits only unallocated addresses of member segments' own blocks). 'admit': it may span blocks
   * no workload uses yet, which a new segment may get next.
   */
  unusedBlocks: 'exclude' | 'admit';
}

/**
 * End-to-end exactness (spec.endToEnd, docs/end-to-end.md): cloud enforcement of a flow is the
 * source's egress AND the destination's ingress, so a destination's ingress address set may be
 * written wider, over addresses whose own compiled egress already denies the flow (enforced or
 * quarantined workloads), and over addresses no workload holds inside `ranges`, which the user
 * declares to hold only segsync-enforced hosts. Ingress only; egress sets stay exact.
 */
export interface EndToEnd {
  ranges: Cidr[];
}

export interface Policy {
  name: string;
  /** Only these label keys count; undefined means every key. */
  labelKeys?: readonly string[];
  defaults: { egress: 'deny' | 'allow'; unlabeled: 'ignore' | 'quarantine' };
  /** Who may change labels; absent: every change counts (docs/semantics.md "Label trust"). */
  labelTrust?: LabelTrust;
  /** Remove foreign security groups / NSGs from enforced workloads (default) instead of only reporting them. */
  exclusive: boolean;
  /** Whether Azure Load Balancer health probes reach managed VMs (the NSG rule above the catch-all deny). */
  azureLoadBalancerProbes: 'allow' | 'deny';
  /** Segment-aligned address plans that allow address compression; absent or empty: sets stay exact lists. */
  addressPlans?: AddressPlan[];
  /** End-to-end mode; absent: every ingress set is exact for each side alone. */
  endToEnd?: EndToEnd;
  externals: External[];
  segments: Segment[];
  rules: Rule[];
}
