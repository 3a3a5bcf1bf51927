/**
 * CaseMaterial: a material as a case records it (received, on the one-time notice, outstanding),
 * and CaseMaterialInput, a material handed in at a window.
 */
import type { MaterialRef } from '../cases/json.js';
import { builder } from '../builder.js';

export const CaseMaterialType = builder.objectRef<MaterialRef>('CaseMaterial').implement({
  fields: (t) => ({ code: t.exposeString('code'), name: t.exposeString('name'), copies: t.exposeInt('copies') }),
});

export const CaseMaterialInput = builder.inputType('CaseMaterialInput', {
  fields: (t) => ({
    code: t.string({ required: true, description: 'Material code of the item, e.g. M01.' }),
    copies: t.int({ required: false, description: 'Defaults to the copies the item asks for.' }),
  }),
});
