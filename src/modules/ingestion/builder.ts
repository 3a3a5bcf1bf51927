/**
 * The ingestion subgraph's Pothos builder: runs, quarantine, conflicts and provenance.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { IngestionContext } from './context.js';

export const builder = createSubgraphBuilder<IngestionContext>({ scalars: ['USCC', 'DateTime'] });
