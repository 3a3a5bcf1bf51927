/**
 * The process's live change feed: the dispatcher that polls the outbox (nudged over Redis) on a
 * small pool of its own, for the subscriptions this process serves, at /graphql/ws on the hub
 * or over server-sent events on `hub subgraph feed`.
 */
import { hasScope } from '../../platform/auth/caller.js';
import type { RunningPlatform } from '../../platform/bootstrap.js';
import type { BaseContext } from '../../platform/context.js';
import { createDatabase } from '../../platform/db/client.js';
import type { SubscriptionHost } from '../../platform/module.js';
import { createPubSub } from '../../platform/pubsub/index.js';
import { createFeedContext, type FeedContext, type LiveFeed } from './context.js';
import { FeedDispatcher } from './dispatcher.js';

export interface LiveFeedHost extends SubscriptionHost {
  live: LiveFeed;
  context(base: BaseContext): FeedContext;
}

export async function startLiveFeed(platform: RunningPlatform): Promise<LiveFeedHost> {
  const { config, logger } = platform;
  // Background polling and long-lived streams get their own small pool, so they never take
  // connections (or statement counts) from request handling.
  const db = createDatabase(platform.databaseUrl, 3);
  const pubsub = createPubSub(config.redisUrl, logger);
  const dispatcher = new FeedDispatcher(db.prisma, pubsub, logger, config.feed.pollMs);
  await dispatcher.ready;
  const live: LiveFeed = { dispatcher, prisma: db.prisma };
  return {
    live,
    context: (base) => ({ ...createFeedContext(base), live }),
    allows: (caller) => hasScope(caller, 'feed:read'),
    async stop() {
      await dispatcher.stop();
      await pubsub.close();
      await db.close();
    },
  };
}
