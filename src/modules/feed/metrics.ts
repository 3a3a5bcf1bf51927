/**
 * The change feed's gauges: how far each relay of the feed is behind the newest committed event,
 * and webhook deliveries by status. Read when Prometheus scrapes.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { HubMetrics } from '../../platform/metrics.js';

/** The newest committed event (0 when the feed is empty). */
export async function newestSeq(prisma: PrismaClient): Promise<bigint> {
  const [row] = await prisma.$queryRaw<{ seq: bigint | null }[]>`SELECT max(seq) AS seq FROM "ChangeEvent"`;
  return row?.seq ?? 0n;
}

/**
 * `hub_feed_lag_events{relay}`: events committed but not yet handed on by a relay of this
 * process (`subscriptions`: the dispatcher feeding graphql-ws; `nats`: the JetStream relay).
 */
export function feedLagGauge(
  metrics: HubMetrics,
  prisma: PrismaClient,
  relays: ReadonlyMap<string, () => bigint>,
): void {
  metrics.gauge(
    'hub_feed_lag_events',
    'Change events committed but not yet relayed, by relay (subscriptions: the graphql-ws dispatcher; nats: the JetStream relay)',
    ['relay'],
    async () => {
      const newest = await newestSeq(prisma);
      return [...relays].map(([relay, cursor]) => {
        const lag = newest - cursor();
        return { labels: { relay }, value: Number(lag > 0n ? lag : 0n) };
      });
    },
  );
  metrics.gauge('hub_feed_newest_seq', 'The seq of the newest committed change event', [], async () => [
    { labels: {}, value: Number(await newestSeq(prisma)) },
  ]);
}

/** `hub_webhook_deliveries{status}` and the deliveries being retried after a failure. */
export function webhookGauges(metrics: HubMetrics, prisma: PrismaClient): void {
  metrics.gauge(
    'hub_webhook_deliveries',
    'Webhook deliveries by status (PENDING, DELIVERED, FAILED: given up after WEBHOOK_MAX_ATTEMPTS; RETRYING: pending after a failed attempt)',
    ['status'],
    async () => {
      const rows = await prisma.$queryRaw<{ status: string; n: bigint }[]>`
        SELECT status::text AS status, count(*) AS n FROM "WebhookDelivery" GROUP BY status
        UNION ALL
        SELECT 'RETRYING', count(*) FROM "WebhookDelivery" WHERE status = 'PENDING' AND attempts > 0`;
      return rows.map((r) => ({ labels: { status: r.status }, value: Number(r.n) }));
    },
  );
}
