import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../../../../test/helpers/runner.js';
import {
  addDays,
  chineseDaysSource,
  isLocalDate,
  shanghaiDate,
  weekday,
  WorkingCalendar,
  type HolidaySource,
  type LocalDate,
  type Pause,
} from './calendar.js';

const cal = new WorkingCalendar();

/** Day-by-day reference for the pause rule, to check the table-based implementation against. */
function bruteCount(c: WorkingCalendar, from: LocalDate, to: LocalDate, pauses: { from: LocalDate; to: LocalDate }[]) {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
    if (c.isWorkingDay(d) && !pauses.some((p) => p.from < d && d <= p.to)) n++;
  }
  return n;
}

describe('date helpers', () => {
  it('shanghaiDate puts 23:30 UTC on the next Shanghai day', () => {
    expect(shanghaiDate(new Date('2025-09-30T23:30:00Z'))).toBe('2025-10-01');
    expect(shanghaiDate(new Date('2025-09-30T15:59:59.999Z'))).toBe('2025-09-30');
    expect(shanghaiDate(new Date('2025-09-30T16:00:00Z'))).toBe('2025-10-01');
  });

  it('addDays crosses month, year and leap day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('weekday is ISO (Monday 1, Sunday 7)', () => {
    expect(weekday('2025-10-01')).toBe(3);
    expect(weekday('2025-09-28')).toBe(7);
    expect(weekday('2025-10-11')).toBe(6);
  });

  it('isLocalDate rejects malformed and impossible dates', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '2025-01-01T00:00', '', 20250101]) {
      expect(isLocalDate(bad)).toBe(false);
    }
    expect(() => cal.addWorkingDays('2025-02-30', 1)).toThrow(RangeError);
  });
});

describe('chinese-days source', () => {
  it('covers 2004 through at least 2026', () => {
    const { from, to } = chineseDaysSource().coveredYears();
    expect(from).toBe(2004);
    expect(to).toBeGreaterThanOrEqual(2026);
  });

  it('names holidays and the holiday an adjusted working day makes up for', () => {
    const src = chineseDaysSource();
    expect(src.holidayName('2025-10-01')).toBe('国庆节');
    expect(src.holidayName('2025-10-06')).toBe('中秋');
    expect(src.isAdjustedWorkday('2025-09-28')).toBe(true);
    expect(src.holidayName('2025-09-28')).toBe('国庆节');
    expect(src.holidayName('2025-10-09')).toBeNull();
  });
});

