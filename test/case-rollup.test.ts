/**
 * The daily rollup of case figures: kept by triggers in the same transaction as every case write
 * (GraphQL transitions, bulk generation, updates and deletes by SQL), equal to its recomputation
 * from the cases (verifyCaseRollup, `hub stats verify`), and caseStatistics equal to a direct
 * aggregate over Case.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import { generateCases } from '../prisma/seed/generate-cases.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { caseStatistics, verifyCaseRollup } from '../src/modules/approvals/index.js';
import {
  fromLocal,
  loadWorkingCalendar,
  shanghaiToday,
  toLocal,
  type LocalDate,
} from '../src/modules/approvals/calendar/store.js';
import { Prisma } from '../src/generated/prisma/client.js';
import {
  ApproveCaseDocument,
  ConcludeCaseDocument,
  PauseCaseDocument,
  RejectCaseDocument,
  ResumeCaseDocument,
  ReviewCaseDocument,
  SubmitCaseDocument,
  SupplementMaterialsDocument,
  UndertakeCaseDocument,
  type SubmitCaseInput,
} from './generated/graphql.js';
import { aFoodCaseInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, statingPurpose, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let window: string;
let mr: string;
let holder: { uscc: string; name: string };

const ITEM = 'HZ-MR-005'; // acceptance, undertaking, review, approval, conclusion

beforeAll(async () => {
  hub = statingPurpose(await startTestHub(), 'case handling');
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedCatalogue(prisma);
  window = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
  mr = (await aSystemKey(prisma, 'MR', ['case:handle', 'case:read'])).key;
  holder = await anEnterprise(prisma);
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

async function submit(overrides: Partial<SubmitCaseInput> = {}) {
  const res = await hub.gql(
    SubmitCaseDocument,
    {
      input: aFoodCaseInput(holder, overrides),
    },
    window,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.submitCase.case.id;
}

async function step(
  doc: typeof UndertakeCaseDocument | typeof ReviewCaseDocument | typeof ApproveCaseDocument,
  id: string,
) {
  const res = await hub.gql(doc, { id }, mr);
  expect(res.errors).toBeUndefined();
}

/** Concludes; an approved case is issued its licence. */
async function conclude(id: string, approved = true) {
  const licence = {
    scope: '热食类食品制售',
    attributes: [
      { name: 'premises', value: '广州市海珠区新港中路1号' },
      { name: 'businessFormat', value: '餐饮服务经营者' },
    ],
  };
  const res = await hub.gql(ConcludeCaseDocument, approved ? { id, licence } : { id }, mr);
  expect(res.errors).toBeUndefined();
  return res.data!.concludeCase.case;
}

