/**
 * CasePause: a stretch of time the clock of a case stood still, with its reason.
 */
import { builder } from '../builder.js';
import { PauseKindEnum } from './case-shared.js';

export const CasePauseType = builder.prismaObject('CasePause', {
  description: 'A special stage or supplementing: working days d with from < d <= to are not counted.',
  fields: (t) => ({
    kind: t.expose('kind', { type: PauseKindEnum }),
    from: t.expose('fromDate', { type: 'Date' }),
    to: t.expose('toDate', { type: 'Date', nullable: true }),
    reason: t.exposeString('reason'),
  }),
});
