/**
 * Licence numbers by type: the pattern a number given on issue must match, and the numbers the
 * hub makes itself (at the conclusion of a case) from the type's format and a per-type sequence.
 */
import type { Prisma, LicenceType } from '../../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;
type Problem = { field: string; message: string };

/** Problems of a number given for a licence of this type: it must match the type's numbering rule. */
export function numberProblems(type: Pick<LicenceType, 'code' | 'numberPattern'>, number: string): Problem[] {
  if (!type.numberPattern) return [];
  // The pattern is anchored here so a rule written without ^...$ cannot accept a number that merely contains a match.
  const rule = new RegExp(`^(?:${type.numberPattern})$`, 'u');
  return rule.test(number.trim())
    ? []
    : [{ field: 'number', message: `does not follow the numbering of ${type.code} (${type.numberPattern})` }];
}

/** Used when a type has no format of its own; it names the type, so numbers never collide across types. */
const FALLBACK_FORMAT = (code: string) => `${code}-{yyyy}-{seq:6}`;

/** The format filled in for one day and sequence number. */
export function renderNumber(format: string, day: Date, seq: number, holderUscc: string): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return format
    .replaceAll('{yyyy}', String(day.getUTCFullYear()))
    .replaceAll('{mm}', pad(day.getUTCMonth() + 1, 2))
    .replaceAll('{dd}', pad(day.getUTCDate(), 2))
    .replaceAll('{uscc}', holderUscc)
    .replace(/\{seq:(\d+)\}/g, (_m, width: string) => pad(seq, Number(width)));
}

/** The next value of the type's sequence in a period, in the caller's transaction. */
async function nextInSequence(tx: Tx, typeCode: string, period: number): Promise<number> {
  // One statement that inserts or increments: the row stays locked until the transaction ends, so
  // two conclusions of the same type at once take turns and never draw the same value.
  const rows = await tx.$queryRaw<{ last: number }[]>`
    INSERT INTO "LicenceNumberSequence" ("typeCode", "period", "last") VALUES (${typeCode}, ${period}, 1)
    ON CONFLICT ("typeCode", "period") DO UPDATE SET "last" = "LicenceNumberSequence"."last" + 1
    RETURNING "last"`;
  const last = rows[0]?.last;
  if (last === undefined) throw new Error(`No sequence value returned for licence type ${typeCode}`);
  return last;
}

/**
 * The next number of a licence of this type issued on `day` (a calendar date at UTC midnight):
 * the type's format with the next sequence value, restarting each year for formats with {yyyy}.
 * A number already taken (e.g. imported from a department system) is skipped.
 */
export async function nextLicenceNumber(
  tx: Tx,
  type: Pick<LicenceType, 'code' | 'numberFormat'>,
  day: Date,
  holderUscc: string,
): Promise<string> {
  const format = type.numberFormat ?? FALLBACK_FORMAT(type.code);
  const period = format.includes('{yyyy}') ? day.getUTCFullYear() : 0;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const number = renderNumber(format, day, await nextInSequence(tx, type.code, period), holderUscc);
    const taken = await tx.licence.findUnique({
      where: { typeCode_number: { typeCode: type.code, number } },
      select: { id: true },
    });
    if (!taken) return number;
  }
  throw new Error(`Licence type ${type.code}: 1000 consecutive numbers are taken; check its numberFormat`);
}
