/**
 * China's statutory holidays (法定节假日) computed from the national holiday rules (国务院《全国年节及纪念日
 * 放假办法》) with the lunar calendar and solar terms, for any year: unlike the published State Council
 * notices they need no yearly data, so a deadline never counts such a day even in a year nobody has
 * published the arrangements for yet.
 */
// tyme4ts (6tail) works on Julian day numbers and Beijing-time astronomy (寿星天文历) alone and never
// touches Date, so its answers do not depend on the server's time zone (calendar.test.ts runs it under
// TZ=America/Los_Angeles and UTC to prove it).
import { LunarDay, SolarTerm, type SolarDay } from 'tyme4ts';
import type { LocalDate } from './types.js';

/** Which days each version of the rules makes statutory holidays. */
interface Rules {
  /** First Gregorian year the version governs. */
  from: number;
  /** 除夕 (the lunar year's last day) is a holiday. */
  springFestivalEve: boolean;
  /** Days off from 正月初一 on (初一 = 1). */
  springFestivalDays: number;
  /** 清明, 端午 and 中秋 are holidays (since 2008). */
  traditionalFestivals: boolean;
  /** Days off from May 1 on. */
  labourDays: number;
}

// Newest first. The 1999 version took effect in September 1999, so it governs whole years from 2000;
// earlier years get no computed days (the hub has no cases that old). Sources: 国务院令第270号 (1999),
// 第513号 (2007, in force 2008), 第644号 (2013, in force 2014), 第795号 (2024, in force 2025).
const RULES: readonly Rules[] = [
  { from: 2025, springFestivalEve: true, springFestivalDays: 3, traditionalFestivals: true, labourDays: 2 },
  { from: 2014, springFestivalEve: false, springFestivalDays: 3, traditionalFestivals: true, labourDays: 1 },
  { from: 2008, springFestivalEve: true, springFestivalDays: 2, traditionalFestivals: true, labourDays: 1 },
  { from: 2000, springFestivalEve: false, springFestivalDays: 3, traditionalFestivals: false, labourDays: 3 },
];

/** First year with computed statutory holidays. */
export const STATUTORY_FROM_YEAR = 2000;
/** Last year the lunar and solar-term tables reach (and the calendar's own limit). */
export const STATUTORY_TO_YEAR = 9999;

// The names are those of the published data (chinese-days), so a day reads the same whether or not its
// year has been published.
const NEW_YEAR = '元旦';
const SPRING_FESTIVAL = '春节';
const QINGMING = '清明';
const LABOUR_DAY = '劳动节';
const DRAGON_BOAT = '端午';
const MID_AUTUMN = '中秋';
const NATIONAL_DAY = '国庆节';

function localDate(y: number, m: number, d: number): LocalDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function fromSolarDay(s: SolarDay): LocalDate {
  return localDate(s.getYear(), s.getMonth(), s.getDay());
}

function rulesFor(year: number): Rules | undefined {
  return RULES.find((r) => year >= r.from);
}

function compute(year: number): Map<LocalDate, string> {
  const days = new Map<LocalDate, string>();
  const rules = rulesFor(year);
  if (!rules || year > STATUTORY_TO_YEAR) return days;
  // When two holidays share a day (中秋 on Oct 1 in 2020, on Oct 3 in 2028) the first name added stays;
  // National Day goes first so that such a day is named 国庆节, as the published data names 2020-10-01.
  const add = (d: LocalDate, name: string): void => {
    if (!days.has(d)) days.set(d, name);
  };
  for (let i = 1; i <= 3; i++) add(localDate(year, 10, i), NATIONAL_DAY);
  add(localDate(year, 1, 1), NEW_YEAR);
  // 正月初一 of lunar year Y falls between Jan 21 and Feb 20 of Gregorian year Y, and so do 除夕 and 初三;
  // 五月初五 and 八月十五 of lunar year Y fall in Gregorian year Y too. Month 5 and 8 here are the regular
  // months (tyme4ts writes a leap month as negative), which is where the festivals are kept.
  const firstDay = LunarDay.fromYmd(year, 1, 1);
  if (rules.springFestivalEve) add(fromSolarDay(firstDay.next(-1).getSolarDay()), SPRING_FESTIVAL);
  for (let i = 0; i < rules.springFestivalDays; i++) add(fromSolarDay(firstDay.next(i).getSolarDay()), SPRING_FESTIVAL);
  if (rules.traditionalFestivals) add(fromSolarDay(SolarTerm.fromName(year, '清明').getSolarDay()), QINGMING);
  for (let i = 1; i <= rules.labourDays; i++) add(localDate(year, 5, i), LABOUR_DAY);
  if (rules.traditionalFestivals) {
    add(fromSolarDay(LunarDay.fromYmd(year, 5, 5).getSolarDay()), DRAGON_BOAT);
    add(fromSolarDay(LunarDay.fromYmd(year, 8, 15).getSolarDay()), MID_AUTUMN);
  }
  return days;
}

// Lunar computation costs a few milliseconds per year; statistics touch the same few years repeatedly.
const byYear = new Map<number, ReadonlyMap<LocalDate, string>>();

/** The statutory holidays of one Gregorian year, date → name, in date order. */
export function statutoryHolidays(year: number): ReadonlyMap<LocalDate, string> {
  if (!Number.isSafeInteger(year)) throw new RangeError(`statutoryHolidays: year must be an integer, got ${year}`);
  let days = byYear.get(year);
  if (!days) {
    days = new Map([...compute(year)].sort(([a], [b]) => (a < b ? -1 : 1)));
    byYear.set(year, days);
  }
  return days;
}

/** The statutory holiday's name when d is one, else null. */
export function statutoryHolidayName(d: LocalDate): string | null {
  const year = Number(d.slice(0, 4));
  if (!Number.isSafeInteger(year)) return null;
  return statutoryHolidays(year).get(d) ?? null;
}
