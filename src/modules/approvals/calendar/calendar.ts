/**
 * Working-day arithmetic for approval time limits (时限): statutory holidays, adjusted working days,
 * administrator overrides and clock-stopping pauses (特殊环节/补正). Pure: no clock, no I/O.
 */
import { chinaHolidaySource, chineseDaysSource } from './china-holidays.js';
import type { HolidaySource, LocalDate } from './types.js';

export type { HolidaySource, LocalDate };

export { chinaHolidaySource, chineseDaysSource };

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** An administrator-entered correction, e.g. for a year the holiday source does not cover yet. */
export interface DayOverride {
  date: LocalDate;
  kind: 'HOLIDAY' | 'WORKDAY';
  name?: string;
}

/**
 * A stopped clock: working days d with from < d <= to are not counted (the day the pause starts still
 * counts, the day it ends does not, as with the start day of any period). `to: null` means still running.
 */
export interface Pause {
  from: LocalDate;
  to: LocalDate | null;
}

export interface DeadlineInput {
  acceptedOn: LocalDate;
  /** Working days; 0 means due on the day of acceptance (即办). */
  limit: number;
  pauses?: readonly Pause[];
  /** Needed only when a pause is open: it is taken to run up to and including asOf. */
  asOf?: LocalDate;
}

export interface RemainingInput extends DeadlineInput {
  asOf: LocalDate;
}

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

