/**
 * Overdue admonitions (超期督办): every open, running case past its deadline (red) is reported once
 * to its department head (DepartmentHead contact, else the department) and listed for supervisors.
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { enqueueNotification, shanghaiToday, fromLocal, type LocalDate } from '../approvals/index.js';

interface NewAdmonition {
  caseId: string;
  departmentCode: string;
  receiptNumber: string;
  itemCode: string;
  deadline: Date;
  phone: string | null;
}

/** Issues the admonitions due on `today`; returns how many were new. A fixed number of statements plus one per new admonition. */
export async function runAdmonitions(prisma: PrismaClient, today: LocalDate = shanghaiToday()): Promise<number> {
  const day = fromLocal(today);
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<NewAdmonition[]>`
      WITH due AS (
        SELECT c.id, c."departmentCode", c."receiptNumber", c."itemCode", c.deadline, h.phone
        FROM "Case" c LEFT JOIN "DepartmentHead" h ON h."departmentCode" = c."departmentCode"
        WHERE c."concludedOn" IS NULL AND c."acceptedOn" IS NOT NULL AND c."pausedSince" IS NULL AND c.deadline < ${day}
          AND c.state IN ('ACCEPTED', 'UNDERTAKEN', 'REVIEWED', 'APPROVED', 'REJECTED')
          AND NOT EXISTS (SELECT 1 FROM "Admonition" a WHERE a."caseId" = c.id)
      ), ins AS (
        INSERT INTO "Admonition" (id, "caseId", "departmentCode", "issuedOn", recipient)
        SELECT gen_random_uuid(), id, "departmentCode", ${day}, coalesce(phone, "departmentCode") FROM due
        ON CONFLICT ("caseId") DO NOTHING RETURNING "caseId"
      )
      SELECT due.id AS "caseId", due."departmentCode", due."receiptNumber", due."itemCode", due.deadline, due.phone
      FROM due JOIN ins ON ins."caseId" = due.id`;
    for (const r of rows) {
      await enqueueNotification(tx, {
        caseId: r.caseId,
        kind: 'ADMONITION',
        audience: 'DEPARTMENT',
        recipient: r.departmentCode,
        payload: {
          text: `【效能督办】办件${r.receiptNumber}（事项${r.itemCode}）已超过办结时限（${r.deadline.toISOString().slice(0, 10)}），请部门负责人督促办理。`,
          receiptNumber: r.receiptNumber,
          headPhone: r.phone,
        },
      });
    }
    return rows.length;
  });
}

/** Red cases for supervisors: open, running, past the deadline on `today`; most overdue first. */
export interface RedCase {
  id: string;
  receiptNumber: string;
  itemCode: string;
  itemName: string;
  departmentCode: string;
  deadline: Date;
  admonishedOn: Date | null;
}

export async function redCases(
  prisma: PrismaClient,
  today: LocalDate,
  departmentCode: string | null,
  limit = 200,
): Promise<RedCase[]> {
  const dept = departmentCode ? Prisma.sql`AND c."departmentCode" = ${departmentCode}` : Prisma.empty;
  return prisma.$queryRaw<RedCase[]>`
    SELECT c.id, c."receiptNumber", c."itemCode", s.name AS "itemName", c."departmentCode", c.deadline, a."issuedOn" AS "admonishedOn"
    FROM "Case" c JOIN "ServiceItem" s ON s.code = c."itemCode" LEFT JOIN "Admonition" a ON a."caseId" = c.id
    WHERE c."concludedOn" IS NULL AND c."acceptedOn" IS NOT NULL AND c."pausedSince" IS NULL AND c.deadline < ${fromLocal(today)} ${dept}
    ORDER BY c.deadline ASC, c."receiptNumber" LIMIT ${limit}`;
}
