/**
 * Builds the subjects subgraph schema (the Enterprise Subject Library).
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createSubjectsContext, type SubjectsContext } from './context.js';
import './types/department.js';
import './types/enterprise.js';

export const subjectsSubgraph: SubgraphModule<SubjectsContext> = {
  name: 'subjects',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createSubjectsContext,
};
