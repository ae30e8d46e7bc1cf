/**
 * planAws(desired, actual) → ordered AWS steps. Pure and deterministic; a plan against an
 * up-to-date state is empty.
 *
 * Order (make-before-break, DESIGN.md §3; each phase keeps this order inside):
 *   create     new prefix lists (+ their remaining entries), new groups (default egress revoked),
 *              then the new groups' rules: complete before anything is attached
 *   authorize  prefix lists grow, gain entries; existing groups gain units
 *   membership ENI group sets (one write per ENI: a same-VPC class move is just this)
 *   revoke     foreign groups leave ENIs (exclusive), units leave groups (including references
 *              held by groups about to go),
 *              prefix lists lose entries, then shrink
 *   delete     groups, then prefix lists (no longer referenced by then)
 * A class's units are re-placed among its groups stickily first (aws-placement.ts), so a change
 * moves as few units between groups as possible.
 * Only objects carrying this deployment's owner tag are written (AwsActualIndex brands them);
 * ENIs are written only for membership, keeping foreign groups unless `exclusive`.
 */
import { orderByPhase } from './phases.ts';
import { awsBudget, type AwsDesired } from '../compile/aws.ts';
import type { AwsPeer } from '../model/native/aws-rules.ts';
import { AwsActualIndex, plKey } from '../model/native/aws-index.ts';
import { planGroups } from './aws-groups.ts';
import { groupsLosingMembers, planMemberships } from './aws-membership.ts';
import { placeUnits } from './aws-placement.ts';
import { planPrefixLists, type PrefixListPlan } from './aws-prefix-lists.ts';
import type { AwsStep } from './aws-steps.ts';
import type { AwsState } from '../model/native/aws.ts';
import type { Finding } from '../model/finding.ts';
import type { CompileContext } from '../model/budgets.ts';

export type {
  AwsAddEntriesStep,
  AwsAuthorizeStep,
  AwsCreateGroupStep,
  AwsCreatePrefixListStep,
  AwsDeleteGroupStep,
  AwsDeletePrefixListStep,
  AwsGroupRef,
  AwsPrefixListRef,
  AwsRemoveEntriesStep,
  AwsResizePrefixListStep,
  AwsRevokeStep,
  AwsSetMembershipStep,
  AwsStep,
  AwsStepKind,
} from './aws-steps.ts';

/**
 * @example
 * const { steps } = planAws(compileAws(reach, ctx).desired, (await adapter.read()).state, ctx, { exclusive: policy.exclusive });
 * steps.map((s) => s.summary);
 */
export function planAws(
  desired: AwsDesired,
  actual: AwsState,
  ctx: CompileContext,
  options: { exclusive: boolean },
): { steps: AwsStep[]; findings: Finding[] } {
  const budget = awsBudget(ctx);
  const idx = new AwsActualIndex(actual, ctx.deploymentId);
  const pls = planPrefixLists(desired, idx, budget);
  const finalSize = new Map(desired.prefixLists.map((p) => [p.name, p.maxEntries]));
  const listScope = new Map(desired.prefixLists.map((p) => [p.name, p.scope]));
  const sizeOf =
    (sizes: ReadonlyMap<string, number>) =>
    (p: AwsPeer): number =>
      p.kind !== 'prefix-list'
        ? 0
        : ((p.name !== undefined ? sizes.get(p.name) : undefined) ??
          (p.id !== undefined ? idx.prefixListsById.get(p.id)?.MaxEntries : undefined) ??
          0);
  const placed = placeUnits(desired, idx, budget, { peak: sizeOf(pls.peakMaxEntries), final: sizeOf(finalSize) });
  const groups = planGroups(placed, idx, budget, pls.peakMaxEntries, groupsLosingMembers(desired, idx), {
    currentMaxEntries: (name) => idx.ownedPrefixLists.get(plKey(listScope.get(name) ?? '', name))?.MaxEntries,
    finalMaxEntries: (name) => finalSize.get(name),
    removesFirstMaxEntries: (name) => pls.removesFirst.get(name)?.maxEntries,
    take: (name, sequence, phase) => takeGrowth(pls, name, sequence, phase),
    takeShrink: (name, sequence) => takeShrink(pls, name, sequence),
    added: (name) =>
      pls.add.flatMap((s) => (s.kind === 'add-prefix-list-entries' && s.prefixList.name === name ? s.cidrs : [])),
    removed: (name) => pls.removesFirst.get(name)?.removed ?? [],
  });
  const members = planMemberships(desired, idx, budget, options.exclusive);
  // The order inside each phase is make-before-break within AWS (a list grows before entries are
  // added, members move before groups are revoked); orderByPhase keeps it.
  const steps: AwsStep[] = orderByPhase([
    ...pls.create,
    ...groups.create,
    ...groups.createAuthorize,
    ...pls.grow,
    ...pls.add,
    ...groups.authorize,
    ...members.steps,
    ...members.detach,
    ...groups.revoke,
    ...pls.remove,
    ...pls.shrink,
    ...groups.delete,
    ...pls.delete,
  ]);
  return { steps, findings: [...pls.findings, ...groups.findings, ...members.findings] };
}

/**
 * Moves a list's grow and entry adds out of the prefix-list plan into a rule transition's
 * sequence (in their version order), so the list grows only once its groups have room. 'revoke':
 * the growth waits for the transition's late revokes, and the list's whole change moves along in
 * its removes-first form (aws-prefix-lists.ts RemovesFirst), so it never needs room for old ∪ new.
 */
function takeGrowth(pls: PrefixListPlan, name: string, sequence: string, phase: 'authorize' | 'revoke'): AwsStep[] {
  if (phase === 'revoke') {
    dropSteps(pls, name, ['grow', 'add', 'remove', 'shrink']);
    return (pls.removesFirst.get(name)?.steps ?? []).map((s) => ({ ...s, sequence }) as AwsStep);
  }
  const taken = dropSteps(pls, name, ['grow', 'add']);
  return taken.map((s) => ({ ...s, sequence, phase }) as AwsStep);
}

/** A shrinking list's removes and shrink, into a transition's sequence (revoke phase): a deferred growth waits for them. */
function takeShrink(pls: PrefixListPlan, name: string, sequence: string): AwsStep[] {
  return dropSteps(pls, name, ['remove', 'shrink']).map((s) => ({ ...s, sequence }) as AwsStep);
}

function dropSteps(pls: PrefixListPlan, name: string, parts: ReadonlyArray<'grow' | 'add' | 'remove' | 'shrink'>) {
  const mine = (s: AwsStep) =>
    (s.kind === 'resize-prefix-list' ||
      s.kind === 'add-prefix-list-entries' ||
      s.kind === 'remove-prefix-list-entries') &&
    s.prefixList.name === name;
  const taken = parts.flatMap((part) => pls[part].filter(mine));
  for (const part of parts) pls[part] = pls[part].filter((s) => !mine(s));
  return taken;
}
