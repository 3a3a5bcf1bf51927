/**
 * CaseProgressStep: a step of a case as the public sees it.
 */
import type { CaseEvent } from '../../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { CaseStateEnum } from './case-shared.js';

export const ProgressStepType = builder.objectRef<CaseEvent>('CaseProgressStep').implement({
  description: 'A step of a case as the public sees it: no actor, no free-text reason.',
  fields: (t) => ({
    action: t.exposeString('action'),
    state: t.field({ type: CaseStateEnum, resolve: (e) => e.toState }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
  }),
});
