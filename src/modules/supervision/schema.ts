/**
 * Builds the supervision subgraph schema.
 */
import type { BaseContext, SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import './types/supervision.js';

export const supervisionSubgraph: SubgraphModule<BaseContext> = {
  name: 'supervision',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: (base) => base,
};
