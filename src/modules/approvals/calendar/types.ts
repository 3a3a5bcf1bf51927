/**
 * The calendar's vocabulary, shared by the working-day arithmetic and the holiday sources.
 */

/** A calendar day in Asia/Shanghai (UTC+8, no DST), written 'YYYY-MM-DD'. */
export type LocalDate = string;

/** Where statutory holidays and adjusted working days (调休) come from. */
export interface HolidaySource {
  /** A statutory day off (including one that falls on a weekend). */
  isHoliday(d: LocalDate): boolean;
  /** A Saturday or Sunday that is a working day by State Council arrangement. */
  isAdjustedWorkday(d: LocalDate): boolean;
  holidayName(d: LocalDate): string | null;
  /** The years whose arrangements the source knows (inclusive). */
  coveredYears(): { from: number; to: number };
}
