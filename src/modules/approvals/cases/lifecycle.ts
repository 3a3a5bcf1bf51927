/**
 * The case lifecycle (规范办理): which action moves a case from which state to which, given the
 * steps of its item. Pure: the service applies these rules with conditional updates.
 */
import type { CaseState, PauseKind } from '../../../generated/prisma/enums.js';

export type CaseAction = 'UNDERTAKE' | 'REVIEW' | 'APPROVE' | 'REJECT' | 'CONCLUDE';

/** States in which the case is open and on the clock (accepted, not yet concluded). */
export const OPEN_STATES: CaseState[] = ['ACCEPTED', 'UNDERTAKEN', 'REVIEWED', 'APPROVED', 'REJECTED'];
/** States in which the clock may be stopped for a special stage or supplementing. */
export const PAUSABLE_STATES: CaseState[] = ['ACCEPTED', 'UNDERTAKEN', 'REVIEWED'];

/** Pause kinds that are special stages and must be listed on the item (hearing, inspection, ...). */
export const SPECIAL_STAGE_KINDS: PauseKind[] = ['HEARING', 'SITE_INSPECTION', 'TESTING', 'EXPERT_REVIEW'];

/** The handling states an item goes through after acceptance, from its catalogue steps. */
export function handlingPath(steps: readonly string[]): CaseState[] {
  const path: CaseState[] = ['ACCEPTED'];
  if (steps.includes('UNDERTAKING')) path.push('UNDERTAKEN');
  if (steps.includes('REVIEW')) path.push('REVIEWED');
  return path;
}

/** The state an action leads to. */
export const TARGET: Record<CaseAction, CaseState> = {
  UNDERTAKE: 'UNDERTAKEN',
  REVIEW: 'REVIEWED',
  APPROVE: 'APPROVED',
  REJECT: 'REJECTED',
  CONCLUDE: 'CONCLUDED',
};

/** The states an action is allowed from for an item with these steps (empty: never allowed). */
export function allowedFrom(action: CaseAction, steps: readonly string[]): CaseState[] {
  const path = handlingPath(steps);
  switch (action) {
    case 'UNDERTAKE':
      return path.includes('UNDERTAKEN') ? ['ACCEPTED'] : [];
    case 'REVIEW': {
      const before = path[path.indexOf('REVIEWED') - 1];
      return before ? [before] : [];
    }
    case 'APPROVE':
    case 'REJECT':
      // The path always starts at ACCEPTED, so it has a last state.
      return [path[path.length - 1] ?? 'ACCEPTED'];
    case 'CONCLUDE':
      return ['APPROVED', 'REJECTED'];
  }
}

/** Every action an item's case may take from a state (for clients that show buttons). */
export function availableActions(state: CaseState, steps: readonly string[], paused: boolean): CaseAction[] {
  if (paused) return [];
  return (Object.keys(TARGET) as CaseAction[]).filter((a) => allowedFrom(a, steps).includes(state));
}
