/**
 * The daily rollup of case figures ("CaseDailyRollup"): one row per acceptance or conclusion day,
 * department and item, with additive counters (accepted, online, fully online, shared materials
 * and cases, concluded, on time, late, speed-up sum and count). Statement-level triggers on Case
 * (migration 20261201090607_case_daily_rollup) keep it in the same transaction as every insert,
 * update, delete or truncate, whichever path writes (GraphQL transitions, bulk generation, seeds,
 * SQL by hand): they subtract the old rows' contributions and add the new rows', per key. What a
 * case contributes is defined once, in the SQL function case_rollup_sql.
 *
 * verifyCaseRollup recomputes the rollup from the cases and lists the keys that differ;
 * rebuildCaseRollup replaces it with the recomputation (writers of Case wait meanwhile).
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import { toLocal, type LocalDate } from './calendar/store.js';

/** The counters of one rollup key, as stored and as recomputed from the cases. */
export interface RollupCounters {
  accepted: number;
  online: number;
  fullyOnline: number;
  sharedMaterials: number;
  sharedCases: number;
  concluded: number;
  concludedOnTime: number;
  concludedLate: number;
  /** Exact decimal, as text. */
  speedUpSum: string;
  speedUpCount: number;
}

export interface RollupDifference {
  day: LocalDate;
  departmentCode: string;
  itemCode: string;
  /** null when the rollup has no row for the key. */
  stored: RollupCounters | null;
  /** null when no case contributes to the key. */
  expected: RollupCounters | null;
}

export interface RollupVerification {
  ok: boolean;
  /** Keys of the recomputation (days, departments and items with cases). */
  keys: number;
  differences: RollupDifference[];
}

const COUNTERS = [
  'accepted',
  'online',
  'fullyOnline',
  'sharedMaterials',
  'sharedCases',
  'concluded',
  'concludedOnTime',
  'concludedLate',
  'speedUpSum',
  'speedUpCount',
] as const;

/** Both sides' columns, the stored ones prefixed s_, the recomputed e_; a missing row is all zeros. */
const select = (side: 's' | 'e') =>
  COUNTERS.map((c) => `${side}."${c}"${c === 'speedUpSum' ? '::text' : ''} AS "${side}_${c}"`).join(', ');
const differs = COUNTERS.map((c) => `coalesce(s."${c}", 0) <> coalesce(e."${c}", 0)`).join(' OR ');

type Raw = Record<string, unknown> & { day: Date; departmentCode: string; itemCode: string };

function counters(r: Raw, side: 's' | 'e'): RollupCounters | null {
  if (r[`${side}_accepted`] === null) return null;
  const out: Record<string, number | string> = {};
  for (const c of COUNTERS) out[c] = c === 'speedUpSum' ? String(r[`${side}_${c}`]) : Number(r[`${side}_${c}`]);
  return out as unknown as RollupCounters;
}

/**
 * Recomputes the rollup from the cases (case_rollup_expected) and compares it with the stored one,
 * in one snapshot (REPEATABLE READ), so concurrent case changes cannot show up as differences.
 * At most `limit` differing keys are returned (all of them are counted in `ok`).
 */
export async function verifyCaseRollup(prisma: PrismaClient, limit = 100): Promise<RollupVerification> {
  return prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRawUnsafe<(Raw & { keys: bigint })[]>(
        `WITH e AS MATERIALIZED (SELECT * FROM case_rollup_expected()),
         d AS (
           SELECT coalesce(e.day, s.day) AS day, coalesce(e."departmentCode", s."departmentCode") AS "departmentCode",
                  coalesce(e."itemCode", s."itemCode") AS "itemCode", ${select('s')}, ${select('e')}
           FROM e FULL JOIN "CaseDailyRollup" s USING (day, "departmentCode", "itemCode")
           WHERE ${differs}
         )
         SELECT (SELECT count(*) FROM e) AS keys, d.* FROM (SELECT 1) one LEFT JOIN LATERAL (
           SELECT * FROM d ORDER BY day, "departmentCode", "itemCode" LIMIT ${Number(limit)}
         ) d ON true`,
      );
      const keys = Number(rows[0]?.keys ?? 0n);
      const differences = rows
        .filter((r) => r.day !== null)
        .map((r): RollupDifference => ({
          day: toLocal(r.day),
          departmentCode: r.departmentCode,
          itemCode: r.itemCode,
          stored: counters(r, 's'),
          expected: counters(r, 'e'),
        }));
      return { ok: differences.length === 0, keys, differences };
    },
    { isolationLevel: 'RepeatableRead', timeout: 600_000, maxWait: 10_000 },
  );
}

/** Replaces the rollup with its recomputation from the cases, in one transaction. */
export async function rebuildCaseRollup(prisma: PrismaClient): Promise<void> {
  await prisma.$transaction(async (tx) => tx.$executeRawUnsafe('SELECT case_rollup_rebuild()'), {
    timeout: 600_000,
    maxWait: 10_000,
  });
}
