/**
 * The licences subgraph's Pothos builder: licence types, licences and their history.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { LicencesContext } from './context.js';

export const builder = createSubgraphBuilder<LicencesContext>();
