/**
 * What runs after a case has concluded (its transaction committed): the joint application check
 * of this module and listeners of other modules (supervision: callbacks, targeted pushes).
 * A failing listener is logged, never undoes the conclusion.
 */
import type { Case } from '../../../generated/prisma/client.js';
import type { BaseContext } from '../../../platform/context.js';
import { afterBranchConcluded } from '../joint/joint-applications.js';

/** Called with the concluded case; runs after the conclusion's transaction. */
export type ConclusionListener = (ctx: BaseContext, c: Case) => Promise<void>;

// The module's own check first: a supervision push may mention the joint application's conclusion.
const listeners: ConclusionListener[] = [afterBranchConcluded];

/** Registers a listener (once per function: registering again is a no-op). */
export function onCaseConcluded(listener: ConclusionListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** Runs every listener in registration order. */
export async function runConclusionListeners(ctx: BaseContext, c: Case): Promise<void> {
  for (const listener of listeners) {
    try {
      await listener(ctx, c);
    } catch (err) {
      ctx.logger.error({ err, caseId: c.id, listener: listener.name }, 'after-conclusion listener failed');
    }
  }
}