describe('WorkingCalendar with the statutory calendar', () => {
  it('National Day 2025: Oct 1–8 off, Sunday Sep 28 and Saturday Oct 11 worked', () => {
    for (let d = '2025-10-01'; d <= '2025-10-08'; d = addDays(d, 1))
      expectWithMessage(cal.isWorkingDay(d), d).toBe(false);
    expect(cal.isWorkingDay('2025-09-28')).toBe(true);
    expect(cal.isWorkingDay('2025-10-11')).toBe(true);
    expect(cal.isWorkingDay('2025-10-12')).toBe(false);
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    // Sep 28, 29, 30, Oct 9, 10, 11.
    expect(cal.countWorkingDays('2025-09-26', '2025-10-12')).toBe(6);
  });

  it('Spring Festival 2026: Feb 15–23 off, Saturdays Feb 14 and Feb 28 worked', () => {
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(cal.addWorkingDays('2026-02-13', 6)).toBe('2026-02-28');
    expect(cal.countWorkingDays('2026-02-14', '2026-02-23')).toBe(0);
  });

  it('Spring Festival 2025: Jan 28–Feb 4 off, Sunday Jan 26 and Saturday Feb 8 worked', () => {
    expect(cal.addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(cal.addWorkingDays('2025-01-27', 1)).toBe('2025-02-05');
    // Jan 26, 27, Feb 5, 6, 7, 8.
    expect(cal.countWorkingDays('2025-01-24', '2025-02-09')).toBe(6);
  });

  it('counts an adjusted Saturday working day', () => {
    expect(weekday('2025-10-11')).toBe(6);
    expect(cal.addWorkingDays('2025-10-10', 1)).toBe('2025-10-11');
    expect(cal.countWorkingDays('2025-10-10', '2025-10-11')).toBe(1);
  });

  it('does not count the start day: Wed+1 = Thu, Fri+1 = Mon', () => {
    expect(cal.addWorkingDays('2025-03-12', 1)).toBe('2025-03-13');
    expect(cal.addWorkingDays('2025-03-14', 1)).toBe('2025-03-17');
    expect(cal.countWorkingDays('2025-03-12', '2025-03-12')).toBe(0);
    expect(cal.deadline({ acceptedOn: '2025-03-12', limit: 1 })).toBe('2025-03-13');
    expect(cal.deadline({ acceptedOn: '2025-03-12', limit: 0 })).toBe('2025-03-12');
  });

  it('a pause over the National Day week excludes only the working days inside it', () => {
    const pauses: Pause[] = [{ from: '2025-09-26', to: '2025-10-10' }];
    // Paused working days: Sep 28, 29, 30, Oct 9, 10 — five, not the 14 calendar days.
    expect(cal.countWorkingDays('2025-09-22', '2025-10-17')).toBe(15);
    expect(cal.countWorkingDays('2025-09-22', '2025-10-17', pauses)).toBe(10);
    expect(cal.deadline({ acceptedOn: '2025-09-22', limit: 10 })).toBe('2025-10-11');
    expect(cal.deadline({ acceptedOn: '2025-09-22', limit: 10, pauses })).toBe('2025-10-17');
    // The day the pause starts still counts; the day it ends does not.
    expect(cal.countWorkingDays('2025-09-22', '2025-09-26', pauses)).toBe(4);
    expect(cal.countWorkingDays('2025-09-22', '2025-10-10', pauses)).toBe(4);
    expect(cal.countWorkingDays('2025-09-22', '2025-10-11', pauses)).toBe(5);
    // Paused Friday → Sunday: Friday counts, the weekend is off anyway, so nothing is stopped.
    expect(cal.countWorkingDays('2025-03-03', '2025-03-14', [{ from: '2025-03-07', to: '2025-03-09' }])).toBe(9);
    expect(cal.deadline({ acceptedOn: '2025-09-22', limit: 4, pauses })).toBe('2025-09-26');
    expect(cal.deadline({ acceptedOn: '2025-09-22', limit: 5, pauses })).toBe('2025-10-11');
  });

  it('merges overlapping pauses instead of subtracting shared days twice', () => {
    const pauses: Pause[] = [
      { from: '2025-03-05', to: '2025-03-10' },
      { from: '2025-03-07', to: '2025-03-12' },
      { from: '2025-03-07', to: '2025-03-12' },
    ];
    // (Mar 5, Mar 12] holds Mar 6, 7, 10, 11, 12: 9 working days minus 5.
    expect(cal.countWorkingDays('2025-03-03', '2025-03-14', pauses)).toBe(4);
    expect(cal.deadline({ acceptedOn: '2025-03-03', limit: 4, pauses })).toBe('2025-03-14');
  });

  it('treats an open pause as running through asOf', () => {
    const pauses: Pause[] = [{ from: '2025-03-05', to: null }];
    const asOf = '2025-03-12';
    expect(cal.countWorkingDays('2025-03-03', asOf, pauses, asOf)).toBe(2);
    expect(cal.remainingWorkingDays({ acceptedOn: '2025-03-03', limit: 5, pauses, asOf })).toBe(3);
    // Earliest possible deadline if the clock restarts after asOf: Mar 13, 14, 17.
    expect(cal.deadline({ acceptedOn: '2025-03-03', limit: 5, pauses, asOf })).toBe('2025-03-17');
    expect(() => cal.deadline({ acceptedOn: '2025-03-03', limit: 5, pauses })).toThrow(/asOf/);
  });

  it('ignores the part of a pause before acceptance and rejects a pause that ends before it starts', () => {
    expect(cal.countWorkingDays('2025-03-05', '2025-03-14', [{ from: '2025-03-01', to: '2025-03-07' }])).toBe(5);
    expect(() => cal.countWorkingDays('2025-03-03', '2025-03-14', [{ from: '2025-03-10', to: '2025-03-07' }])).toThrow(
      RangeError,
    );
  });

  it('remainingWorkingDays is 0 on the deadline and negative once overdue', () => {
    const c = { acceptedOn: '2025-03-03', limit: 3 };
    expect(cal.deadline(c)).toBe('2025-03-06');
    expect(cal.remainingWorkingDays({ ...c, asOf: '2025-03-04' })).toBe(2);
    expect(cal.remainingWorkingDays({ ...c, asOf: '2025-03-06' })).toBe(0);
    expect(cal.remainingWorkingDays({ ...c, asOf: '2025-03-07' })).toBe(-1);
    expect(cal.remainingWorkingDays({ ...c, asOf: '2025-03-10' })).toBe(-2);
  });

  it('a weekend straight after a Friday deadline is already overdue', () => {
    const c = { acceptedOn: '2025-03-03', limit: 4 };
    expect(cal.deadline(c)).toBe('2025-03-07');
    expect(cal.remainingWorkingDays({ ...c, asOf: '2025-03-08' })).toBe(-1);
    expect(cal.remainingWorkingDays({ ...c, asOf: '2025-03-10' })).toBe(-1);
    expect(cal.remainingWorkingDays({ ...c, asOf: '2025-03-11' })).toBe(-2);
  });
});

describe('overrides', () => {
  it('fill in a year the source does not cover (2099)', () => {
    const plain = new WorkingCalendar();
    expect(plain.isCovered('2099-10-01')).toBe(false);
    expect(plain.isCovered('2025-10-01')).toBe(true);
    // Without a notice 2099 has its statutory holidays off (Thursday Oct 1 to Saturday Oct 3) but no
    // bridging days: Monday Oct 5 is worked.
    expect(weekday('2099-10-01')).toBe(4);
    expect(plain.isWorkingDay('2099-10-01')).toBe(false);
    expect(plain.isWorkingDay('2099-10-02')).toBe(false);
    expect(plain.isWorkingDay('2099-10-05')).toBe(true);
    expect(plain.addWorkingDays('2099-09-30', 1)).toBe('2099-10-05');

    const c = new WorkingCalendar({
      overrides: [
        { date: '2099-10-01', kind: 'HOLIDAY', name: '国庆节' },
        { date: '2099-10-02', kind: 'HOLIDAY', name: '国庆节' },
        { date: '2099-10-03', kind: 'WORKDAY', name: '国庆节调休' },
      ],
    });
    expect(c.isCovered('2099-06-01')).toBe(true);
    expect(c.isCovered('2098-06-01')).toBe(false);
    expect(c.isWorkingDay('2099-10-01')).toBe(false);
    expect(c.holidayName('2099-10-01')).toBe('国庆节');
    expect(weekday('2099-10-03')).toBe(6);
    // Wednesday Sep 30 + 1: Oct 1 and 2 are off, Saturday Oct 3 is worked.
    expect(c.addWorkingDays('2099-09-30', 1)).toBe('2099-10-03');
    expect(c.countWorkingDays('2099-09-30', '2099-10-05')).toBe(2);
  });

  it('turn a source holiday into a working day', () => {
    const c = new WorkingCalendar({ overrides: [{ date: '2025-10-08', kind: 'WORKDAY' }] });
    expect(c.isWorkingDay('2025-10-08')).toBe(true);
    expect(c.addWorkingDays('2025-09-30', 1)).toBe('2025-10-08');
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
  });

  it('reject contradictory entries for one day', () => {
    expect(
      () =>
        new WorkingCalendar({
          overrides: [
            { date: '2099-01-01', kind: 'HOLIDAY' },
            { date: '2099-01-01', kind: 'WORKDAY' },
          ],
        }),
    ).toThrow(/conflicting/);
  });

  it('take precedence over a custom source', () => {
    const source: HolidaySource = {
      isHoliday: (d) => d === '2030-05-01',
      isAdjustedWorkday: (d) => d === '2030-05-04',
      holidayName: (d) => (d === '2030-05-01' ? '劳动节' : null),
      coveredYears: () => ({ from: 2030, to: 2030 }),
    };
    const c = new WorkingCalendar({ source, overrides: [{ date: '2030-05-02', kind: 'HOLIDAY' }] });
    expect(c.isWorkingDay('2030-05-01')).toBe(false);
    expect(c.isWorkingDay('2030-05-02')).toBe(false);
    expect(c.isWorkingDay('2030-05-04')).toBe(true);
    expect(c.isCovered('2030-01-01')).toBe(true);
    expect(c.isCovered('2025-01-01')).toBe(false);
  });
});

describe('properties', () => {
  const startDate = fc.integer({ min: 0, max: 365 * 31 }).map((i) => addDays('2000-01-01', i));

  it('countWorkingDays(start, addWorkingDays(start, n)) === n, landing on a working day', () => {
    fc.assert(
      fc.property(startDate, fc.integer({ min: 1, max: 60 }), (start, n) => {
        const end = cal.addWorkingDays(start, n);
        expect(cal.countWorkingDays(start, end)).toBe(n);
        expect(cal.isWorkingDay(end)).toBe(true);
      }),
    );
  });

  it('pauses agree with a day-by-day count, and the deadline is where the count reaches the limit', () => {
    const pause = fc
      .tuple(fc.integer({ min: -10, max: 80 }), fc.integer({ min: 0, max: 30 }))
      .map(([offset, len]) => ({ offset, len }));
    fc.assert(
      fc.property(
        startDate,
        fc.integer({ min: 1, max: 40 }),
        fc.array(pause, { maxLength: 4 }),
        (accepted, limit, raw) => {
          const pauses = raw.map((p) => ({
            from: addDays(accepted, p.offset),
            to: addDays(accepted, p.offset + p.len),
          }));
          const due = cal.deadline({ acceptedOn: accepted, limit, pauses });
          expect(bruteCount(cal, accepted, due, pauses)).toBe(limit);
          expect(bruteCount(cal, accepted, addDays(due, -1), pauses)).toBe(limit - 1);
          expect(cal.countWorkingDays(accepted, due, pauses)).toBe(limit);
          expect(cal.remainingWorkingDays({ acceptedOn: accepted, limit, pauses, asOf: due })).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
