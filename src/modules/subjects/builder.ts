/**
 * The subjects subgraph's Pothos builder: the Enterprise Subject Library.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { SubjectsContext } from './context.js';

export const builder = createSubgraphBuilder<SubjectsContext>();
