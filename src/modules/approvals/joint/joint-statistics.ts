/**
 * Joint approval figures (the source's "48 key projects, 2,380 working days saved, 87.6% faster"):
 * over joint applications concluded in a period, days saved = the serial sum of the branches'
 * statutory limits minus the joint working days used; speed-up = days saved / serial days.
 * Each application counts once, for its lead department. One SQL statement gives the rows per lead
 * department and the overall row (GROUPING SETS): a key project whose applications are led by
 * several departments is one project in each of their rows and one project overall, never the
 * sum of the rows.
 */
import { Prisma, type PrismaClient } from '../../../generated/prisma/client.js';
import { fromLocal, type LocalDate } from '../calendar/store.js';

export interface JointFigureRow {
  /** null for the overall row. */
  departmentCode: string | null;
  /** Joint applications concluded in the period. */
  concluded: number;
  /** Of those, the distinct key projects they belong to. */
  projects: number;
  serialDays: number;
  usedDays: number;
  daysSaved: number;
  /** daysSaved / serialDays; null when nothing was concluded. */
  speedUp: number | null;
}

export interface JointStatistics {
  from: LocalDate;
  to: LocalDate;
  overall: JointFigureRow;
  byDepartment: JointFigureRow[];
}

interface Row {
  /** null on the overall row. */
  department: string | null;
  concluded: bigint;
  projects: bigint;
  serial: bigint | null;
  used: bigint | null;
}

function figures(
  departmentCode: string | null,
  concluded: number,
  projects: number,
  serialDays: number,
  usedDays: number,
): JointFigureRow {
  const daysSaved = serialDays - usedDays;
  return {
    departmentCode,
    concluded,
    projects,
    serialDays,
    usedDays,
    daysSaved,
    speedUp: serialDays > 0 ? daysSaved / serialDays : null,
  };
}

/** Joint figures of applications concluded between from and to (inclusive), per lead department and overall. */
export async function jointStatistics(
  prisma: PrismaClient,
  from: LocalDate,
  to: LocalDate,
  departmentCode?: string | null,
): Promise<JointStatistics> {
  const dept = departmentCode ? Prisma.sql`AND j."leadDepartmentCode" = ${departmentCode}` : Prisma.empty;
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT j."leadDepartmentCode" AS department, count(*) AS concluded,
           count(DISTINCT j."projectName") AS projects,
           sum(j."serialLimitDays") AS serial, sum(j."usedWorkingDays") AS used
    FROM "JointApplication" j
    WHERE j."concludedOn" BETWEEN ${fromLocal(from)} AND ${fromLocal(to)} ${dept}
    GROUP BY GROUPING SETS ((j."leadDepartmentCode"), ())
    ORDER BY j."leadDepartmentCode" NULLS FIRST`;
  const row = (r: Row) =>
    figures(r.department, Number(r.concluded), Number(r.projects), Number(r.serial ?? 0n), Number(r.used ?? 0n));
  // The empty grouping set always yields the overall row, even over no rows at all.
  const overall = rows.find((r) => r.department === null);
  return {
    from,
    to,
    overall: overall ? row(overall) : figures(null, 0, 0, 0, 0),
    byDepartment: rows.filter((r) => r.department !== null).map(row),
  };
}