/** The figures as the hub computed them before the rollup: one aggregate over Case. */
async function directStatistics(from: LocalDate, to: LocalDate, departmentCode?: string) {
  const f = fromLocal(from);
  const t = fromLocal(to);
  const today = shanghaiToday();
  const asOf = fromLocal(to < today ? to : today);
  const dept = departmentCode ? Prisma.sql`AND c."departmentCode" = ${departmentCode}` : Prisma.empty;
  const [r] = await hub.platform.prisma.$queryRaw<Record<string, bigint | number | null>[]>`
    SELECT
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${f} AND ${t}) AS accepted,
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${f} AND ${t} AND c.channel IN ('ONLINE', 'MOBILE')) AS online,
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${f} AND ${t} AND c."fullyOnline") AS fully_online,
      coalesce(sum(jsonb_array_length(c."sharedMaterials")) FILTER (WHERE c."acceptedOn" BETWEEN ${f} AND ${t}), 0)::bigint AS shared_materials,
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${f} AND ${t} AND c."sharedMaterials" <> '[]'::jsonb) AS shared_cases,
      count(*) FILTER (WHERE c."concludedOn" BETWEEN ${f} AND ${t}) AS concluded,
      count(*) FILTER (WHERE c."concludedOn" BETWEEN ${f} AND ${t} AND c."onTime") AS on_time,
      count(*) FILTER (WHERE c."concludedOn" BETWEEN ${f} AND ${t} AND NOT c."onTime")
        + count(*) FILTER (WHERE c."concludedOn" IS NULL AND c."acceptedOn" <= ${t} AND c."pausedSince" IS NULL AND c.deadline < ${asOf}) AS overdue,
      avg(1 - c."usedWorkingDays"::float8 / c."statutoryLimitDays")
        FILTER (WHERE c."concludedOn" BETWEEN ${f} AND ${t} AND c."statutoryLimitDays" > 0) AS speed_up
    FROM "Case" c
    WHERE c."acceptedOn" <= ${t} AND (c."concludedOn" IS NULL OR c."concludedOn" >= ${f}) ${dept}`;
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    figures: {
      accepted: n('accepted'),
      online: n('online'),
      fullyOnline: n('fully_online'),
      materialsExemptedBySharing: n('shared_materials'),
      casesWithSharedMaterials: n('shared_cases'),
      concluded: n('concluded'),
      concludedOnTime: n('on_time'),
      overdue: n('overdue'),
    },
    speedUp: (r?.speed_up ?? null) as number | null,
  };
}

async function expectStatisticsEqualCases(from: LocalDate, to: LocalDate, departmentCode?: string) {
  const direct = await directStatistics(from, to, departmentCode);
  const s = await caseStatistics(hub.platform.prisma, { from, to, departmentCode: departmentCode ?? null });
  expect(s).toMatchObject(direct.figures);
  if (direct.speedUp === null) expect(s.averageSpeedUp).toBeNull();
  else expect(s.averageSpeedUp).toBeCloseTo(direct.speedUp, 12);
  return s;
}

