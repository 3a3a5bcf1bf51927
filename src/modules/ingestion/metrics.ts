/**
 * Ingestion's gauges, read from the run records when Prometheus scrapes, so they count every
 * process's runs (CLI and HTTP alike): rows by outcome, runs by status, quarantine by status.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { HubMetrics } from '../../platform/metrics.js';

export function ingestionGauges(metrics: HubMetrics, prisma: PrismaClient): void {
  metrics.gauge(
    'hub_ingestion_rows',
    'Records read by ingestion runs since the database was created, by outcome (created, updated, unchanged, conflicting, rejected = quarantined)',
    ['outcome'],
    async () => {
      const [r] = await prisma.$queryRaw<
        Record<'created' | 'updated' | 'unchanged' | 'conflicting' | 'rejected', bigint | null>[]
      >`
        SELECT sum(created) AS created, sum(updated) AS updated, sum(unchanged) AS unchanged,
               sum(conflicting) AS conflicting, sum(rejected) AS rejected
        FROM "IngestionRun"`;
      return (['created', 'updated', 'unchanged', 'conflicting', 'rejected'] as const).map((outcome) => ({
        labels: { outcome },
        value: Number(r?.[outcome] ?? 0n),
      }));
    },
  );
  metrics.gauge('hub_ingestion_runs', 'Ingestion runs by status (RUNNING, COMPLETED, FAILED)', ['status'], async () =>
    (
      await prisma.$queryRaw<{ status: string; n: bigint }[]>`
        SELECT status::text AS status, count(*) AS n FROM "IngestionRun" GROUP BY status`
    ).map((r) => ({ labels: { status: r.status }, value: Number(r.n) })),
  );
  metrics.gauge(
    'hub_quarantined_records',
    'Quarantined ingestion records by status (OPEN, RESUBMITTED, DISCARDED)',
    ['status'],
    async () =>
      (
        await prisma.$queryRaw<{ status: string; n: bigint }[]>`
          SELECT status::text AS status, count(*) AS n FROM "QuarantinedRecord" GROUP BY status`
      ).map((r) => ({ labels: { status: r.status }, value: Number(r.n) })),
  );
}
