/**
 * Builds the hall subgraph schema: accounts' enterprises, bookings, pre-review, cases followed by
 * applicants, evaluations, complaints and consultations, statistics.
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createHallContext, type HallContext } from './context.js';
// Import order is the order of the Query and Mutation fields in the printed SDL.
import './types/account.js';
import './types/booking.js';
import './types/draft.js';
import './types/case.js';
import './types/feedback.js';
import './types/statistics.js';

export const hallSubgraph: SubgraphModule<HallContext> = {
  name: 'hall',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createHallContext,
};
