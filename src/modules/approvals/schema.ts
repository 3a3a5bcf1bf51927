/**
 * Builds the approvals subgraph schema: service catalogue, cases, time limits and statistics.
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createApprovalsContext, type ApprovalsContext } from './context.js';
import './types/refs.js';
import './types/service-item.js';
import './types/case.js';
import './types/statistics.js';

export const approvalsSubgraph: SubgraphModule<ApprovalsContext> = {
  name: 'approvals',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createApprovalsContext,
};
