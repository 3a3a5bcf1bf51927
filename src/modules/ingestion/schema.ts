/**
 * Builds the ingestion subgraph schema (runs, quarantine, conflicts, provenance).
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createIngestionContext, type IngestionContext } from './context.js';
import './types/ingestion.js';

export const ingestionSubgraph: SubgraphModule<IngestionContext> = {
  name: 'ingestion',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createIngestionContext,
};
