/**
 * The traffic light of an open case (网上流转红绿灯): green, yellow close to the deadline (by
 * working days left or share of the limit used, whichever comes first), red once overdue.
 */
import type { TrafficLight } from '../../../generated/prisma/enums.js';
import type { LocalDate, Pause, WorkingCalendar } from '../calendar/calendar.js';

export interface LightThresholds {
  /** Yellow when at most this many working days are left. */
  yellowDays: number;
  /** Yellow when at least this share (0..1] of the limit is used. */
  yellowShare: number;
}

export interface ClockInput {
  acceptedOn: LocalDate;
  limitDays: number;
  pauses: readonly Pause[];
}

export interface ClockState {
  light: TrafficLight;
  /** Working days left today; 0 on the deadline day, negative when overdue. */
  remainingWorkingDays: number;
  usedWorkingDays: number;
  /** Current deadline (moves later while the clock is stopped). */
  deadline: LocalDate;
}

export function lightFor(remaining: number, used: number, limit: number, t: LightThresholds): TrafficLight {
  if (remaining < 0) return 'RED';
  if (remaining <= t.yellowDays) return 'YELLOW';
  if (limit > 0 && used / limit >= t.yellowShare) return 'YELLOW';
  return 'GREEN';
}

export function clockState(calendar: WorkingCalendar, c: ClockInput, today: LocalDate, t: LightThresholds): ClockState {
  const remaining = calendar.remainingWorkingDays({
    acceptedOn: c.acceptedOn,
    limit: c.limitDays,
    pauses: c.pauses,
    asOf: today,
  });
  const used = Math.max(0, c.limitDays - remaining);
  const deadline = calendar.deadline({ acceptedOn: c.acceptedOn, limit: c.limitDays, pauses: c.pauses, asOf: today });
  return {
    light: lightFor(remaining, used, c.limitDays, t),
    remainingWorkingDays: remaining,
    usedWorkingDays: used,
    deadline,
  };
}
