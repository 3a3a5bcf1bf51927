/**
 * CaseProgressPause: a pause of a case as the public sees it (no reason).
 */
import type { CasePause } from '../../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { PauseKindEnum } from './case-shared.js';

export const ProgressPauseType = builder.objectRef<CasePause>('CaseProgressPause').implement({
  fields: (t) => ({
    kind: t.field({ type: PauseKindEnum, resolve: (p) => p.kind }),
    from: t.field({ type: 'Date', resolve: (p) => p.fromDate }),
    to: t.field({ type: 'Date', nullable: true, resolve: (p) => p.toDate }),
  }),
});
