/**
 * Builds the approvals subgraph schema: service catalogue, cases, time limits and statistics.
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createApprovalsContext, type ApprovalsContext } from './context.js';
import './types/refs.js';
import './types/service-item.js';
// Import order is the order of the Query and Mutation fields in the printed SDL.
import './types/case.js';
import './types/case-inbox.js';
import './types/case-progress.js';
import './types/case-receipt.js';
import './types/submit-case.js';
import './types/acceptance.js';
import './types/case-handling.js';
import './types/conclude-case.js';
import './types/statistics.js';
import './joint/joint-types.js';
import './plans/plan-types.js';

export const approvalsSubgraph: SubgraphModule<ApprovalsContext> = {
  name: 'approvals',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createApprovalsContext,
};
