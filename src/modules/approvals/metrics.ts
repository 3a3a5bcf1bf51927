/**
 * The notification outbox as gauges, read when Prometheus scrapes: the backlog waiting for
 * delivery, the age of its oldest message, and messages given up on.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { HubMetrics } from '../../platform/metrics.js';

export function notificationGauges(metrics: HubMetrics, prisma: PrismaClient): void {
  metrics.gauge(
    'hub_notifications',
    'Case notifications by status (PENDING = the backlog, SENT, FAILED = given up after NOTIFIER_MAX_ATTEMPTS)',
    ['status'],
    async () =>
      (
        await prisma.$queryRaw<{ status: string; n: bigint }[]>`
          SELECT status::text AS status, count(*) AS n FROM "Notification" GROUP BY status`
      ).map((r) => ({ labels: { status: r.status }, value: Number(r.n) })),
  );
  metrics.gauge(
    'hub_notifications_oldest_pending_seconds',
    'Age of the oldest notification still waiting for delivery (0 when none waits)',
    [],
    async () => {
      const [r] = await prisma.$queryRaw<{ age: number | null }[]>`
        SELECT extract(epoch FROM now() - min("createdAt"))::float8 AS age FROM "Notification" WHERE status = 'PENDING'`;
      return [{ labels: {}, value: r?.age ?? 0 }];
    },
  );
}
