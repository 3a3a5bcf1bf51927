/**
 * The feed subgraph's Pothos builder: the change feed (query and subscription) and its webhooks.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { FeedContext } from './context.js';

export const builder = createSubgraphBuilder<FeedContext>({ scalars: ['USCC', 'DateTime'] });
builder.subscriptionType({});
