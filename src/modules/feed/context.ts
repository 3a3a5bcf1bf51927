/**
 * Per-request context of the feed subgraph. Feed reads are one query per page, so it needs no
 * DataLoaders of its own; entity refs are resolved by their owning subgraphs. A subscription's
 * context also carries the process's live feed (present only where subscriptions are served).
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { BaseContext } from '../../platform/context.js';
import type { FeedDispatcher } from './dispatcher.js';

/** What `changeEvents` streams from: the process's dispatcher and the pool its backlog reads use. */
export interface LiveFeed {
  dispatcher: FeedDispatcher;
  prisma: PrismaClient;
}

export interface FeedContext extends BaseContext {
  live?: LiveFeed | undefined;
}

export function createFeedContext(base: BaseContext): FeedContext {
  return { ...base };
}
