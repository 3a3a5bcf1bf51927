/**
 * The penalties subgraph's Pothos builder: administrative penalty decisions.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { PenaltiesContext } from './context.js';

export const builder = createSubgraphBuilder<PenaltiesContext>();
