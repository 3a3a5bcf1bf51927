/**
 * The change feed's public surface: its subgraph, the graphql-ws endpoint and the webhook worker.
 */
import type { HubModule } from '../../platform/module.js';
import { feedSubgraph } from './schema.js';
import { startWebhookWorker } from './webhooks.js';
import { startFeed } from './ws.js';

export const feedModule: HubModule = {
  subgraph: feedSubgraph,
  attach: (platform, httpServer) => startFeed(platform, httpServer),
  workers: (platform) =>
    platform.config.feed.webhooks.enabled
      ? [
          {
            name: 'webhooks',
            ...startWebhookWorker(
              platform.prisma,
              platform.logger,
              platform.config.feed.webhooks,
              platform.config.outbound,
            ),
          },
        ]
      : [],
};

export { FEED_WS_PATH } from './ws.js';
