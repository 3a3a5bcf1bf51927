/**
 * MaterialSharedSource and SharedSource: where the hub finds a material in the libraries instead
 * of asking the applicant for it (一次提交、共享获取).
 */
import type { ItemSharedSource } from '../catalogue/catalogue.js';
import { SHARED_SOURCES } from '../catalogue/catalogue-format.js';
import { builder } from '../builder.js';

export const SharedSourceEnum = builder.enumType('SharedSource', {
  values: SHARED_SOURCES,
  description:
    "SUBJECT_REGISTRATION: the applicant's registration in the Subject Library (营业执照). LICENCE: a valid licence of a given type the applicant holds in the Approval Library.",
});

export const MaterialSharedSourceType = builder.objectRef<ItemSharedSource>('MaterialSharedSource').implement({
  description:
    'The library datum that stands in for a material: when the applicant has it, the material is not asked for (免于提交).',
  fields: (t) => ({
    source: t.field({ type: SharedSourceEnum, resolve: (s) => s.source }),
    licenceType: t.string({
      nullable: true,
      description: 'The licence type, for a LICENCE source.',
      resolve: (s) => (s.source === 'LICENCE' ? s.licenceType : null),
    }),
  }),
});
