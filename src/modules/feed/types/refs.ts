/**
 * Entities owned by other subgraphs that feed events point to, by key only.
 */
import { builder } from '../builder.js';

export const DepartmentRef = builder
  .externalRef('Department', builder.keyDirective(builder.selection<{ code: string }>('code'), false))
  .implement({ fields: (t) => ({ code: t.exposeString('code') }) });

export const LicenceRef = builder
  .externalRef('Licence', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({ fields: (t) => ({ id: t.exposeID('id') }) });

export const PenaltyRef = builder
  .externalRef('Penalty', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({ fields: (t) => ({ id: t.exposeID('id') }) });

export const EnterpriseRef = builder
  .externalRef('Enterprise', builder.keyDirective(builder.selection<{ uscc: string }>('uscc'), false))
  .implement({ fields: (t) => ({ uscc: t.expose('uscc', { type: 'USCC' }) }) });
