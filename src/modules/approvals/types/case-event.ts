/**
 * CaseEvent: one step of a case's history, with its actor and reason (departments and windows only).
 */
import { builder } from '../builder.js';
import { CaseStateEnum } from './case-shared.js';
import { DepartmentRef } from './refs.js';

export const CaseEventType = builder.prismaObject('CaseEvent', {
  description: 'One step of a case: what, from which state to which, who and why.',
  fields: (t) => ({
    action: t.exposeString('action'),
    fromState: t.expose('fromState', { type: CaseStateEnum, nullable: true }),
    toState: t.expose('toState', { type: CaseStateEnum }),
    reason: t.exposeString('reason', { nullable: true }),
    actorDepartment: t.field({
      type: DepartmentRef,
      nullable: true,
      resolve: (e) => (e.actorDepartmentCode ? { code: e.actorDepartmentCode } : null),
    }),
    actorSystemId: t.exposeID('actorSystemId', { nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
  }),
});
