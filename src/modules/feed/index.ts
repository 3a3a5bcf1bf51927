/**
 * The change feed's public surface: its subgraph, the graphql-ws endpoint, the live feed that
 * `hub subgraph feed` serves subscriptions from, the webhook worker, the JetStream relay
 * (NATS_URL) and the feed's gauges.
 */
import type { RunningPlatform } from '../../platform/bootstrap.js';
import { createDatabase } from '../../platform/db/client.js';
import type { HubModule, Worker } from '../../platform/module.js';
import { feedLagGauge, webhookGauges } from './metrics.js';
import { JetStreamRelay } from './nats-relay.js';
import { feedSubgraph } from './schema.js';
import { startLiveFeed } from './live.js';
import { startWebhookWorker } from './webhooks.js';
import { startFeed } from './ws.js';

/** Each platform's relays of the feed and their cursors, for hub_feed_lag_events. */
const relays = new WeakMap<RunningPlatform, Map<string, () => bigint>>();
function relaysOf(platform: RunningPlatform): Map<string, () => bigint> {
  let map = relays.get(platform);
  if (!map) {
    map = new Map<string, () => bigint>();
    relays.set(platform, map);
  }
  return map;
}

function webhookWorker(platform: RunningPlatform): Worker {
  // Delivery rounds poll on a small pool of their own, never taking connections (or statement
  // counts) from request handling.
  const db = createDatabase(platform.databaseUrl, 2);
  const worker = startWebhookWorker(
    db.prisma,
    platform.logger,
    platform.config.feed.webhooks,
    platform.config.outbound,
  );
  return {
    name: 'webhooks',
    async stop() {
      await worker.stop();
      await db.close();
    },
  };
}

function natsRelayWorker(platform: RunningPlatform, nats: NonNullable<RunningPlatform['config']['nats']>): Worker {
  const db = createDatabase(platform.databaseUrl, 1);
  const relay = new JetStreamRelay(db.prisma, platform.logger, { nats, pollMs: platform.config.feed.pollMs }).start();
  const cursors = relaysOf(platform);
  cursors.set('nats', () => relay.cursor);
  return {
    name: 'nats-relay',
    async stop() {
      cursors.delete('nats');
      await relay.stop();
      await db.close();
    },
  };
}

export const feedModule: HubModule = {
  subgraph: feedSubgraph,
  attach: async (platform, httpServer) => {
    const feed = await startFeed(platform, httpServer);
    relaysOf(platform).set('subscriptions', () => feed.dispatcher.head);
    return feed;
  },
  subscriptions: (platform) => startLiveFeed(platform),
  workers: (platform) => {
    const workers: Worker[] = [];
    if (platform.config.feed.webhooks.enabled) workers.push(webhookWorker(platform));
    if (platform.config.nats) workers.push(natsRelayWorker(platform, platform.config.nats));
    return workers;
  },
  metrics: (platform) => {
    feedLagGauge(platform.metrics, platform.prisma, relaysOf(platform));
    webhookGauges(platform.metrics, platform.prisma);
  },
};

export { FEED_WS_PATH } from './ws.js';
