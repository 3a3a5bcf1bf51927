/**
 * Booking (网上预约): departments set slots with a capacity per place, item, working day and time;
 * applicants book, cancel and reschedule. A slot's `booked` count is raised only by a conditional
 * UPDATE (booked < capacity), so concurrent bookings can never exceed the capacity; a CHECK
 * constraint in the database says the same.
 */
import type { Booking, BookingSlot } from '../../generated/prisma/client.js';
import type { AcceptancePlace } from '../../generated/prisma/enums.js';
import { assertScope } from '../../platform/auth/caller.js';
import type { BaseContext } from '../../platform/context.js';
import { badInput, conflict, forbidden, notFound } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import { addDays, fromLocal, loadWorkingCalendar, shanghaiToday, toLocal, type LocalDate } from '../approvals/index.js';
import { assertApplicant, enterprisesOf, ownsOrActsFor } from './access.js';

const SLOT_TIME = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const MAX_DAYS = 92;

export interface SlotSpec {
  time: string;
  capacity: number;
}

export interface SetSlotsInput {
  itemCode: string;
  place: AcceptancePlace;
  from: LocalDate;
  to: LocalDate;
  slots: SlotSpec[];
}

/**
 * Creates or resizes the slots of an item at a place on every working day from `from` to `to`
 * (booking:admin of the item's department). A slot is never made smaller than what is booked.
 */
export async function setSlots(
  ctx: BaseContext,
  input: SetSlotsInput,
): Promise<{ days: LocalDate[]; slots: number; kept: { day: LocalDate; time: string; booked: number }[] }> {
  assertScope(ctx.caller, 'booking:admin');
  const item = await ctx.prisma.serviceItem.findUnique({ where: { code: input.itemCode } });
  if (!item) throw notFound(`No catalogue item has the code "${input.itemCode}"`, { field: 'itemCode' });
  if (item.departmentCode !== ctx.caller.departmentCode) throw forbidden(`${item.name} belongs to another department`);
  if (!item.acceptedAt.includes(input.place))
    throw badInput(`${item.name} is accepted at ${item.acceptedAt.join(', ')}, not ${input.place}`, { field: 'place' });
  for (const [i, s] of input.slots.entries()) {
    if (!SLOT_TIME.test(s.time)) throw badInput('a slot time is "HH:MM-HH:MM"', { field: `slots[${i}].time` });
    if (!Number.isInteger(s.capacity) || s.capacity < 0 || s.capacity > 1000)
      throw badInput('capacity is 0 to 1000', { field: `slots[${i}].capacity` });
  }
  if (input.to < input.from) throw badInput('"to" is before "from"', { field: 'to' });
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const days: LocalDate[] = [];
  for (let d = input.from; d <= input.to; d = addDays(d, 1)) {
    if (days.length > MAX_DAYS) throw badInput(`at most ${MAX_DAYS} days at once`, { field: 'to' });
    if (calendar.isWorkingDay(d)) days.push(d);
  }
  const kept: { day: LocalDate; time: string; booked: number }[] = [];
  let count = 0;
  for (const day of days) {
    for (const s of input.slots) {
      const key = { place: input.place, itemCode: item.code, day: fromLocal(day), slot: s.time };
      // Resizing only where the new capacity still holds what is booked; the row lock of the
      // UPDATE orders it against concurrent bookings.
      const resized = await ctx.prisma.bookingSlot.updateMany({
        where: { ...key, booked: { lte: s.capacity } },
        data: { capacity: s.capacity },
      });
      if (resized.count > 0) {
        count += 1;
        continue;
      }
      const existing = await ctx.prisma.bookingSlot.findUnique({ where: { place_itemCode_day_slot: key } });
      if (existing) kept.push({ day, time: s.time, booked: existing.booked });
      else {
        await ctx.prisma.bookingSlot.upsert({
          where: { place_itemCode_day_slot: key },
          create: { ...key, capacity: s.capacity },
          update: {},
        });
        count += 1;
      }
    }
  }
  ctx.logger.info(
    { item: item.code, place: input.place, days: days.length, slots: count, kept: kept.length },
    'booking slots set',
  );
  return { days, slots: count, kept };
}

