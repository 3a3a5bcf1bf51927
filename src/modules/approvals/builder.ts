/**
 * The approvals subgraph's Pothos builder: service catalogue, cases, time limits and statistics.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { ApprovalsContext } from './context.js';

export const builder = createSubgraphBuilder<ApprovalsContext>();
