/**
 * Per-request context of the subjects subgraph.
 */
import type DataLoader from 'dataloader';
import type { Enterprise } from '../../generated/prisma/client.js';
import type { BaseContext } from '../../platform/context.js';
import { enterpriseLoader } from './loaders.js';

export interface SubjectsContext extends BaseContext {
  loaders: { enterpriseByUscc: DataLoader<string, Enterprise | null> };
}

export function createSubjectsContext(base: BaseContext): SubjectsContext {
  return { ...base, loaders: { enterpriseByUscc: enterpriseLoader(base) } };
}
