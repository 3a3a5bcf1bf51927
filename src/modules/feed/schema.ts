/**
 * Builds the feed subgraph schema: the change feed of enterprises, licences and penalties, and
 * the caller's webhooks, and the `changeEvents` subscription (served by ws.ts and `hub subgraph feed`).
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createFeedContext, type FeedContext } from './context.js';
import './types/refs.js';
import './types/change-event.js';
import './types/webhook.js';

export const feedSubgraph: SubgraphModule<FeedContext> = {
  name: 'feed',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createFeedContext,
};
