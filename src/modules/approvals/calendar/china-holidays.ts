/**
 * China's holidays and adjusted working days (调休): the State Council's published arrangements (the
 * `chinese-days` package's data) over the statutory holidays computed from the national rules.
 */
// The package's functions (isWorkday, getDayDetail, ...) build their tables by parsing dates as UTC and
// formatting them in local time, so in any UTC-negative server time zone every lookup is one day off
// and weekends are misjudged. Its published JSON (the same data, keyed by 'YYYY-MM-DD') has no such
// dependency, so this adapter reads that instead.
import rawData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { statutoryHolidayName } from './statutory-holidays.js';
import type { HolidaySource, LocalDate } from './types.js';

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const DATE_KEY = /^(\d{4})-\d{2}-\d{2}$/;

/** The package names days "English,中文,days-off"; officials read the Chinese name. */
function chineseName(raw: string): string {
  const parts = raw.split(',');
  return parts.length >= 2 && parts[1] ? parts[1] : raw;
}

function readTable(table: unknown, label: string, years: Set<number>): Map<LocalDate, string> {
  if (typeof table !== 'object' || table === null) {
    throw new Error(`chinese-days data: "${label}" is not an object; the package format has changed`);
  }
  const out = new Map<LocalDate, string>();
  for (const [date, name] of Object.entries(table)) {
    const m = DATE_KEY.exec(date);
    if (!m || typeof name !== 'string') {
      throw new Error(`chinese-days data: unexpected ${label} entry ${JSON.stringify(date)}`);
    }
    years.add(Number(m[1]));
    out.set(date, chineseName(name));
  }
  return out;
}

function buildSource(data: ChineseDaysData): HolidaySource {
  const years = new Set<number>();
  const holidays = readTable(data.holidays, 'holidays', years);
  const workdays = readTable(data.workdays, 'workdays', years);
  const sorted = [...years].sort((a, b) => a - b);
  const from = sorted[0];
  const to = sorted.at(-1);
  if (from === undefined || to === undefined) throw new Error('chinese-days data: no years');
  // A gap would make coveredYears() claim years the package knows nothing about.
  if (to - from + 1 !== sorted.length) {
    throw new Error(`chinese-days data: years ${from}–${to} are not contiguous`);
  }
  return {
    isHoliday: (d) => holidays.has(d),
    isAdjustedWorkday: (d) => workdays.has(d),
    // For an adjusted working day this is the holiday it makes up for.
    holidayName: (d) => holidays.get(d) ?? workdays.get(d) ?? null,
    coveredYears: () => ({ from, to }),
  };
}

let shared: HolidaySource | undefined;

/** A HolidaySource backed by the `chinese-days` package data; one shared, immutable instance. */
export function chineseDaysSource(): HolidaySource {
  shared ??= buildSource(rawData);
  return shared;
}

let combined: HolidaySource | undefined;

/**
 * The hub's holiday source: the published arrangements (bridging days off, adjusted working days) where
 * a notice exists, and in every year the statutory holidays the rules fix, so a year without a notice
 * still has its 元旦, 春节, 清明, 劳动节, 端午, 中秋 and 国庆节 off. Coverage stays that of the
 * published data: a year without a notice lacks its bridging days and adjusted working days.
 */
export function chinaHolidaySource(): HolidaySource {
  if (combined) return combined;
  const published = chineseDaysSource();
  combined = {
    isHoliday: (d) => published.isHoliday(d) || statutoryHolidayName(d) !== null,
    isAdjustedWorkday: (d) => published.isAdjustedWorkday(d),
    holidayName: (d) => published.holidayName(d) ?? statutoryHolidayName(d),
    coveredYears: () => published.coveredYears(),
  };
  return combined;
}
