/**
 * The change feed's public surface: its subgraph, the graphql-ws endpoint, the live feed that
 * `hub subgraph feed` serves subscriptions from, and the webhook worker.
 */
import { createDatabase } from '../../platform/db/client.js';
import type { HubModule } from '../../platform/module.js';
import { feedSubgraph } from './schema.js';
import { startLiveFeed } from './live.js';
import { startWebhookWorker } from './webhooks.js';
import { startFeed } from './ws.js';

export const feedModule: HubModule = {
  subgraph: feedSubgraph,
  attach: (platform, httpServer) => startFeed(platform, httpServer),
  subscriptions: (platform) => startLiveFeed(platform),
  workers: (platform) => {
    if (!platform.config.feed.webhooks.enabled) return [];
    // Delivery rounds poll on a small pool of their own, never taking connections (or statement
    // counts) from request handling.
    const db = createDatabase(platform.databaseUrl, 2);
    const worker = startWebhookWorker(
      db.prisma,
      platform.logger,
      platform.config.feed.webhooks,
      platform.config.outbound,
    );
    return [
      {
        name: 'webhooks',
        async stop() {
          await worker.stop();
          await db.close();
        },
      },
    ];
  },
};

export { FEED_WS_PATH } from './ws.js';
