/**
 * Builds the penalties subgraph schema (Enterprise Approval Library: penalties).
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createPenaltiesContext, type PenaltiesContext } from './context.js';
import './types/penalty.js';

export const penaltiesSubgraph: SubgraphModule<PenaltiesContext> = {
  name: 'penalties',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createPenaltiesContext,
};
