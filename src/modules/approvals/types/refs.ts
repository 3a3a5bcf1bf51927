/**
 * Entities owned by other subgraphs, referenced here by key only: Department (directory),
 * Enterprise (subjects) and Licence (licences).
 */
import { builder } from '../builder.js';

export const DepartmentRef = builder
  .externalRef('Department', builder.keyDirective(builder.selection<{ code: string }>('code'), false))
  .implement({ fields: (t) => ({ code: t.exposeString('code') }) });

export const EnterpriseRef = builder
  .externalRef('Enterprise', builder.keyDirective(builder.selection<{ uscc: string }>('uscc'), false))
  .implement({ fields: (t) => ({ uscc: t.expose('uscc', { type: 'USCC' }) }) });

export const LicenceRef = builder
  .externalRef('Licence', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({ fields: (t) => ({ id: t.exposeID('id') }) });