/** Open slots of an item from today on (capacity left), by day and time. */
export async function openSlots(
  ctx: Pick<BaseContext, 'prisma'>,
  itemCode: string,
  days = 14,
  now = new Date(),
): Promise<BookingSlot[]> {
  const today = shanghaiToday(now);
  return ctx.prisma.bookingSlot.findMany({
    where: { itemCode, day: { gte: fromLocal(today), lte: fromLocal(addDays(today, days)) }, capacity: { gt: 0 } },
    orderBy: [{ day: 'asc' }, { slot: 'asc' }, { place: 'asc' }],
  });
}

/** Raises `booked` by one if the slot has room and is not in the past; false when full. */
async function takeSeat(
  tx: Pick<BaseContext['prisma'], '$executeRaw'>,
  slotId: string,
  today: LocalDate,
): Promise<boolean> {
  const n =
    await tx.$executeRaw`UPDATE "BookingSlot" SET "booked" = "booked" + 1 WHERE "id" = ${slotId}::uuid AND "booked" < "capacity" AND "day" >= ${today}::date`;
  return n === 1;
}

async function releaseSeat(tx: Pick<BaseContext['prisma'], '$executeRaw'>, slotId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "BookingSlot" SET "booked" = "booked" - 1 WHERE "id" = ${slotId}::uuid AND "booked" > 0`;
}

export async function book(
  ctx: BaseContext,
  slotId: string,
  uscc: string | null = null,
  now = new Date(),
): Promise<Booking> {
  assertApplicant(ctx.caller);
  const accountId = ctx.caller.accountId;
  if (!isUuid(slotId)) throw notFound('没有这个预约时段', { field: 'slotId' });
  if (uscc && !(await enterprisesOf(ctx, accountId)).includes(uscc))
    throw forbidden('您尚未获得该企业的授权', { field: 'uscc' });
  const slot = await ctx.prisma.bookingSlot.findUnique({ where: { id: slotId } });
  if (!slot) throw notFound('没有这个预约时段', { field: 'slotId' });
  const twice = await ctx.prisma.booking.findFirst({ where: { accountId, slotId, status: 'BOOKED' } });
  if (twice) throw conflict('您已预约该时段', { reason: 'ALREADY_BOOKED' });
  const today = shanghaiToday(now);
  const created = await ctx.prisma.$transaction(async (tx) => {
    if (!(await takeSeat(tx, slotId, today))) return null;
    return tx.booking.create({ data: { slotId, accountId, uscc } });
  });
  if (!created) throw conflict('该时段已约满或已过期，请选择其他时段', { reason: 'SLOT_FULL' });
  ctx.logger.info({ booking: created.id, slot: slotId }, 'booking made');
  return created;
}

async function ownBooking(ctx: BaseContext, id: string): Promise<Booking & { slot: BookingSlot }> {
  assertApplicant(ctx.caller);
  const b = isUuid(id) ? await ctx.prisma.booking.findUnique({ where: { id }, include: { slot: true } }) : null;
  if (!b || !ownsOrActsFor(ctx.caller, await enterprisesOf(ctx, ctx.caller.accountId), b))
    throw notFound('没有这个预约', { bookingId: id });
  return b;
}

export async function cancelBooking(ctx: BaseContext, id: string, now = new Date()): Promise<Booking> {
  const b = await ownBooking(ctx, id);
  const done = await ctx.prisma.$transaction(async (tx) => {
    const n = await tx.booking.updateMany({
      where: { id, status: 'BOOKED' },
      data: { status: 'CANCELLED', cancelledAt: now },
    });
    if (n.count === 0) return false;
    await releaseSeat(tx, b.slotId);
    return true;
  });
  if (!done) throw conflict('该预约已取消或已办理', { reason: 'NOT_BOOKED' });
  return ctx.prisma.booking.findUniqueOrThrow({ where: { id } });
}

/** Moves a booking to another slot of the same item: the new seat is taken before the old one is given back. */
export async function rescheduleBooking(
  ctx: BaseContext,
  id: string,
  slotId: string,
  now = new Date(),
): Promise<Booking> {
  const b = await ownBooking(ctx, id);
  if (b.status !== 'BOOKED') throw conflict('该预约已取消或已办理', { reason: 'NOT_BOOKED' });
  const target = isUuid(slotId) ? await ctx.prisma.bookingSlot.findUnique({ where: { id: slotId } }) : null;
  if (!target || target.itemCode !== b.slot.itemCode) throw notFound('没有这个预约时段', { field: 'slotId' });
  if (target.id === b.slotId) return b;
  const today = shanghaiToday(now);
  const moved = await ctx.prisma.$transaction(async (tx) => {
    const n = await tx.booking.updateMany({ where: { id, status: 'BOOKED', slotId: b.slotId }, data: { slotId } });
    if (n.count === 0) return 'changed' as const;
    if (!(await takeSeat(tx, slotId, today)))
      throw conflict('该时段已约满或已过期，请选择其他时段', { reason: 'SLOT_FULL' });
    await releaseSeat(tx, b.slotId);
    return 'moved' as const;
  });
  if (moved === 'changed') throw conflict('该预约刚被修改，请刷新后重试', { reason: 'CHANGED' });
  return ctx.prisma.booking.findUniqueOrThrow({ where: { id } });
}

/** The window records whether the applicant came (booking:admin of the item's department). */
export async function recordAttendance(
  ctx: BaseContext,
  id: string,
  kept: boolean,
  now = new Date(),
): Promise<Booking> {
  assertScope(ctx.caller, 'booking:admin');
  const b = isUuid(id) ? await ctx.prisma.booking.findUnique({ where: { id }, include: { slot: true } }) : null;
  if (!b) throw notFound('No booking has this id', { bookingId: id });
  const item = await ctx.prisma.serviceItem.findUnique({
    where: { code: b.slot.itemCode },
    select: { departmentCode: true },
  });
  if (item?.departmentCode !== ctx.caller.departmentCode)
    throw forbidden('The booking is for another department’s item');
  const n = await ctx.prisma.booking.updateMany({
    where: { id, status: 'BOOKED' },
    data: { status: kept ? 'KEPT' : 'MISSED', attendedAt: now },
  });
  if (n.count === 0)
    throw conflict('The booking is not open (cancelled or already recorded)', { reason: 'NOT_BOOKED' });
  return ctx.prisma.booking.findUniqueOrThrow({ where: { id } });
}

/**
 * The day-before reminder: every open booking of tomorrow not yet reminded gets one SMS through
 * the notification outbox. Claimed with a conditional UPDATE, so two workers never remind twice.
 */
export async function remindTomorrowsBookings(
  ctx: Pick<BaseContext, 'prisma' | 'logger'>,
  now = new Date(),
): Promise<number> {
  const tomorrow = addDays(shanghaiToday(now), 1);
  const due = await ctx.prisma.booking.findMany({
    where: { status: 'BOOKED', remindedAt: null, slot: { day: fromLocal(tomorrow) } },
    include: { slot: true, account: true },
    take: 500,
  });
  let sent = 0;
  for (const b of due) {
    const item = await ctx.prisma.serviceItem.findUnique({ where: { code: b.slot.itemCode }, select: { name: true } });
    await ctx.prisma.$transaction(async (tx) => {
      const n = await tx.booking.updateMany({ where: { id: b.id, remindedAt: null }, data: { remindedAt: now } });
      if (n.count === 0) return;
      await tx.notification.create({
        data: {
          kind: 'BOOKING_REMINDER',
          audience: 'APPLICANT',
          recipient: b.account.phone,
          payload: {
            text: `【网上办事大厅】您预约了明天（${toLocal(b.slot.day)}）${b.slot.slot}办理“${item?.name ?? b.slot.itemCode}”，请携带材料准时到场。`,
            bookingId: b.id,
          },
        },
      });
      sent += 1;
    });
  }
  if (sent > 0) ctx.logger.info({ reminded: sent, day: tomorrow }, 'booking reminders queued');
  return sent;
}
