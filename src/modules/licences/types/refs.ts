/**
 * Entities owned by other subgraphs, referenced here: Department (directory), Penalty
 * (penalties) by key only; Enterprise (subjects) is extended with its licences.
 */
import { builder } from '../builder.js';

export const DepartmentRef = builder
  .externalRef('Department', builder.keyDirective(builder.selection<{ code: string }>('code'), false))
  .implement({ fields: (t) => ({ code: t.exposeString('code') }) });

export const PenaltyRef = builder
  .externalRef('Penalty', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({ fields: (t) => ({ id: t.exposeID('id') }) });

export const EnterpriseRef = builder.externalRef(
  'Enterprise',
  builder.selection<{ uscc: string }>('uscc'),
  (ref) => ref,
);