const rollupRows = () =>
  hub.platform.prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT xmin::text AS xmin, day, "departmentCode", "itemCode", accepted, concluded, "speedUpSum"::text AS s
    FROM "CaseDailyRollup" ORDER BY day, "departmentCode", "itemCode"`;

describe('the case rollup', () => {
  it('follows acceptance, pauses, on-time and late conclusions, rejection, bulk inserts, updates and deletes, and equals its recomputation', async () => {
    const prisma = hub.platform.prisma;
    const today = shanghaiToday();
    const year = { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
    const before = await caseStatistics(prisma, { ...year, departmentCode: 'MR' });

    // Accepted at the window and concluded on time.
    const onTime = await submit();
    for (const doc of [UndertakeCaseDocument, ReviewCaseDocument, ApproveCaseDocument]) await step(doc, onTime);
    expect(await conclude(onTime)).toMatchObject({ onTime: true });

    // Accepted long ago (by SQL, a write path like any other), concluded late.
    const late = await submit();
    const calendar = await loadWorkingCalendar(prisma);
    let longAgo = today;
    while (calendar.countWorkingDays(longAgo, today) < 12)
      longAgo = toLocal(new Date(fromLocal(longAgo).getTime() - 86_400_000));
    await prisma.case.update({ where: { id: late }, data: { acceptedOn: fromLocal(longAgo) } });
    for (const doc of [UndertakeCaseDocument, ReviewCaseDocument, ApproveCaseDocument]) await step(doc, late);
    expect(await conclude(late)).toMatchObject({ onTime: false });

    // Paused and resumed, left open.
    const paused = await submit();
    await step(UndertakeCaseDocument, paused);
    expect(
      (await hub.gql(PauseCaseDocument, { id: paused, stage: 'SITE_INSPECTION', reason: '现场勘察' }, mr)).errors,
    ).toBeUndefined();
    expect(await verifyCaseRollup(prisma)).toMatchObject({ ok: true, differences: [] });
    expect((await hub.gql(ResumeCaseDocument, { id: paused, reason: '勘察完毕' }, mr)).errors).toBeUndefined();

    // Rejected and concluded.
    const rejected = await submit();
    for (const doc of [UndertakeCaseDocument, ReviewCaseDocument]) await step(doc, rejected);
    expect((await hub.gql(RejectCaseDocument, { id: rejected, reason: '不符合条件' }, mr)).errors).toBeUndefined();
    await conclude(rejected, false);

    // Submitted with a material missing: accepted only when it arrives.
    const incomplete = await submit({ materials: aFoodCaseInput(holder).materials.slice(0, 3) });
    expect((await prisma.case.findUniqueOrThrow({ where: { id: incomplete } })).acceptedOn).toBeNull();
    expect(
      (await hub.gql(SupplementMaterialsDocument, { id: incomplete, materials: [{ code: 'M04' }] }, window)).errors,
    ).toBeUndefined();

    const after = await expectStatisticsEqualCases(year.from, year.to, 'MR');
    expect(after.accepted - before.accepted).toBe(5);
    expect(after.concluded - before.concluded).toBe(3);
    expect(after.concludedOnTime - before.concludedOnTime).toBe(2);
    expect(after.online - before.online).toBe(0);
    expect(after.overdue - before.overdue).toBe(1);

    // A bulk insert (hub cases generate), with history events.
    await generateCases(prisma, { count: 600, year: 2025, seed: 11 });
    expect(await verifyCaseRollup(prisma)).toMatchObject({ ok: true });
    await expectStatisticsEqualCases('2025-01-01', '2025-12-31');
    await expectStatisticsEqualCases('2025-04-01', '2025-06-30', 'MR');

    // Set-based updates of counted columns: shared materials, a department and a channel change.
    await prisma.$executeRaw`
      UPDATE "Case" SET "sharedMaterials" = '[{"code":"M01"},{"code":"M02"}]'::jsonb
      WHERE id IN (SELECT id FROM "Case" WHERE "acceptedOn" BETWEEN '2025-03-01' AND '2025-03-31' ORDER BY id LIMIT 40)`;
    await prisma.$executeRaw`
      UPDATE "Case" SET channel = 'MOBILE', "fullyOnline" = true
      WHERE id IN (SELECT id FROM "Case" WHERE "acceptedOn" BETWEEN '2025-05-01' AND '2025-05-31' AND channel = 'WINDOW' ORDER BY id LIMIT 25)`;
    // A case reopened by hand: its conclusion leaves the rollup.
    await prisma.$executeRaw`
      UPDATE "Case" SET "concludedOn" = NULL, "onTime" = NULL, "usedWorkingDays" = NULL, state = 'UNDERTAKEN'
      WHERE id IN (SELECT id FROM "Case" WHERE "concludedOn" BETWEEN '2025-07-01' AND '2025-07-31' ORDER BY id LIMIT 10)`;
    const march = await expectStatisticsEqualCases('2025-03-01', '2025-03-31');
    expect(march.materialsExemptedBySharing).toBeGreaterThanOrEqual(80);

    // Deletes (events and pauses cascade).
    await prisma.case.deleteMany({
      where: {
        id: {
          in: (
            await prisma.case.findMany({
              where: {
                receiptNumber: { startsWith: '' },
                acceptedOn: { gte: fromLocal('2025-08-01'), lte: fromLocal('2025-08-31') },
                jointApplicationId: null,
              },
              select: { id: true },
              take: 30,
            })
          ).map((c) => c.id),
        },
      },
    });
    expect(await verifyCaseRollup(prisma)).toMatchObject({ ok: true, differences: [] });
    await expectStatisticsEqualCases('2025-01-01', '2025-12-31');
    await expectStatisticsEqualCases(year.from, year.to, 'MR');

    // Writes that touch no counted column rewrite no rollup row.
    const rows = await rollupRows();
    await prisma.$executeRaw`UPDATE "Case" SET "lastLight" = 'GREEN', "updatedAt" = now()`;
    expect(await rollupRows()).toEqual(rows);

    // The statutory limit is frozen on the case: a catalogue change does not move past speed-ups.
    const speedUp = (await caseStatistics(prisma, { ...year, departmentCode: 'MR' })).averageSpeedUp;
    const item = await prisma.serviceItem.findUniqueOrThrow({ where: { code: ITEM } });
    await prisma.serviceItem.update({
      where: { code: ITEM },
      data: { statutoryLimitDays: item.statutoryLimitDays + 10 },
    });
    try {
      expect((await caseStatistics(prisma, { ...year, departmentCode: 'MR' })).averageSpeedUp).toBe(speedUp);
      expect(await verifyCaseRollup(prisma)).toMatchObject({ ok: true });
      const fresh = await submit();
      expect((await prisma.case.findUniqueOrThrow({ where: { id: fresh } })).statutoryLimitDays).toBe(
        item.statutoryLimitDays + 10,
      );
    } finally {
      await prisma.serviceItem.update({ where: { code: ITEM }, data: { statutoryLimitDays: item.statutoryLimitDays } });
    }
    expect(await verifyCaseRollup(prisma)).toMatchObject({ ok: true, differences: [] });
  });

  it('hub stats verify names the rows that differ and exits 1; --repair rebuilds the rollup from the cases', async () => {
    const prisma = hub.platform.prisma;
    const run = promisify(execFile);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-stats-cli-'));
    const cli = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
      try {
        const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'stats', 'verify', ...args], {
          env: { DATABASE_URL: hub.platform.config.databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        });
        return { code: 0, out: r.stdout, err: r.stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, out: e.stdout, err: e.stderr };
      }
    };
    try {
      if ((await prisma.case.count({ where: { acceptedOn: { not: null } } })) === 0)
        await generateCases(prisma, { count: 50, year: 2025, seed: 5, events: false });
      const ok = await cli();
      expect(ok).toMatchObject({ code: 0 });
      expect(ok.out).toMatch(/^case rollup matches the cases: \d+ day\/department\/item rows\n$/);

      // A row edited by hand, and a row nothing accounts for.
      const [victim] = await prisma.$queryRaw<{ day: Date; departmentCode: string; itemCode: string }[]>`
        SELECT day, "departmentCode", "itemCode" FROM "CaseDailyRollup" WHERE accepted > 0 ORDER BY day LIMIT 1`;
      await prisma.$executeRaw`UPDATE "CaseDailyRollup" SET accepted = accepted + 1
        WHERE day = ${victim!.day} AND "departmentCode" = ${victim!.departmentCode} AND "itemCode" = ${victim!.itemCode}`;
      await prisma.$executeRaw`INSERT INTO "CaseDailyRollup" (day, "departmentCode", "itemCode", concluded) VALUES ('1999-01-04', 'MR', ${ITEM}, 2)`;
      const v = await verifyCaseRollup(prisma);
      expect(v.ok).toBe(false);
      expect(v.differences.map((d) => `${d.day} ${d.departmentCode} ${d.itemCode}`)).toEqual(
        [`1999-01-04 MR ${ITEM}`, `${toLocal(victim!.day)} ${victim!.departmentCode} ${victim!.itemCode}`].sort(),
      );
      expect(v.differences[0]).toMatchObject({ stored: { concluded: 2 }, expected: null });

      const bad = await cli();
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('case rollup differs from the cases');
      expect(bad.err).toContain(`1999-01-04 MR ${ITEM}`);
      expect(bad.err).toContain('hub stats verify --repair');

      const repaired = await cli('--repair');
      expect(repaired.code).toBe(0);
      expect(repaired.out).toMatch(/case rollup rebuilt from the cases: \d+ day\/department\/item rows/);
      expect(await verifyCaseRollup(prisma)).toMatchObject({ ok: true, differences: [] });
      expect(await cli()).toMatchObject({ code: 0 });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
