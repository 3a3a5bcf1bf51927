/**
 * CaseSharedMaterial: a material of a case fulfilled from the libraries (免于提交), with the datum
 * that fulfilled it.
 */
import type { SharedMaterial } from '../cases/json.js';
import { builder } from '../builder.js';
import { SharedSourceEnum } from './shared-source.js';

export const CaseSharedMaterialType = builder.objectRef<SharedMaterial>('CaseSharedMaterial').implement({
  description:
    'A material the hub took from the libraries instead of asking the applicant (通过一台两库共享获取，免于提交).',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    source: t.field({ type: SharedSourceEnum, resolve: (m) => m.source }),
    entityType: t.exposeString('entityType', {
      description: 'ENTERPRISE (Subject Library, id = USCC) or LICENCE (Approval Library, id = licence id).',
    }),
    entityId: t.exposeString('entityId'),
    revision: t.exposeInt('revision', { description: 'The revision of the datum when it fulfilled the material.' }),
  }),
});