// Dates are handled internally as day numbers (days since 1970-01-01) so that arithmetic never
// touches Date or the server's time zone. Conversions: H. Hinnant's proleptic-Gregorian algorithms.

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(dn: number): [number, number, number] {
  const z = dn + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** Parses without a regex or Date: this runs several times per call in bulk statistics. */
function parseParts(s: string): [number, number, number] | null {
  if (typeof s !== 'string' || s.length !== 10 || s[4] !== '-' || s[7] !== '-') return null;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (!(y >= MIN_YEAR) || !(m >= 1 && m <= 12) || !(d >= 1 && d <= daysInMonth(y, m))) return null;
  return [y, m, d];
}

function toDayNumber(s: LocalDate, what = 'date'): number {
  const p = parseParts(s);
  if (!p) throw new RangeError(`${what} must be a valid 'YYYY-MM-DD' date, got ${JSON.stringify(s)}`);
  return daysFromCivil(p[0], p[1], p[2]);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function fromDayNumber(dn: number): LocalDate {
  const [y, m, d] = civilFromDays(dn);
  if (y < MIN_YEAR || y > MAX_YEAR) throw new RangeError(`date out of range (year ${y})`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function weekdayOf(dn: number): IsoWeekday {
  // 1970-01-01 was a Thursday.
  return (((((dn + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

function assertCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

/** True when s is a real calendar date written 'YYYY-MM-DD'. */
export function isLocalDate(s: unknown): s is LocalDate {
  return typeof s === 'string' && parseParts(s) !== null;
}

/** The Shanghai calendar day an instant falls on, whatever the server's time zone. */
export function shanghaiDate(instant: Date): LocalDate {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('shanghaiDate: invalid Date');
  return fromDayNumber(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

/** d plus n calendar days (n may be negative). */
export function addDays(d: LocalDate, n: number): LocalDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return fromDayNumber(toDayNumber(d) + n);
}

/** ISO weekday of d: 1 = Monday … 7 = Sunday. */
export function weekday(d: LocalDate): IsoWeekday {
  return weekdayOf(toDayNumber(d));
}

/** One year's working days, precomputed so counting and stepping are O(1) per year touched. */
interface YearTable {
  year: number;
  start: number;
  /** cum[i] = working days among the year's first i days. */
  cum: Int32Array;
  /** nth[k] = index in the year of its (k+1)-th working day. */
  nth: Int32Array;
  total: number;
}

/** A closed-open pause in day numbers: days d with a < d <= b are not counted. */
type Span = [number, number];

/**
 * The working-day calendar used for approval time limits: holiday source plus administrator
 * overrides, with per-year tables cached for bulk use.
 */
export class WorkingCalendar {
  private readonly source: HolidaySource;
  private readonly overrides = new Map<number, DayOverride>();
  private readonly overrideYears = new Set<number>();
  private readonly tables = new Map<number, YearTable>();
  private covered: { from: number; to: number } | undefined;
  private last: YearTable | undefined;

  constructor(options: { source?: HolidaySource; overrides?: readonly DayOverride[] } = {}) {
    this.source = options.source ?? chinaHolidaySource();
    for (const o of options.overrides ?? []) {
      const dn = toDayNumber(o.date, 'override date');
      if (o.kind !== 'HOLIDAY' && o.kind !== 'WORKDAY') {
        throw new RangeError(`override for ${o.date}: unknown kind ${JSON.stringify(o.kind)}`);
      }
      const previous = this.overrides.get(dn);
      // Contradictory corrections for one day are a data-entry error that must not be resolved silently.
      if (previous && previous.kind !== o.kind) {
        throw new RangeError(`conflicting overrides for ${o.date}: ${previous.kind} and ${o.kind}`);
      }
      this.overrides.set(dn, { ...o });
      this.overrideYears.add(Number(o.date.slice(0, 4)));
    }
  }

  /** Overrides first, then the source's holidays and adjusted working days, then Monday–Friday. */
  isWorkingDay(d: LocalDate): boolean {
    const dn = toDayNumber(d);
    const t = this.tableFor(dn);
    const i = dn - t.start;
    return t.cum[i + 1] !== t.cum[i];
  }

  /**
   * Whether d's year is known to the source or has overrides; otherwise the source may lack the year's
   * bridging days and adjusted working days (the statutory holidays are computed for every year).
   */
  isCovered(d: LocalDate): boolean {
    const p = parseParts(d);
    if (!p) throw new RangeError(`date must be a valid 'YYYY-MM-DD' date, got ${JSON.stringify(d)}`);
    this.covered ??= this.source.coveredYears();
    return (p[0] >= this.covered.from && p[0] <= this.covered.to) || this.overrideYears.has(p[0]);
  }

  /** Why a day is special: the override's name, else the source's holiday name. */
  holidayName(d: LocalDate): string | null {
    const o = this.overrides.get(toDayNumber(d));
    if (o) return o.name ?? null;
    return this.source.holidayName(d);
  }

  /** The n-th working day after start (start itself not counted); n = 0 gives start. */
  addWorkingDays(start: LocalDate, n: number): LocalDate {
    assertCount(n, 'addWorkingDays: n');
    const s = toDayNumber(start, 'start');
    return n === 0 ? start : fromDayNumber(this.nthAfter(s, n));
  }

  /** Working days d with from < d <= to, minus those inside pauses; 0 when to <= from. */
  countWorkingDays(from: LocalDate, to: LocalDate, pauses: readonly Pause[] = [], asOf?: LocalDate): number {
    const f = toDayNumber(from, 'from');
    const t = toDayNumber(to, 'to');
    return this.countUnpaused(f, t, this.spans(pauses, asOf, f));
  }

  /** The day on which the unpaused working days after acceptedOn reach limit. */
  deadline(input: DeadlineInput): LocalDate {
    assertCount(input.limit, 'limit');
    const accepted = toDayNumber(input.acceptedOn, 'acceptedOn');
    return fromDayNumber(this.deadlineDn(accepted, input.limit, this.spans(input.pauses ?? [], input.asOf, accepted)));
  }

  /**
   * Working days left on asOf: 0 on the deadline day, negative once asOf is past the deadline
   * (−k after k counted working days past it, and at least −1 on a weekend straight after it).
   */
  remainingWorkingDays(input: RemainingInput): number {
    assertCount(input.limit, 'limit');
    const accepted = toDayNumber(input.acceptedOn, 'acceptedOn');
    const asOf = toDayNumber(input.asOf, 'asOf');
    const spans = this.spans(input.pauses ?? [], input.asOf, accepted);
    const remaining = input.limit - this.countUnpaused(accepted, asOf, spans);
    // Counting alone leaves a Saturday after a Friday deadline at 0, which would hide that it is overdue.
    if (remaining === 0 && asOf > this.deadlineDn(accepted, input.limit, spans)) return -1;
    return remaining;
  }

  private deadlineDn(accepted: number, limit: number, spans: readonly Span[]): number {
    if (limit === 0) return accepted;
    let cursor = accepted;
    let left = limit;
    for (const [a, b] of spans) {
      const available = this.count(cursor, a);
      if (available >= left) return this.nthAfter(cursor, left);
      left -= available;
      cursor = b;
    }
    return this.nthAfter(cursor, left);
  }

  private countUnpaused(from: number, to: number, spans: readonly Span[]): number {
    let n = this.count(from, to);
    for (const [a, b] of spans) {
      if (a >= to) break;
      n -= this.count(a, Math.min(b, to));
    }
    return n;
  }

  /** Pauses as sorted, merged spans clipped to start after `floor`, so no working day is subtracted twice. */
  private spans(pauses: readonly Pause[], asOf: LocalDate | undefined, floor: number): Span[] {
    if (pauses.length === 0) return [];
    let asOfDn: number | undefined;
    const raw: Span[] = [];
    for (const p of pauses) {
      const a = toDayNumber(p.from, 'pause.from');
      let b: number;
      if (p.to === null) {
        if (asOf === undefined) throw new RangeError(`an open pause (from ${p.from}) needs asOf`);
        asOfDn ??= toDayNumber(asOf, 'asOf');
        b = asOfDn;
      } else {
        b = toDayNumber(p.to, 'pause.to');
        if (b < a) throw new RangeError(`pause ends (${p.to}) before it starts (${p.from})`);
      }
      const clipped = Math.max(a, floor);
      if (b > clipped) raw.push([clipped, b]);
    }
    raw.sort((x, y) => x[0] - y[0]);
    const merged: Span[] = [];
    for (const s of raw) {
      const last = merged[merged.length - 1];
      // (a,b] and (c,d] with c <= b touch or overlap, so together they are (a, max(b,d)].
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    }
    return merged;
  }

  /** Working days in (a, b]. */
  private count(a: number, b: number): number {
    if (b <= a) return 0;
    const ta = this.tableFor(a);
    const tb = this.tableFor(b);
    if (ta === tb) return cell(ta.cum, b - ta.start + 1) - cell(ta.cum, a - ta.start + 1);
    let n = ta.total - cell(ta.cum, a - ta.start + 1);
    for (let y = ta.year + 1; y < tb.year; y++) n += this.table(y).total;
    return n + cell(tb.cum, b - tb.start + 1);
  }

  /** Day number of the n-th (n >= 1) working day after day number a. */
  private nthAfter(a: number, n: number): number {
    let t = this.tableFor(a);
    let target = cell(t.cum, a - t.start + 1) + n;
    while (target > t.total) {
      target -= t.total;
      if (t.year >= MAX_YEAR) throw new RangeError('working-day arithmetic ran past year 9999');
      t = this.table(t.year + 1);
    }
    return t.start + cell(t.nth, target - 1);
  }

  /** The table holding day number dn; consecutive calls mostly hit the same year, so remember it. */
  private tableFor(dn: number): YearTable {
    const last = this.last;
    if (last && dn >= last.start && dn < last.start + last.cum.length - 1) return last;
    this.last = this.table(civilFromDays(dn)[0]);
    return this.last;
  }

  private table(year: number): YearTable {
    const cached = this.tables.get(year);
    if (cached) return cached;
    if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError(`year ${year} out of range`);
    const start = daysFromCivil(year, 1, 1);
    const length = isLeap(year) ? 366 : 365;
    const cum = new Int32Array(length + 1);
    const nth = new Int32Array(length);
    let total = 0;
    for (let i = 0; i < length; i++) {
      const dn = start + i;
      const o = this.overrides.get(dn);
      let working: boolean;
      if (o) working = o.kind === 'WORKDAY';
      else {
        const d = fromDayNumber(dn);
        if (this.source.isAdjustedWorkday(d)) working = true;
        else if (this.source.isHoliday(d)) working = false;
        else working = weekdayOf(dn) <= 5;
      }
      if (working) nth[total++] = i;
      cum[i + 1] = total;
    }
    const t: YearTable = { year, start, cum, nth: nth.subarray(0, total), total };
    this.tables.set(year, t);
    return t;
  }
}

/** An entry of a year table; the tables cover their whole year, so a miss is a bug, not data. */
function cell(table: ArrayLike<number>, i: number): number {
  const v = table[i];
  if (v === undefined) throw new RangeError(`working-day table has no entry ${i}`);
  return v;
}
