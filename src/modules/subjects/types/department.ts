/**
 * Department, owned by the directory subgraph; referenced here by its key only
 * (resolvable: false, so the gateway never asks this subgraph for departments).
 */
import { builder } from '../builder.js';

export const DepartmentRef = builder
  .externalRef('Department', builder.keyDirective(builder.selection<{ code: string }>('code'), false))
  .implement({ fields: (t) => ({ code: t.exposeString('code') }) });
